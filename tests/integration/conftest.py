from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from local_stack import LocalStack, StackConfig


@pytest.fixture
def start_stack(tmp_path: Path) -> Iterator[Callable[..., LocalStack]]:
    """Start a local stack (stopped at teardown); keyword arguments override StackConfig fields."""
    started: list[LocalStack] = []

    def _start(**overrides: Any) -> LocalStack:
        settings: dict[str, Any] = {
            "state_dir": tmp_path / "state",
            "time_scale": 0.003,
            "run_schedules": False,
        }
        config = StackConfig(**(settings | overrides))
        stack = LocalStack(config).start()
        started.append(stack)
        return stack

    yield _start
    for stack in started:
        stack.stop()


# These suites share one stack per module and their scenarios build on each other ("MS-TEE was pushed above"):
# under `--dist loadgroup` a module's tests must stay on one worker, in order, or a later scenario lands on a
# worker whose stack never saw the earlier one.
ORDERED_SUITES = ("product_push", "price_stock_sync", "order_import", "refunds")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        suite = Path(str(item.path)).parent.name
        if suite in ORDERED_SUITES and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(f"{suite}/{Path(str(item.path)).stem}"))
