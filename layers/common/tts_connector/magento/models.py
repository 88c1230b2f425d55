"""Inputs the connector hands to Magento operations, rendered to Magento's field names.

Only fields Magento's data interfaces declare are emitted, and optional ones only when set, so every body
passes the strict schema check (unknown keys are a 400 in Magento).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tts_connector.magento.errors import interpolate


@dataclass(frozen=True)
class Address:
    """A quote address (`quote-data-address-interface`)."""

    firstname: str
    lastname: str
    street: tuple[str, ...]
    city: str
    postcode: str
    country_id: str
    telephone: str
    email: str
    region: str | None = None
    region_id: int | None = None
    region_code: str | None = None
    company: str | None = None

    def to_magento(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "firstname": self.firstname,
            "lastname": self.lastname,
            "street": list(self.street),
            "city": self.city,
            "postcode": self.postcode,
            "country_id": self.country_id,
            "telephone": self.telephone,
            "email": self.email,
        }
        for key in ("region", "region_id", "region_code", "company"):
            value = getattr(self, key)
            if value is not None:
                body[key] = value
        return body


@dataclass(frozen=True)
class ItemQty:
    """An order line and a quantity, as invoice/ship/refund item creation interfaces take them."""

    order_item_id: int
    qty: float

    def to_magento(self) -> dict[str, Any]:
        return {"order_item_id": self.order_item_id, "qty": self.qty}


@dataclass(frozen=True)
class Track:
    """Tracking for a shipment; carrier_code "custom" is usual for carriers Magento does not know."""

    track_number: str
    title: str
    carrier_code: str = "custom"

    def to_magento(self) -> dict[str, Any]:
        return {"track_number": self.track_number, "title": self.title, "carrier_code": self.carrier_code}


@dataclass(frozen=True)
class SourceItem:
    """A quantity of a SKU at one MSI source; status 1 = in stock, 0 = out of stock."""

    sku: str
    source_code: str
    quantity: float
    status: int = 1

    def to_magento(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "source_code": self.source_code,
            "quantity": self.quantity,
            "status": self.status,
        }


@dataclass(frozen=True)
class SalableQuantity:
    """What MSI can sell of a SKU in a sales channel's stock: source quantities minus reservations."""

    sku: str
    quantity: float
    is_salable: bool


@dataclass(frozen=True)
class Refund:
    """An offline credit memo: lines, shipping and adjustments, optionally returning items to stock."""

    items: tuple[ItemQty, ...] = ()
    shipping_amount: float | None = None
    adjustment_positive: float = 0.0
    adjustment_negative: float = 0.0
    return_to_stock_items: tuple[int, ...] = field(default_factory=tuple)
    comment: str | None = None
    notify: bool = False


@dataclass(frozen=True)
class BasePrice:
    """A product's base price; store_id 0 is the global (admin) value, which is what a global price scope uses."""

    sku: str
    price: float
    store_id: int = 0

    def to_magento(self) -> dict[str, Any]:
        return {"sku": self.sku, "price": self.price, "store_id": self.store_id}


@dataclass(frozen=True)
class PriceUpdateFailure:
    """One rejected row of a price update, as Magento reports it (catalog-data-price-update-result-interface)."""

    message: str
    parameters: tuple[str | None, ...] = ()

    @classmethod
    def from_magento(cls, payload: Any) -> PriceUpdateFailure:
        data = payload if isinstance(payload, dict) else {}
        parameters = data.get("parameters") or []
        return cls(
            message=str(data.get("message", "")),
            parameters=tuple(None if p is None else str(p) for p in parameters) if isinstance(parameters, list) else (),
        )

    @property
    def text(self) -> str:
        """The message with its placeholders filled, e.g. "Invalid attribute SKU = NOPE."."""
        return interpolate(self.message, list(self.parameters))
