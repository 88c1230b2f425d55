"""Per-shop (and per API group) rate limiting that holds across concurrent Lambda invocations.

TikTok limits calls per app + shop + API and answers 429 / 36009002 beyond that. Every client reserves a call
slot in a shared limiter before calling, so concurrent Lambdas together stay under the limit instead of each
discovering it through 429s. Callers sleep until their slot rather than polling for tokens.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from tts_connector.errors import TransientError
from tts_connector.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


@dataclass(frozen=True)
class RateLimit:
    """`rate` tokens per second refill up to `burst` tokens."""

    rate: float
    burst: float = 1.0

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("rate must be positive and burst at least 1")


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

    def reserve(self, bucket: str, limit: RateLimit, max_wait: float) -> float | None:
        with self._lock:
            result = _gcra(self._tats.get(bucket), self._clock(), limit, max_wait)
            if result is None:
                return None
            self._tats[bucket], delay = result
            return delay


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

    def reserve(self, bucket: str, limit: RateLimit, max_wait: float) -> float | None:
        capacity = max(1, int(limit.burst))
        interval = 1.0 / limit.rate
        window_length = capacity * interval
        now = self._clock()
        window = int(now // window_length)
        while True:
            window_start = window * window_length
            if window_start - now > max_wait:
                return None
            slot = self._take_slot(bucket, window, window_start + window_length)
            if slot <= capacity:
                delay = max(0.0, window_start + (slot - 1) * interval - now)
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


def dynamodb_rate_limiter(settings: Settings, client: DynamoDBClient) -> DynamoDbRateLimiter:
    """The shared limiter on the table named by RATE_LIMIT_TABLE (fails naming the variable when unset)."""
    return DynamoDbRateLimiter(settings.require("rate_limit_table"), client)
