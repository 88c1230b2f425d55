"""`TikTokSandbox`: the sandbox served over real HTTP by werkzeug in a daemon thread."""

from __future__ import annotations

import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tiktok_sandbox.app import SandboxCore
from tiktok_sandbox.config import SandboxConfig
from tiktok_sandbox.control import SandboxControls, control_app


class _QuietHandler(WSGIRequestHandler):
    """No per-request access log: it would print every signed URL and drown test output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class TikTokSandbox(SandboxControls):
    """Serves the API host, the auth host (/api/v2/token/*), the authorize page and /_sandbox/* on one URL."""

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config or SandboxConfig()
        self.core = SandboxCore(self.config)
        self.core.control = control_app(self)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("sandbox is not started")
        return self.core.base_url

    def start(self, host: str = "127.0.0.1", port: int = 0) -> TikTokSandbox:
        if self._server is not None:
            raise RuntimeError("sandbox already started")
        self._server = make_server(host, port, self.core.wsgi, threaded=True, request_handler=_QuietHandler)
        self.core.base_url = f"http://{host}:{self._server.server_port}"
        self.core.webhooks.start()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="tiktok-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()  # frees the port
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.core.webhooks.stop()
        self._server = None
        self._thread = None

    def __enter__(self) -> TikTokSandbox:
        return self.start() if self._server is None else self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
