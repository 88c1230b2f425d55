"""Per-shop (and per API group) rate limiting that holds across concurrent Lambda invocations.

TikTok limits calls per app + shop + API and answers 429 / 36009002 beyond that. Every client reserves a call
slot in a shared limiter before calling, so concurrent Lambdas together stay under the limit instead of each
discovering it through 429s. Callers sleep until their slot rather than polling for tokens.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tts_connector.errors import TransientError
from tts_connector.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


@dataclass(frozen=True)
class RateLimit:
    """`rate` tokens per second refill up to `burst` tokens.

    `window` (seconds) fixes the DynamoDB limiter's window length whatever the rate, so an adaptive rate can
    change without moving window boundaries (the window then holds `rate * window` calls); None keeps
    windows of `burst / rate` seconds.
    """

    rate: float
    burst: float = 1.0
    window: float | None = None

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        if self.window is not None and self.window <= 0:
            raise ValueError("window must be positive")


@dataclass(frozen=True)
class RateLimitConfig:
    """Default limit plus overrides keyed `shop_id#api_group`, `shop_id` or `api_group` (in that order)."""

    default: RateLimit = field(default_factory=lambda: RateLimit(rate=5.0, burst=5.0))
    overrides: dict[str, RateLimit] = field(default_factory=dict)

    def limit_for(self, shop_id: str, api_group: str) -> RateLimit:
        for key in (f"{shop_id}#{api_group}", shop_id, api_group):
            if key in self.overrides:
                return self.overrides[key]
        return self.default


def bucket_id(app_key: str, shop_id: str, api_group: str) -> str:
    return f"{app_key}#{shop_id}#{api_group}"


class RateLimiter(Protocol):
    def reserve(self, bucket: str, limit: RateLimit, max_wait: float) -> float | None:
        """Reserve the next call slot: the seconds to sleep before calling (0.0 = now), or None when the
        slot is further away than `max_wait` (then nothing is reserved)."""
        ...


@runtime_checkable
class ThrottleFeedback(Protocol):
    """A limiter that learns from TikTok's answers: the client reports each throttled call (429/36009002)."""

    def throttled(self, bucket: str, limit: RateLimit, retry_after: float | None) -> None: ...


