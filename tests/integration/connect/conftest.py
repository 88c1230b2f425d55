from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local_stack import LocalStack, StackConfig


@pytest.fixture
def stack(tmp_path: Any) -> Iterator[LocalStack]:
    """A fresh stack with both sandboxes per test: connect tests authorize, deauthorize and expire tokens."""
    config = StackConfig(state_dir=tmp_path / "state", time_scale=0.003, run_schedules=False)
    with LocalStack(config) as running:
        yield running
