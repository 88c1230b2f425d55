"""What the health route reports: configuration loads and the stores this deployment needs answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pydantic import BaseModel

from tts_connector import __version__


class HealthReport(BaseModel):
    status: str
    version: str
    stage: str
    checks: dict[str, str]


def check_health(stage: str, probes: Mapping[str, Callable[[], None]]) -> HealthReport:
    checks: dict[str, str] = {}
    for name, probe in probes.items():
        try:
            probe()
        except Exception as exc:
            # The class name says what failed without echoing data (or secrets) from the exception.
            checks[name] = f"failed: {type(exc).__name__}"
        else:
            checks[name] = "ok"
    status = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return HealthReport(status=status, version=__version__, stage=stage, checks=checks)
