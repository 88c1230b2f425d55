"""Run the benchmarks (bench/bench_*.py, each with `run(smoke: bool = False) -> dict`).

`python -m bench [NAME ...] [--smoke]`: each writes `bench/results/<RESULT_NAME>.json` (the module's
`RESULT_NAME`, else its module name); `summary.md` is rebuilt from every result file present, so running
one benchmark keeps the others' rows. `--smoke` runs the small versions (what `make test` checks) and
writes nothing.
"""

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


def run_benchmark(name: str, *, smoke: bool) -> tuple[str, dict[str, Any]]:
    module = importlib.import_module(f"bench.{name}")
    began = time.perf_counter()
    result: dict[str, Any] = module.run(smoke=smoke)
    result["_wall_seconds"] = round(time.perf_counter() - began, 2)
    result["_measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return str(getattr(module, "RESULT_NAME", name)), result


def write_summary() -> str:
    lines = ["# Benchmark results", "", f"Machine: {platform.machine()}, Python {platform.python_version()}", ""]
    for path in sorted(RESULTS.glob("*.json")):
        result = json.loads(path.read_text())
        lines += [f"## {path.stem}", "", "| metric | value |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in _flatten("", result)]
        lines.append("")
    summary = "\n".join(lines)
    (RESULTS / "summary.md").write_text(summary)
    return summary


def main(argv: list[str]) -> int:
    smoke = "--smoke" in argv
    selected = [a for a in argv if not a.startswith("--")]
    RESULTS.mkdir(parents=True, exist_ok=True)
    modules = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if any(s in m for s in selected)]
    failed = False
    for name in modules:
        print(f"running {name}{' (smoke)' if smoke else ''} ...", flush=True)
        try:
            result_name, result = run_benchmark(name, smoke=smoke)
        except Exception as exc:
            failed = True
            result_name, result = name, {"error": f"{type(exc).__name__}: {exc}"}
        if smoke:
            print(json.dumps(result, indent=2))
        else:
            (RESULTS / f"{result_name}.json").write_text(json.dumps(result, indent=2) + "\n")
    if not smoke:
        print(write_summary())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
