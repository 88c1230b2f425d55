"""Retry policy for TikTok calls: exponential backoff, full jitter, bounded attempts, Retry-After."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    """`max_attempts` counts the first try; delays grow as base * 2**retry, capped at `max_delay`."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 20.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("delays must not be negative")


def backoff_delay(
    retry_number: int,
    policy: RetryPolicy,
    *,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before retry `retry_number` (0 for the first retry).

    Full jitter (uniform in [0, cap]) spreads concurrent Lambdas apart better than fixed exponential steps; a
    server-sent Retry-After is a floor because retrying earlier is certain to be throttled again.
    """
    cap = min(policy.max_delay, policy.base_delay * (2**retry_number))
    jittered = (rng or random).uniform(0.0, cap)
    if retry_after is not None:
        return max(jittered, retry_after)
    return jittered


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After (delta-seconds or an HTTP date) in seconds; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
