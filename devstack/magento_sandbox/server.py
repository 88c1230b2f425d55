"""MagentoSandbox: the sandbox as an in-process HTTP server with a Python control API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from background_server import BackgroundServer
from magento_sandbox import merchant
from magento_sandbox.app import ADOBE_KEYS_PREFIX, SandboxApp
from magento_sandbox.config import Fault, SandboxConfig
from magento_sandbox.event_delivery import Target
from magento_sandbox.seed import seed
from magento_sandbox.state import SandboxState


class MagentoSandbox:
    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.state = SandboxState()
        seed(self.state)
        self.app = SandboxApp(self.config, self.state)
        self._http = BackgroundServer(self.app, "magento-sandbox")
        self._url: str | None = None

    # Lifecycle
    def start(self, host: str = "127.0.0.1", port: int = 0) -> MagentoSandbox:
        if self._http.running:
            raise RuntimeError("the sandbox is already running")
        self._url = self._http.start(host, port)
        return self

    @property
    def base_url(self) -> str:
        if not self._http.running or self._url is None:
            raise RuntimeError("the sandbox is not running")
        return self._url

    def stop(self) -> None:
        self.app.delivery.stop()
        self._http.stop()

    def __enter__(self) -> MagentoSandbox:
        return self if self._http.running else self.start()

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

    def deliver_events_to(self, targets: Sequence[Target]) -> None:
        """Send every later change to these webhook targets (see event_delivery for the formats)."""
        self.app.delivery.configure(list(targets))

    def wait_for_deliveries(self, timeout: float = 10.0) -> bool:
        return self.app.delivery.wait_until_sent(timeout)

    def deliveries(self) -> list[dict[str, Any]]:
        return [
            {"url": d.target.url, "format": d.target.format, "event_id": d.event_id, "status": d.status}
            for d in self.app.delivery.log
        ]

    @property
    def adobe_keys_url(self) -> str:
        """The stand-in for static.adobeioevents.com: key paths of the Adobe I/O deliveries resolve under it."""
        return self.base_url + ADOBE_KEYS_PREFIX

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
