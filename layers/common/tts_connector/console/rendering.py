"""Jinja2 rendering of the console's fragments: autoescaped, strict about undefined names, no logic.

Templates only display what a screen's view model decided (badges, fix texts, which actions to offer);
formatting helpers (timestamps) are the only filters.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"


def format_time(epoch: int | float | None) -> str:
    if not epoch:
        return "—"
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(int(epoch)))


def format_relative(epoch: int | float | None, now: float | None = None) -> str:
    """'in 3 days' / '5 minutes ago', for expiries and last-seen times."""
    if not epoch:
        return "never"
    delta = int(epoch) - int(now if now is not None else time.time())
    future, seconds = delta >= 0, abs(delta)
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            break
    else:
        text = "less than a minute"
    return f"in {text}" if future else f"{text} ago"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["time"] = format_time
    env.filters["relative"] = format_relative
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
