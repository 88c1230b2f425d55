"""Backoff math: exponential cap, full jitter, Retry-After as a floor."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tts_connector.retry import RetryPolicy, parse_retry_after


def test_cap_doubles_per_retry_until_max_delay() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=0.5, max_delay=4.0)
    rng = random.Random(7)
    for retry, cap in enumerate([0.5, 1.0, 2.0, 4.0, 4.0, 4.0]):
        delays = [policy.delay(retry, rng=rng) for _ in range(300)]
        assert all(0.0 <= d <= cap for d in delays)
        # Full jitter covers the whole range, not just the top of it.
        assert min(delays) < cap * 0.1
        assert max(delays) > cap * 0.9


def test_retry_after_is_a_floor() -> None:
    policy = RetryPolicy(base_delay=0.01, max_delay=5.0)
    rng = random.Random(1)
    assert all(policy.delay(0, retry_after=1.5, rng=rng) >= 1.5 for _ in range(50))


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(base_delay=-1)


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0.5 ") == 0.5
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
