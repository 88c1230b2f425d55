"""`python -m magento_sandbox --port N` serves the same sandbox; stop() frees the port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest
import requests

from magento_sandbox import MagentoSandbox

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_module_entry_point_serves_the_sandbox() -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "magento_sandbox", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        route = requests.get(f"http://127.0.0.1:{port}/index.php/rest/V1/nothing-here", timeout=5)
        assert health.json() == {"status": "ok"}
        assert route.json() == {"message": "Request does not match any route."}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_stop_frees_the_port() -> None:
    sandbox = MagentoSandbox().start()
    port = int(sandbox.base_url.rsplit(":", 1)[1])
    sandbox.stop()

    again = MagentoSandbox().start(port=port)
    try:
        assert again.base_url.endswith(f":{port}")
    finally:
        again.stop()
