"""What TikTok's gateway checks before a handler runs: app key, timestamp window, signature, token, cipher,
scope and rate limit; plus the latency and faults tests inject."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from tiktok_sandbox import codes
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.config import ShopSeed
from tiktok_sandbox.state import Grant, SandboxState
from tiktok_sandbox.verification import signature_matches


@dataclass(frozen=True)
class SignedRequest:
    path: str
    query: dict[str, str]
    body: bytes
    multipart: bool
    access_token: str | None


def check_signature(state: SandboxState, request: SignedRequest) -> None:
    config = state.config
    app_key = request.query.get("app_key")
    if not app_key:
        raise ApiError(codes.INVALID_CREDENTIAL, "Invalid credentials. The app_key query parameter is missing.", 401)
    if app_key != config.app_key:
        raise ApiError(codes.INVALID_CREDENTIAL, "Invalid credentials. The app_key is invalid.", 401)
    sign = request.query.get("sign")
    if not sign:
        raise ApiError(codes.INVALID_CREDENTIAL, "Invalid credentials. The sign query parameter is missing.", 401)
    raw_timestamp = request.query.get("timestamp", "")
    if not raw_timestamp.isdigit() or len(raw_timestamp) != 10:
        raise ApiError(codes.INVALID_CREDENTIAL, "Invalid timestamp. It must be a 10-digit Unix timestamp.", 401)
    now = state.now()
    timestamp = int(raw_timestamp)
    if not now - config.timestamp_past_window <= timestamp <= now + config.timestamp_future_window:
        raise ApiError(
            codes.INVALID_CREDENTIAL,
            "Invalid timestamp. The timestamp must lie within 5 minutes before to 30 seconds beyond the current time.",
            401,
        )
    if not signature_matches(
        config.app_secret, request.path, request.query, request.body, multipart=request.multipart, given=sign
    ):
        raise ApiError(
            codes.INVALID_SIGNATURE,
            "Invalid credentials. The 'sign' query parameter is invalid. Please check the signature algorithm.",
            401,
        )


def check_token(state: SandboxState, access_token: str | None) -> Grant:
    if not access_token:
        raise ApiError(codes.INVALID_CREDENTIAL, "Invalid credentials. The x-tts-access-token header is missing.", 401)
    with state.lock:
        grant = state.grants_by_access.get(access_token)
    if grant is None or grant.revoked:
        raise ApiError(codes.INVALID_CREDENTIAL, "Invalid credentials. The x-tts-access-token is invalid.", 401)
    if state.now() >= grant.access_expires_at:
        raise ApiError(codes.TOKEN_EXPIRED, "Expired credentials. access token is expired, please refresh it", 401)
    return grant


def check_cipher(state: SandboxState, grant: Grant, cipher: str | None, policy: str) -> ShopSeed | None:
    """`policy` is "required" (shop-scoped API), "optional" (shop_cipher documented as not required) or
    "forbidden" (authorization, uploads, brands create)."""
    if policy == "forbidden":
        if cipher is not None:
            raise ApiError(codes.INVALID_CREDENTIAL, "Unexpected identifier. shop_cipher is not allowed here.", 400)
        return None
    if not cipher and policy == "optional":
        return None
    if not cipher:
        raise ApiError(codes.MISSING_SHOP_CIPHER, "The shop_cipher query parameter is missing.", 400)
    shop = state.shops_by_cipher.get(cipher)
    if shop is None:
        raise ApiError(codes.INVALID_CREDENTIAL, "Invalid credentials. The shop_cipher is invalid.", 400)
    if shop.id not in grant.shop_ids or shop.id in state.deauthorized_shops:
        raise ApiError(
            codes.INVALID_ACCESS_TOKEN,
            "Invalid x-tts-access-token: the token is not tied to this shop_cipher.",
            401,
        )
    return shop


def check_scope(grant: Grant, scope: str | None, path: str) -> None:
    if scope is not None and scope not in grant.scopes:
        raise ApiError(
            codes.SCOPE_MISSING,
            f"you should apply auth pkg for this api. Missing scope: {scope} ({path})",
            403,
        )


class RateLimiter:
    """Token bucket per app + shop + API, like TikTok's per-API limit."""

    def __init__(self, qps: float, burst: float, retry_after: float | None):
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}
        self.qps = qps
        self.burst = burst
        self.retry_after = retry_after
        self.throttled = 0
        self.allowed = 0

    def configure(self, qps: float, burst: float) -> None:
        with self._lock:
            self.qps, self.burst = qps, burst
            self._buckets.clear()

    def check(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            tokens, updated = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - updated) * self.qps)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self.allowed += 1
                return
            self._buckets[key] = (tokens, now)
            self.throttled += 1
        headers = {"Retry-After": f"{self.retry_after:g}"} if self.retry_after is not None else {}
        raise ApiError(codes.RATE_LIMITED, "Too many requests. Please retry later.", 429, headers)


@dataclass
class Fault:
    kind: str  # http_500, http_503, internal_error, timeout, rate_limit
    remaining: int
    path_prefix: str | None


FAULT_KINDS = frozenset({"http_500", "http_503", "internal_error", "timeout", "rate_limit", "slow_answer"})


class FaultInjector:
    def __init__(self, timeout_seconds: float):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.timeout_seconds = timeout_seconds

    def add(self, kind: str, count: int = 1, path_prefix: str | None = None) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"Unknown fault kind {kind!r}; use one of {sorted(FAULT_KINDS)}")
        with self._lock:
            self._faults.append(Fault(kind, count, path_prefix))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def apply(self, path: str) -> float:
        """Raise the fault due for `path`, if any; a `slow_answer` returns how long to hold the answer instead.

        `slow_answer` processes the request and answers `timeout_seconds` late: the caller may give up (or
        die) after TikTok did the work, the case Create Product's `idempotency_key` exists for ("prevent
        duplicate processing of the same request, especially in cases of connection issues",
        create-product spec)."""
        with self._lock:
            fault = next(
                (
                    f
                    for f in self._faults
                    if f.remaining > 0 and (f.path_prefix is None or path.startswith(f.path_prefix))
                ),
                None,
            )
            if fault is None:
                return 0.0
            fault.remaining -= 1
            if fault.remaining == 0:
                self._faults.remove(fault)
        if fault.kind == "http_500":
            raise ApiError(codes.INTERNAL_ERROR, "Internal error, please retry.", 500)
        if fault.kind == "http_503":
            raise ApiError(codes.INTERNAL_ERROR, "Service unavailable, please retry.", 503)
        if fault.kind == "internal_error":
            raise ApiError(codes.INTERNAL_ERROR, "Internal error, please retry.", 200)
        if fault.kind == "rate_limit":
            raise ApiError(codes.RATE_LIMITED, "Too many requests. Please retry later.", 429)
        if fault.kind == "slow_answer":
            return self.timeout_seconds
        time.sleep(self.timeout_seconds)
        raise ApiError(codes.REQUEST_TIMEOUT, "Request timeout.", 504)
