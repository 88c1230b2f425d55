"""A small thread-safe cache with a time to live, for metadata a warm Lambda reuses across invocations."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable


class TtlCache[K: Hashable, V]:
    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._clock = clock
        self._values: dict[K, tuple[V, float]] = {}
        self._lock = threading.Lock()
        self._sweep_at = 64

    def get_or_load(self, key: K, load: Callable[[], V]) -> V:
        now = self._clock()
        with self._lock:
            hit = self._values.get(key)
        if hit is not None and now - hit[1] < self._ttl:
            return hit[0]
        value = load()  # outside the lock: two threads may both load once, which is harmless
        with self._lock:
            self._values[key] = (value, now)
            if len(self._values) > self._sweep_at:
                # Keys can be per job: drop what expired so a warm process does not keep every job's copy.
                for stale in [k for k, (_, at) in self._values.items() if now - at >= self._ttl]:
                    del self._values[stale]
                self._sweep_at = max(64, 2 * len(self._values))
        return value

    def forget(self, key: K) -> None:
        with self._lock:
            self._values.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
