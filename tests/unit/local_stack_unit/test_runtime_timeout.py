"""A local invocation that outlives its Timeout fails as Lambda's does, and says so in the function's log."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from local_stack.runtime import InvocationError, LambdaRuntime
from local_stack.template import FunctionSpec

HANDLER = """
import time


def handler(event, context):
    time.sleep(event["sleep"])
    return {"slept": event["sleep"]}
"""


def test_a_timed_out_invocation_is_logged_like_lambda_and_the_next_one_runs(tmp_path: Path) -> None:
    code = tmp_path / "slow"
    code.mkdir()
    (code / "app.py").write_text(HANDLER)
    spec = FunctionSpec(
        logical_id="SlowFunction", code_dir=code, handler="app.handler", timeout=1, memory=128, environment={}
    )
    runtime = LambdaRuntime({"SlowFunction": spec}, dict(os.environ), tmp_path / "logs", max_concurrency=1)
    try:
        runtime.prewarm("SlowFunction", timeout=60)
        with pytest.raises(InvocationError) as raised:
            runtime.invoke("SlowFunction", {"sleep": 3})
        assert raised.value.error_type == "Sandbox.Timedout"
        runtime.prewarm("SlowFunction", timeout=60)  # the timed-out worker was killed: a new one replaces it
        assert runtime.invoke("SlowFunction", {"sleep": 0}) == {"slept": 0}
    finally:
        runtime.shutdown()

    deadline = time.monotonic() + 5
    while "Task timed out after 1.00 seconds" not in (log := (tmp_path / "logs" / "SlowFunction.log").read_text()):
        assert time.monotonic() < deadline, log
        time.sleep(0.05)
