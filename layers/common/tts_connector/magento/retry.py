"""Bounded exponential backoff with full jitter for transient Magento failures."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt `attempt` (1-based); honours Retry-After up to max_delay."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        # Full jitter spreads retries of many Lambdas hitting the same store after an outage.
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


NO_RETRY = RetryPolicy(max_attempts=1)
