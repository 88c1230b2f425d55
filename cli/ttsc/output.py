"""Helpers shared by the command modules: query strings, times, plain-text tables and record histories."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any


def query_params(**values: Any) -> dict[str, str]:
    """A query string's parameters from the options given (None: not given, so left out)."""
    return {k: str(v) for k, v in values.items() if v is not None}


def when(epoch: int | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(epoch)) if epoch else "-"


def table(rows: list[list[Any]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in [header, *rows]]
    return "\n".join(lines)


def history_lines(history: list[dict[str, Any]], status_width: int) -> list[str]:
    """A record's history lines: when, the connector's state, TikTok's status (padded to `status_width`, wide
    enough for the TikTok statuses of that kind of record) and the note."""
    return ["History:"] + [
        f"  {when(h['at'])}  {h['state']:<17} {h['tiktok_status']:<{status_width}} {h['note']}" for h in history
    ]


def queued_again(record: str, previous_state: str, show_command: str) -> str:
    """What a `retry` command answers: the record queued again, and where to see how it went."""
    return f"{record} ({previous_state}) queued to run again (`{show_command}` shows the outcome)."


def listed(args: argparse.Namespace, items: list[Any], *, empty: str, render: Callable[[list[Any]], str]) -> Any:
    """What a listing command answers: the API's answer as it is with --json, else `empty` when there is nothing
    and `render(items)` when there is."""
    if args.json:
        return items
    return render(items) if items else empty
