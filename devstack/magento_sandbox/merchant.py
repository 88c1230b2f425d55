"""What a merchant does in the Magento Admin, for tests and demos: change a price or a stock quantity, ship an
order with tracking. Each change is appended to a change-event list the connector can consume, standing in for
the push modules (Adobe I/O Events, webhooks) a real store would need.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from magento_sandbox import api_errors as err
from magento_sandbox import orders
from magento_sandbox.state import SandboxState, now


def set_price(state: SandboxState, sku: str, price: float) -> dict[str, Any]:
    product = state.products.get(sku)
    if product is None:
        raise err.product_not_found()
    product.values["price"] = float(price)
    product.updated_at = now()
    return state.record_event("price_changed", sku=sku, price=float(price))


def set_source_quantity(state: SandboxState, sku: str, source_code: str, quantity: float) -> dict[str, Any]:
    if sku not in state.products:
        raise err.product_not_found()
    if source_code not in state.sources:
        raise err.bad_request('Source with code "%1" does not exist.', [source_code])
    state.source_items[(sku, source_code)] = {
        "sku": sku,
        "source_code": source_code,
        "quantity": float(quantity),
        "status": 1 if quantity > 0 else 0,
    }
    # Like Magento, a stock change does not touch the product's updated_at.
    return state.record_event(
        "stock_changed",
        sku=sku,
        source_code=source_code,
        quantity=float(quantity),
        salable_quantity=state.salable_quantity(sku),
    )


def ship_order(
    state: SandboxState,
    order_id: int,
    tracks: Sequence[dict[str, str]] = (),
    items: Sequence[dict[str, Any]] = (),
    source_code: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"tracks": list(tracks), "items": list(items)}
    if source_code:
        body["arguments"] = {"extension_attributes": {"source_code": source_code}}
    order = orders.get_order(state, order_id)
    shipment_id = orders.ship(state, order, body)
    return state.record_event(
        "shipment_created",
        order_id=order_id,
        shipment_id=shipment_id,
        tracks=[t["track_number"] for t in tracks],
    )
