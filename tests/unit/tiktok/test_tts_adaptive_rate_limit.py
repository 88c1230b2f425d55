"""The shared limiter starts at the configured rate, drops once per burst of throttling, climbs back slowly,
holds every caller through TikTok's Retry-After, and keeps a bucket per shop and API."""

from __future__ import annotations

import pytest

from tests.unit.tiktok.test_tts_client_transport import OK, SHOP, ScriptedSession, _response
from tts_connector.retry import RetryPolicy
from tts_connector.tiktok.client import TikTokShopClient, api_name
from tts_connector.tiktok.rate_limit import (
    AdaptivePolicy,
    AdaptiveRateLimiter,
    InMemoryRateLimiter,
    InMemoryRateStateStore,
    RateLimit,
    RateLimitConfig,
    bucket_id,
)
from tts_connector.tiktok.tokens import InMemoryTokenSource

START = RateLimit(rate=40, burst=40)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _limiter(clock: Clock, states: InMemoryRateStateStore | None = None) -> AdaptiveRateLimiter:
    return AdaptiveRateLimiter(
        InMemoryRateLimiter(clock=clock),
        states or InMemoryRateStateStore(),
        AdaptivePolicy(ceiling=50, cache_seconds=0),
    )


def test_a_burst_of_429s_lowers_the_rate_once_and_it_climbs_back_slowly_to_the_ceiling() -> None:
    clock = Clock()
    limiter = _limiter(clock)
    limiter.reserve("b", START, 10)
    assert limiter.current("b", START).rate == 40

    for _ in range(5):  # five workers see TikTok's 429 at the same moment
        limiter.throttled("b", START, None)

    assert limiter.current("b", START).rate == pytest.approx(28.0)
    clock.now += 1.5
    limiter.throttled("b", START, None)  # still throttled a second later: lower again
    assert limiter.current("b", START).rate == pytest.approx(19.6)
    rates = []
    for _ in range(14):
        clock.now += 5.0
        rates.append(limiter.current("b", START).rate)
    assert rates[0] == pytest.approx(22.1) and rates == sorted(rates)
    assert rates[-1] == 50  # never above the ceiling
    assert limiter.current("other", START).rate == 40  # other buckets are untouched


def test_retry_after_holds_every_caller_of_the_bucket_sharing_the_state() -> None:
    clock = Clock()
    states = InMemoryRateStateStore()
    one, two = _limiter(clock, states), _limiter(clock, states)
    assert one.reserve("b", START, 10) == 0.0

    one.throttled("b", START, retry_after=3.0)

    delay = two.reserve("b", START, 10)
    assert delay is not None and delay >= 3.0
    assert two.reserve("b", START, max_wait=1.0) is None


def test_calls_count_against_their_own_api_and_the_client_reports_throttling() -> None:
    assert api_name("GET", "/product/202309/products/1729592969712207008") == "GET /product/202309/products/{id}"
    assert (
        api_name("GET", "/product/202309/categories/900111/attributes")
        == "GET /product/202309/categories/{id}/attributes"
    )
    assert api_name("POST", "/product/202309/products") == "POST /product/202309/products"
    clock = Clock()
    states = InMemoryRateStateStore()
    limiter = _limiter(clock, states)
    session = ScriptedSession([_response(429, {"code": 36009002, "message": "Too many requests"}), _response(200, OK)])
    client = TikTokShopClient(
        base_url="https://open-api.example",
        app_key="key",
        app_secret="secret",
        token_source=InMemoryTokenSource({SHOP.shop_id: "TTP_token"}),
        session=session,
        rate_limiter=limiter,
        rate_limits=RateLimitConfig(default=START),
        retry_policy=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.1),
        sleep=clock.sleep,
        clock=clock,
    )

    assert client.call("POST", "/product/202309/products", shop=SHOP, body={}, idempotent=True) == {"ok": True}

    create = states.load(bucket_id("key", SHOP.shop_id, "POST /product/202309/products"))
    assert create is not None and create.rate == pytest.approx(28.0)
