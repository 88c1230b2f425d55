"""The sandbox store's data: catalogue, MSI stock, carts and sales documents, plus what the sandbox observed.

Records keep Magento's own field names so the REST handlers mostly serialise them as they are. Everything is
guarded by one re-entrant lock held for the whole of each request, like a database transaction per call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DEFAULT_STORE_CODE = "default"
STORE_CODES = frozenset({"default", "all"})
STORE_IDS = (0, 1)  # admin (global values) and the default store view
DEFAULT_STOCK_ID = 1
# Fields of the product interface itself; everything else is a custom attribute.
MAIN_PRODUCT_FIELDS = ("name", "price", "status", "visibility", "weight")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Attribute:
    attribute_id: int
    code: str
    label: str
    frontend_input: str = "text"
    scope: str = "store"  # global | website | store
    backend_type: str = "varchar"
    is_user_defined: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)  # (option id, label)
    # Admin product grid: is_used_in_grid / is_visible_in_grid / is_filterable_in_grid, stored as one flag.
    in_grid: bool = False

    def option_label(self, value: Any) -> str | None:
        return next((label for oid, label in self.options if oid == str(value)), None)

    def options_api(self) -> list[dict[str, Any]]:
        if self.frontend_input not in ("select", "multiselect", "boolean"):
            return []
        # Magento lists a blank option first for select attributes.
        return [{"label": " ", "value": ""}] + [{"label": label, "value": oid} for oid, label in self.options]

    def to_api(self) -> dict[str, Any]:
        return {
            "attribute_id": self.attribute_id,
            "attribute_code": self.code,
            "frontend_input": self.frontend_input,
            "entity_type_id": "4",
            "is_required": False,
            "options": self.options_api(),
            "is_user_defined": self.is_user_defined,
            "default_frontend_label": self.label,
            "frontend_labels": [],
            "backend_type": self.backend_type,
            "scope": self.scope,
            "is_visible": True,
            "is_searchable": "0",
            "is_filterable": False,
            "is_used_in_grid": self.in_grid,
            "is_visible_in_grid": self.in_grid,
            "is_filterable_in_grid": self.in_grid,
            "is_unique": "0",
            "validation_rules": [],
        }


@dataclass
class Product:
    id: int
    sku: str
    type_id: str
    attribute_set_id: int
    values: dict[str, Any]  # global (admin, store_id 0) values, main fields and custom attributes alike
    store_values: dict[str, dict[str, Any]] = field(default_factory=dict)  # store view overrides
    category_ids: list[int] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)
    configurable_attributes: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=now)
    updated_at: str = field(default_factory=now)

    def effective_values(self, store_code: str) -> dict[str, Any]:
        if store_code == "all":
            return dict(self.values)
        return {**self.values, **self.store_values.get(store_code, {})}


@dataclass
class Cart:
    id: int
    masked_id: str
    store_code: str
    items: list[dict[str, Any]] = field(default_factory=list)
    shipping_address: dict[str, Any] | None = None
    billing_address: dict[str, Any] | None = None
    carrier_code: str | None = None
    method_code: str | None = None
    active: bool = True


@dataclass
class RequestRecord:
    method: str
    path: str
    status: int
    auth: str  # "oauth", "bearer", "guest" or "rejected": never the credential itself
    query: str = ""  # the decoded query string, e.g. a search's searchCriteria (no credential travels there)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "status": self.status, "auth": self.auth, "query": self.query}


class SandboxState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.attributes: dict[str, Attribute] = {}
        self.attribute_sets: dict[int, dict[str, Any]] = {}
        self.products: dict[str, Product] = {}
        self.categories: dict[int, dict[str, Any]] = {}
        self.sources: dict[str, dict[str, Any]] = {}
        self.stocks: dict[int, dict[str, Any]] = {}
        self.source_items: dict[tuple[str, str], dict[str, Any]] = {}
        self.reservations: list[dict[str, Any]] = []
        self.images: dict[str, bytes] = {}
        self.carts: dict[str, Cart] = {}
        self.orders: dict[int, dict[str, Any]] = {}
        self.invoices: dict[int, dict[str, Any]] = {}
        self.shipments: dict[int, dict[str, Any]] = {}
        self.credit_memos: dict[int, dict[str, Any]] = {}
        self.change_events: list[dict[str, Any]] = []
        # Called with each recorded change (under the lock): the webhook delivery queues it.
        self.listeners: list[Callable[[dict[str, Any]], None]] = []
        self.requests: list[RequestRecord] = []
        self._counters: dict[str, int] = {}

    def next_id(self, kind: str, start: int = 1) -> int:
        value = self._counters.get(kind, start - 1) + 1
        self._counters[kind] = value
        return value

    def record_event(self, kind: str, **data: Any) -> dict[str, Any]:
        event = {"id": self.next_id("event"), "type": kind, "created_at": now(), **data}
        self.change_events.append(event)
        for listener in self.listeners:
            listener(event)
        return event

    # Stock
    def stock_source_codes(self, stock_id: int = DEFAULT_STOCK_ID) -> list[str]:
        return list(self.stocks[stock_id]["source_codes"])

    def source_quantity(self, sku: str, stock_id: int = DEFAULT_STOCK_ID) -> float:
        total = 0.0
        for code in self.stock_source_codes(stock_id):
            item = self.source_items.get((sku, code))
            if item and int(item["status"]) == 1 and self.sources[code]["enabled"]:
                total += float(item["quantity"])
        return total

    def salable_quantity(self, sku: str, stock_id: int = DEFAULT_STOCK_ID) -> float:
        reserved: float = sum(
            float(r["quantity"]) for r in self.reservations if r["sku"] == sku and r["stock_id"] == stock_id
        )
        return self.source_quantity(sku, stock_id) + reserved

    def reserve(self, sku: str, quantity: float, event: str, order_id: int) -> None:
        """Append a reservation: negative when an order is placed, positive to compensate (ship, cancel)."""
        self.reservations.append(
            {
                "sku": sku,
                "stock_id": DEFAULT_STOCK_ID,
                "quantity": quantity,
                "event": event,
                "order_id": order_id,
            }
        )
