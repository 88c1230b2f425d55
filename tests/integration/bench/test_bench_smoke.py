"""Every benchmark runs (its small version) and reports its keys: `make bench` cannot rot between runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.__main__ import run_benchmark

pytestmark = pytest.mark.integration

MODULES = sorted(p.stem for p in (Path(__file__).resolve().parents[3] / "bench").glob("bench_*.py"))


@pytest.mark.parametrize("name", MODULES)
def test_benchmark_smoke_version_runs_and_reports(name: str) -> None:
    import importlib

    module = importlib.import_module(f"bench.{name}")

    _, result = run_benchmark(name, smoke=True)

    assert "error" not in result
    for key in getattr(module, "REQUIRED_KEYS", ()):
        assert key in result, f"{name} does not report {key}"
