"""One local stack per test module serving the US sandbox shop, with a way to list products in it."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from local_stack import LocalStack, StackConfig
from tests.stock_sync_listings import SyncWorld, open_world
from ttsc.__main__ import main as ttsc_main


@pytest.fixture(scope="module")
def stack_options() -> dict[str, Any]:
    """Override in a module to change the StackConfig (e.g. let the Magento sandbox deliver its events)."""
    # By default the store sends no change events: tests send their own, or none (what reconciliation heals).
    return {"magento_event_format": None}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, stack_options: dict[str, Any]) -> Iterator[SyncWorld]:
    # Visibility timeouts scaled to 7 s (changes) and 14 s (pushes): longer than a push's own retries take, so a
    # message is not handed to a second poller while its first delivery is still being worked on, as in AWS,
    # where the visibility is 6 x the function's timeout.
    config = StackConfig(
        state_dir=tmp_path_factory.mktemp("state"), time_scale=0.02, run_schedules=False, **stack_options
    )
    with LocalStack(config) as stack:
        yield open_world(stack)


def ttsc(world: SyncWorld, *args: str) -> tuple[int, str, str]:
    """Run `ttsc` against the world's stack: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    admin_api = {"TTSC_URL": world.stack.url, "TTSC_ADMIN_TOKEN": world.stack.config.admin_token}
    with mock.patch.dict(os.environ, admin_api), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = ttsc_main(list(args))
    return code, out.getvalue(), err.getvalue()


def ttsc_json(world: SyncWorld, *args: str) -> Any:
    code, out, err = ttsc(world, "--json", *args)
    assert code == 0, err
    return json.loads(out)
