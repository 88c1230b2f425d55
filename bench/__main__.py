"""Run every benchmark module (bench/bench_*.py with a run() -> dict) and write JSON plus a markdown table."""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [row for k, v in value.items() for row in _flatten(f"{prefix}.{k}" if prefix else k, v)]
    return [(prefix, value)]


def main(selected: list[str]) -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    modules = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if any(s in m for s in selected)]
    lines = ["# Benchmark results", "", f"Machine: {platform.machine()}, Python {platform.python_version()}", ""]
    failed = False
    for name in modules:
        print(f"running {name} ...", flush=True)
        began = time.perf_counter()
        try:
            result = importlib.import_module(f"bench.{name}").run()
        except Exception as exc:
            failed = True
            result = {"error": f"{type(exc).__name__}: {exc}"}
        result["_wall_seconds"] = round(time.perf_counter() - began, 2)
        result["_measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        lines += [f"## {name}", "", "| metric | value |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in _flatten("", result)]
        lines.append("")
    (RESULTS / "summary.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
