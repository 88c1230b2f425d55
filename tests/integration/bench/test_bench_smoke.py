"""Every benchmark runs (its small version) and reports its keys: `make bench` cannot rot between runs."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from bench.__main__ import run_benchmark

pytestmark = pytest.mark.integration

# Benchmarks whose smoke version has a test of its own below, checking more than the keys (run once, not twice).
OWN_TESTS = {"bench_product_push_create_path"}
MODULES = sorted(
    p.stem for p in (Path(__file__).resolve().parents[3] / "bench").glob("bench_*.py") if p.stem not in OWN_TESTS
)


def _smoke(name: str) -> dict[str, object]:
    module = importlib.import_module(f"bench.{name}")

    _, result = run_benchmark(name, smoke=True)

    assert "error" not in result
    for key in getattr(module, "REQUIRED_KEYS", ()):
        assert key in result, f"{name} does not report {key}"
    return result


@pytest.mark.parametrize("name", MODULES)
def test_benchmark_smoke_version_runs_and_reports(name: str) -> None:
    _smoke(name)


def test_create_path_benchmark_creates_each_product_once() -> None:
    result = _smoke("bench_product_push_create_path")

    assert result["products"] == 40
    assert result["succeeded"] == 40
    assert result["failed"] == 0
    assert result["create_calls"] == 40
    assert result["image_uploads"] == result["unique_images"]
