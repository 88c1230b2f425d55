"""EventBridge schedules: fire each rule's function on its rate, and on demand for tests and demos."""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from local_stack.runtime import InvocationError, LambdaRuntime
from local_stack.template import ACCOUNT_ID, REGION, ScheduleSource

_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def rate_seconds(expression: str) -> float | None:
    """Seconds between runs of a rate() expression; None for cron() (run those on demand)."""
    match = re.fullmatch(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)", expression.strip())
    if not match:
        return None
    return int(match.group(1)) * _UNITS[match.group(2)]


@dataclass
class FireResult:
    schedule: str
    ok: bool
    result: Any = None
    error: str | None = None


class Scheduler:
    def __init__(self, schedules: list[ScheduleSource], runtime: LambdaRuntime, stack_name: str, time_scale: float):
        self._schedules = {s.name: s for s in schedules}
        self._runtime = runtime
        self._stack = stack_name
        self._scale = time_scale
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.fired: list[FireResult] = []

    @property
    def names(self) -> list[str]:
        return sorted(self._schedules)

    def start(self, run_on_rate: bool) -> None:
        if not run_on_rate:
            return
        for schedule in self._schedules.values():
            period = rate_seconds(schedule.expression)
            if schedule.enabled and period:
                thread = threading.Thread(target=self._loop, args=(schedule, period * self._scale), daemon=True)
                thread.start()
                self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def fire(self, name: str) -> FireResult:
        schedule = self._schedules[name]
        rule = f"{self._stack}-{name.replace('.', '-')}"
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": ACCOUNT_ID,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "region": REGION,
            "resources": [f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{rule}"],
            "detail": {},
        }
        try:
            result = FireResult(name, True, self._runtime.invoke(schedule.function, event))
        except InvocationError as exc:
            result = FireResult(name, False, error=str(exc))
        self.fired.append(result)
        return result

    def _loop(self, schedule: ScheduleSource, period: float) -> None:
        while not self._stop.wait(period):
            self.fire(schedule.name)
