"""MagentoSandbox: the sandbox as an in-process HTTP server with a Python control API."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from magento_sandbox import merchant
from magento_sandbox.app import SandboxApp
from magento_sandbox.config import Fault, SandboxConfig
from magento_sandbox.seed import seed
from magento_sandbox.state import SandboxState


class _QuietHandler(WSGIRequestHandler):
    """No per-request access log on stderr: the sandbox keeps its own request list (without credentials)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class MagentoSandbox:
    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.state = SandboxState()
        seed(self.state)
        self.app = SandboxApp(self.config, self.state)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle
    def start(self, host: str = "127.0.0.1", port: int = 0) -> MagentoSandbox:
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        self._server = make_server(host, port, self.app, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="magento-sandbox", daemon=True)
        self._thread.start()
        return self

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return f"http://{self._server.host}:{self._server.port}"

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()  # frees the port
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> MagentoSandbox:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Control API (what a merchant does in the Admin, and test switches)
    def set_price(self, sku: str, price: float) -> dict[str, Any]:
        with self.state.lock:
            return merchant.set_price(self.state, sku, price)

    def set_source_quantity(self, sku: str, quantity: float, source_code: str = "default") -> dict[str, Any]:
        with self.state.lock:
            return merchant.set_source_quantity(self.state, sku, source_code, quantity)

    def ship_order(
        self,
        order_id: int,
        tracks: Sequence[dict[str, str]] = (),
        items: Sequence[dict[str, Any]] = (),
        source_code: str | None = None,
    ) -> dict[str, Any]:
        with self.state.lock:
            return merchant.ship_order(self.state, order_id, tracks, items, source_code)

    def change_events(self, since_id: int = 0) -> list[dict[str, Any]]:
        with self.state.lock:
            return [dict(e) for e in self.state.change_events if e["id"] > since_id]

    def requests(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return [r.to_dict() for r in self.state.requests]

    def inject_fault(self, fault: Fault) -> None:
        with self.state.lock:
            self.config.faults.append(fault)

    def clear_faults(self) -> None:
        with self.state.lock:
            self.config.faults.clear()

    def salable_quantity(self, sku: str) -> float:
        with self.state.lock:
            return self.state.salable_quantity(sku)

    def source_quantity(self, sku: str, source_code: str = "default") -> float:
        with self.state.lock:
            item = self.state.source_items.get((sku, source_code))
            return float(item["quantity"]) if item else 0.0

    def order(self, order_id: int) -> dict[str, Any]:
        with self.state.lock:
            return dict(self.state.orders[order_id])

    def reset(self) -> None:
        self.app.reset()
