"""One retry policy for every outbound call (TikTok Shop, Magento): bounded attempts, full jitter.

`Retry-After` is a *minimum* wait: retrying earlier is certain to be refused again, so the jittered delay
never goes below it. It is not stretched past `max_delay`: a server asking for longer than we are willing
to block an invocation gets the error back (with `retry_after` on it), and the caller re-queues the work
(an SQS retry) instead of sleeping through a Lambda's time budget.
"""

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

    def allows_retry(self, retry_number: int, retry_after: float | None = None) -> bool:
        """Whether retry `retry_number` (0 for the first retry) may happen, given the server's Retry-After."""
        if retry_number + 1 >= self.max_attempts:
            return False
        return retry_after is None or retry_after <= self.max_delay

    def delay(self, retry_number: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry `retry_number` (0 for the first retry).

        Full jitter (uniform in [0, cap]) spreads concurrent Lambdas apart better than fixed steps.
        """
        cap = min(self.max_delay, self.base_delay * (2**retry_number))
        jittered = (rng or random).uniform(0.0, cap)
        return max(jittered, retry_after) if retry_after is not None else jittered


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
