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