def acquire(
    limiter: RateLimiter,
    bucket: str,
    limit: RateLimit,
    *,
    max_wait: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Block until this caller's slot comes up; TransientError if it is more than `max_wait` away."""
    delay = limiter.reserve(bucket, limit, max_wait)
    if delay is None:
        raise TransientError(
            "Local TikTok Shop rate limit budget is exhausted", details={"bucket": bucket}, retry_after=max_wait
        )
    if delay > 0:
        sleep(delay)


def _gcra(stored_tat: float | None, now: float, limit: RateLimit, max_wait: float) -> tuple[float, float] | None:
    """Generic cell rate algorithm: (new theoretical arrival time, delay) or None if the delay is too long.

    Each call pushes the bucket's theoretical arrival time (TAT) one interval further; a call may start
    once TAT - now is within the burst allowance. Reserving instead of polling means waiting callers do not
    compete for tokens (which on DynamoDB would mean conditional-write storms), they just sleep until their slot.
    """
    interval = 1.0 / limit.rate
    allowance = (limit.burst - 1.0) * interval
    tat = max(stored_tat if stored_tat is not None else now, now)
    delay = max(0.0, tat - allowance - now)
    if delay > max_wait:
        return None
    return tat + interval, delay


class InMemoryRateLimiter:
    """GCRA buckets in process memory: for tests and single-process tools."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._tats: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, bucket: str, limit: RateLimit, max_wait: float, not_before: float | None = None) -> float | None:
        with self._lock:
            now = self._clock()
            start = max(now, not_before or now)
            result = _gcra(self._tats.get(bucket), start, limit, max_wait - (start - now))
            if result is None:
                return None
            self._tats[bucket], delay = result
            return delay + (start - now)

    def now(self) -> float:
        return self._clock()


class DynamoDbRateLimiter:
    """Rate limiting through atomic counters in a DynamoDB table shared by all Lambdas.

    Time is cut into windows of `burst / rate` seconds, each allowing `burst` calls. A caller atomically
    increments the counter of the current window (UpdateItem ADD, so concurrent callers never conflict or
    retry) and gets slot number n: slot n starts n-1 intervals into the window, which spaces calls at the
    configured rate. A full window sends the caller on to a later one. At most `burst` calls start per
    window, so a window boundary allows at most 2 x burst calls in quick succession; choose `burst` well
    under TikTok's allowance.

    Table: partition key `bucket_id` (S) holding `<bucket>#<window>`; TTL attribute `expires_at` removes
    old windows. The wall clock is used because invocations on different hosts must agree on time (Lambda
    hosts are NTP-synchronised).
    """

    def __init__(
        self,
        table_name: str,
        client: DynamoDBClient,
        *,
        clock: Callable[[], float] = time.time,
        ttl_seconds: int = 3600,
    ):
        self._table = table_name
        self._client = client
        self._clock = clock
        self._ttl = ttl_seconds

    def reserve(self, bucket: str, limit: RateLimit, max_wait: float, not_before: float | None = None) -> float | None:
        """`not_before` (wall clock) keeps every slot at or after it: TikTok's Retry-After, shared by all."""
        if limit.window is None:
            capacity = max(1, int(limit.burst))
            interval = 1.0 / limit.rate
            window_length = capacity * interval
        else:
            window_length = limit.window
            capacity = max(1, int(limit.rate * window_length))
            interval = window_length / capacity
        now = self._clock()
        earliest = max(now, not_before or now)
        window = int(earliest // window_length)
        while True:
            window_start = window * window_length
            if window_start - now > max_wait:
                return None
            slot = self._take_slot(bucket, window, window_start + window_length)
            if slot <= capacity:
                delay = max(0.0, window_start + (slot - 1) * interval - now, earliest - now)
                # The slot stays taken (counters only grow); an unused slot just lowers throughput a little.
                return delay if delay <= max_wait else None
            # Full: overflow callers spread over the following windows instead of all probing the next one.
            window += max(1, (slot - 1) // capacity)

    def _take_slot(self, bucket: str, window: int, window_end: float) -> int:
        response = self._client.update_item(
            TableName=self._table,
            Key={"bucket_id": {"S": f"{bucket}#{window}"}},
            UpdateExpression="ADD calls :one SET expires_at = if_not_exists(expires_at, :exp)",
            ExpressionAttributeValues={":one": {"N": "1"}, ":exp": {"N": str(int(window_end) + self._ttl)}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["calls"]["N"])

    def now(self) -> float:
        return self._clock()


@dataclass(frozen=True)
class AdaptivePolicy:
    """How the shared rate moves: down at once on throttling, up slowly while TikTok accepts the calls.

    TikTok documents 50 QPS per app, shop and API but not the per-endpoint values (reference §8.3), so the
    limiter starts from the configured rate, multiplies it by `decrease` when TikTok throttles (at most once
    per `cooldown`: a burst of 429s seen by many workers at once is one signal) and adds `increase` x the
    ceiling every `raise_every` seconds without throttling, never above `ceiling` nor below `floor`.
    """

    ceiling: float
    floor: float = 1.0
    decrease: float = 0.7
    increase: float = 0.05
    raise_every: float = 5.0
    cooldown: float = 1.0
    # How long a process trusts its copy of the shared state before reading it again.
    cache_seconds: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.floor <= self.ceiling or not 0 < self.decrease < 1 or self.increase <= 0:
            raise ValueError("need 0 < floor <= ceiling, 0 < decrease < 1 and increase > 0")


@dataclass(frozen=True)
class RateState:
    """The rate every caller of one bucket uses now; `blocked_until` holds all calls (TikTok's Retry-After)."""

    rate: float
    changed_at: float
    decreased_at: float = 0.0
    blocked_until: float = 0.0


class RateStateStore(Protocol):
    def load(self, bucket: str) -> RateState | None: ...

    def initialise(self, bucket: str, state: RateState) -> None:
        """Store `state` unless the bucket already has one."""
        ...

    def replace(self, bucket: str, seen: RateState, new: RateState, *, decreased_before: float | None) -> bool:
        """Set `new` if the stored rate is still `seen.rate` (and, for a decrease, no decrease happened after
        `decreased_before`); False when another caller changed it first."""
        ...

    def block_until(self, bucket: str, until: float) -> None:
        """Hold every call of the bucket until `until`, unless it is already held longer."""
        ...


class InMemoryRateStateStore:
    def __init__(self) -> None:
        self._states: dict[str, RateState] = {}
        self._lock = threading.Lock()

    def load(self, bucket: str) -> RateState | None:
        with self._lock:
            return self._states.get(bucket)

    def initialise(self, bucket: str, state: RateState) -> None:
        with self._lock:
            self._states.setdefault(bucket, state)

    def replace(self, bucket: str, seen: RateState, new: RateState, *, decreased_before: float | None) -> bool:
        with self._lock:
            current = self._states.get(bucket)
            if current is not None and current.rate != seen.rate:
                return False
            if decreased_before is not None and current is not None and current.decreased_at > decreased_before:
                return False
            blocked = current.blocked_until if current is not None else 0.0
            self._states[bucket] = RateState(
                new.rate, new.changed_at, new.decreased_at, max(blocked, new.blocked_until)
            )
            return True

    def block_until(self, bucket: str, until: float) -> None:
        with self._lock:
            current = self._states.get(bucket)
            if current is not None and current.blocked_until < until:
                self._states[bucket] = RateState(current.rate, current.changed_at, current.decreased_at, until)


class DynamoDbRateStateStore:
    """The shared rate of each bucket as one item (`<bucket>#rate`) in the rate-limit table."""

    def __init__(self, table_name: str, client: DynamoDBClient):
        self._table = table_name
        self._client = client

    def _key(self, bucket: str) -> dict[str, Any]:
        return {"bucket_id": {"S": f"{bucket}#rate"}}

    def load(self, bucket: str) -> RateState | None:
        item = self._client.get_item(TableName=self._table, Key=self._key(bucket), ConsistentRead=True).get("Item")
        if not item or "rate" not in item:
            return None
        return RateState(
            rate=float(item["rate"]["N"]),
            changed_at=float(item.get("changed_at", {}).get("N", "0")),
            decreased_at=float(item.get("decreased_at", {}).get("N", "0")),
            blocked_until=float(item.get("blocked_until", {}).get("N", "0")),
        )

    def initialise(self, bucket: str, state: RateState) -> None:
        with contextlib.suppress(self._client.exceptions.ConditionalCheckFailedException):
            self._client.update_item(
                TableName=self._table,
                Key=self._key(bucket),
                UpdateExpression="SET rate = :r, changed_at = :c",
                ConditionExpression="attribute_not_exists(rate)",
                ExpressionAttributeValues={":r": _n(state.rate), ":c": _n(state.changed_at)},
            )

    def replace(self, bucket: str, seen: RateState, new: RateState, *, decreased_before: float | None) -> bool:
        condition = "rate = :seen"
        values = {":seen": _n(seen.rate), ":r": _n(new.rate), ":c": _n(new.changed_at)}
        update = "SET rate = :r, changed_at = :c"
        if decreased_before is not None:
            condition += " AND (attribute_not_exists(decreased_at) OR decreased_at <= :before)"
            update += ", decreased_at = :c"
            values[":before"] = _n(decreased_before)
        try:
            self._client.update_item(
                TableName=self._table,
                Key=self._key(bucket),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def block_until(self, bucket: str, until: float) -> None:
        with contextlib.suppress(self._client.exceptions.ConditionalCheckFailedException):
            self._client.update_item(
                TableName=self._table,
                Key=self._key(bucket),
                UpdateExpression="SET blocked_until = :u",
                ConditionExpression="attribute_not_exists(blocked_until) OR blocked_until < :u",
                ExpressionAttributeValues={":u": _n(until)},
            )


def _n(value: float) -> dict[str, str]:
    return {"N": f"{value:.3f}"}


class WindowLimiter(Protocol):
    """A limiter that can hold slots until a moment and tell the time it uses (the two limiters above)."""

    def reserve(
        self, bucket: str, limit: RateLimit, max_wait: float, not_before: float | None = None
    ) -> float | None: ...

    def now(self) -> float: ...


class AdaptiveRateLimiter:
    """A shared limiter whose rate follows TikTok's throttling, per bucket (app + shop + API), for every worker.

    The configured `RateLimit` is where a bucket starts; `AdaptivePolicy` says how it moves. The state lives
    in a `RateStateStore` (the rate-limit table in AWS) so all concurrent Lambdas slow down together after a
    429 and speed up together again; each process re-reads it at most every `cache_seconds`.
    """

    def __init__(self, inner: WindowLimiter, states: RateStateStore, policy: AdaptivePolicy):
        self._inner = inner
        self._states = states
        self._policy = policy
        self._cache: dict[str, tuple[RateState, float]] = {}
        self._lock = threading.Lock()

    def current(self, bucket: str, limit: RateLimit) -> RateState:
        now = self._inner.now()
        with self._lock:
            cached = self._cache.get(bucket)
        if cached is not None and now - cached[1] < self._policy.cache_seconds:
            return cached[0]
        state = self._states.load(bucket)
        if state is None:
            state = RateState(rate=min(limit.rate, self._policy.ceiling), changed_at=now)
            self._states.initialise(bucket, state)
        elif state.rate < self._policy.ceiling and now - state.changed_at >= self._policy.raise_every:
            raised = RateState(
                rate=min(self._policy.ceiling, state.rate + self._policy.increase * self._policy.ceiling),
                changed_at=now,
                decreased_at=state.decreased_at,
                blocked_until=state.blocked_until,
            )
            if self._states.replace(bucket, state, raised, decreased_before=None):
                state = raised
        with self._lock:
            self._cache[bucket] = (state, now)
        return state

    def reserve(self, bucket: str, limit: RateLimit, max_wait: float) -> float | None:
        state = self.current(bucket, limit)
        window = limit.window or limit.burst / limit.rate
        effective = RateLimit(rate=state.rate, burst=max(1.0, state.rate * window), window=window)
        not_before = state.blocked_until if state.blocked_until > 0 else None
        return self._inner.reserve(bucket, effective, max_wait, not_before=not_before)

    def throttled(self, bucket: str, limit: RateLimit, retry_after: float | None) -> None:
        now = self._inner.now()
        state = self.current(bucket, limit)
        lowered = RateState(
            rate=max(self._policy.floor, state.rate * self._policy.decrease),
            changed_at=now,
            decreased_at=now,
            blocked_until=state.blocked_until,
        )
        self._states.replace(bucket, state, lowered, decreased_before=now - self._policy.cooldown)
        if retry_after:
            self._states.block_until(bucket, now + retry_after)
        with self._lock:
            # Read the shared state on the next call: another worker's decrease may have won.
            self._cache.pop(bucket, None)


def dynamodb_rate_limiter(settings: Settings, client: DynamoDBClient) -> DynamoDbRateLimiter:
    """The shared limiter on the table named by RATE_LIMIT_TABLE (fails naming the variable when unset)."""
    return DynamoDbRateLimiter(settings.require("rate_limit_table"), client)


def adaptive_dynamodb_rate_limiter(
    settings: Settings, client: DynamoDBClient, policy: AdaptivePolicy | None = None
) -> AdaptiveRateLimiter:
    """The shared, adaptive limiter every Lambda uses: windows and rate state in RATE_LIMIT_TABLE."""
    table = settings.require("rate_limit_table")
    return AdaptiveRateLimiter(
        DynamoDbRateLimiter(table, client),
        DynamoDbRateStateStore(table, client),
        policy or AdaptivePolicy(rate_ceiling(settings)),
    )


def rate_ceiling(settings: Settings) -> float:
    """Calls per second per app, shop and API the shared rate never exceeds (the console shows it too)."""
    return max(settings.tiktok_rate_ceiling_per_second, settings.tiktok_rate_per_second)
