"""GCRA bucket math of the in-memory limiter, config lookup and the blocking acquire."""

from __future__ import annotations

import pytest

from tts_connector.errors import TransientError
from tts_connector.tiktok.rate_limit import (
    InMemoryRateLimiter,
    RateLimit,
    RateLimitConfig,
    acquire,
    bucket_id,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_burst_is_free_then_slots_are_spaced_by_the_rate() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock=clock)
    limit = RateLimit(rate=2.0, burst=3)
    delays = [limiter.reserve("b", limit, max_wait=10) for _ in range(6)]
    assert delays == pytest.approx([0.0, 0.0, 0.0, 0.5, 1.0, 1.5])
    # Other buckets are independent.
    assert limiter.reserve("other", limit, max_wait=10) == 0.0


def test_idle_time_refills_up_to_burst_only() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock=clock)
    limit = RateLimit(rate=1.0, burst=2)
    assert [limiter.reserve("b", limit, 10) for _ in range(2)] == [0.0, 0.0]
    clock.now += 100  # a long pause does not bank more than `burst` calls
    assert [limiter.reserve("b", limit, 10) for _ in range(3)] == pytest.approx([0.0, 0.0, 1.0])


def test_reservation_beyond_max_wait_is_refused_without_consuming() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock=clock)
    limit = RateLimit(rate=1.0, burst=1)
    assert limiter.reserve("b", limit, 0.5) == 0.0
    assert limiter.reserve("b", limit, 0.5) is None
    assert limiter.reserve("b", limit, 1.0) == pytest.approx(1.0)


def test_acquire_sleeps_for_the_reserved_slot_and_gives_up_past_max_wait() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock=clock)
    limit = RateLimit(rate=1.0, burst=1)
    start = clock.now
    for _ in range(4):
        acquire(limiter, "b", limit, sleep=clock.sleep)
    assert clock.now - start == pytest.approx(3.0)
    slow = RateLimit(rate=0.01, burst=1)
    acquire(limiter, "slow", slow, max_wait=5, sleep=clock.sleep)
    with pytest.raises(TransientError) as raised:
        acquire(limiter, "slow", slow, max_wait=5, sleep=clock.sleep)
    assert raised.value.retry_after is not None


def test_config_most_specific_override_wins() -> None:
    config = RateLimitConfig(
        default=RateLimit(5),
        overrides={"shop1#product": RateLimit(1), "shop1": RateLimit(2), "order": RateLimit(3)},
    )
    assert config.limit_for("shop1", "product").rate == 1
    assert config.limit_for("shop1", "order").rate == 2
    assert config.limit_for("shop2", "order").rate == 3
    assert config.limit_for("shop2", "product").rate == 5
    assert bucket_id("app", "shop1", "order") == "app#shop1#order"


def test_rate_limit_validation() -> None:
    with pytest.raises(ValueError, match="rate must be positive"):
        RateLimit(rate=0)
    with pytest.raises(ValueError, match="burst at least 1"):
        RateLimit(rate=1, burst=0.5)


def test_dynamodb_limiter_needs_the_table_setting() -> None:
    from tts_connector.errors import ConfigurationError
    from tts_connector.settings import load_settings
    from tts_connector.tiktok.rate_limit import dynamodb_rate_limiter

    with pytest.raises(ConfigurationError, match="RATE_LIMIT_TABLE"):
        dynamodb_rate_limiter(load_settings({}), client=None)  # type: ignore[arg-type]
    limiter = dynamodb_rate_limiter(load_settings({"RATE_LIMIT_TABLE": "rl"}), client=None)  # type: ignore[arg-type]
    assert limiter._table == "rl"
