"""One Lambda execution environment: a process that loads a handler once and serves invocations.

Protocol: one JSON request per line on stdin ({"event", "request_id", "deadline_ms"}), one JSON reply per
line on the protocol pipe. The handler's own stdout (Powertools logs, EMF metrics) is moved to stderr
so nothing it prints can corrupt the protocol.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any


class LocalLambdaContext:
    def __init__(self, request_id: str, deadline_ms: int):
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.invoked_function_arn = os.environ.get("LOCAL_FUNCTION_ARN", "")
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _load_handler(code_dir: str, handler: str) -> Any:
    module_name, _, function_name = handler.rpartition(".")
    path = Path(code_dir) / (module_name.replace(".", "/") + ".py")
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"Cannot load handler module {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return getattr(module, function_name)


def main() -> None:
    code_dir, handler_name = sys.argv[1], sys.argv[2]
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    handler = _load_handler(code_dir, handler_name)
    protocol.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        context = LocalLambdaContext(request["request_id"], request["deadline_ms"])
        try:
            result = handler(request["event"], context)
            reply: dict[str, Any] = {"ok": True, "result": result}
        except Exception as exc:
            reply = {
                "ok": False,
                "errorType": type(exc).__name__,
                "errorMessage": str(exc),
                "stackTrace": traceback.format_exception(exc),
            }
            traceback.print_exc()
        sys.stderr.flush()
        protocol.write(json.dumps(reply, default=str) + "\n")


if __name__ == "__main__":
    main()
