"""A WSGI app served over real HTTP by werkzeug in a daemon thread: the sandboxes' and the gateway's server."""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    """No per-request access log: it would print signed URLs and drown test output (callers keep their own logs)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class BackgroundServer:
    def __init__(self, app: Any, name: str):
        self._app = app
        self._name = name
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self, host: str, port: int) -> str:
        """Serve on host:port (0 picks a free port) and return the base URL."""
        if self._server is not None:
            raise RuntimeError(f"{self._name} is already running")
        self._server = make_server(host, port, self._app, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=self._name, daemon=True
        )
        self._thread.start()
        return f"http://{host}:{self._server.server_port}"

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()  # frees the port
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
