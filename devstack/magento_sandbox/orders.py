"""Order lifecycle: placement from a cart, invoices, shipments, credit memos, cancellation and state checks.

The state rules follow Magento's order state handler (ResourceModel\\Order\\Handler\\State::check): an
order that cannot be invoiced any more becomes `complete` when nothing is left to ship, and `closed` when
nothing is left to refund or ship. MSI stock follows Magento too: placing an order appends a negative
reservation, shipping deducts the source quantity and compensates the reservation, and a credit memo
returns stock only for `return_to_stock` items.

A configurable cart item becomes two order items, as in Magento: the parent (product_type configurable, the
child's SKU and price, the parent's name and product id, the chosen options) and the child simple beneath it
(`parent_item_id`, price 0). Documents, stock and quantities are driven by the parent; the child's
quantities follow it.
"""

from __future__ import annotations

from typing import Any

from magento_sandbox import api_errors as err
from magento_sandbox.state import DEFAULT_STORE_CODE, Cart, SandboxState, now

STATUS_FOR_STATE = {
    "new": "pending",
    "processing": "processing",
    "complete": "complete",
    "closed": "closed",
    "canceled": "canceled",
}
CARRIERS = {
    ("flatrate", "flatrate"): ("Flat Rate", "Fixed", 5.0),
    ("freeshipping", "freeshipping"): ("Free Shipping", "Free", 0.0),
}
# Offline methods a marketplace connector can use without a gateway; "free" only for zero totals.
PAYMENT_METHODS = {
    "checkmo": "Check / Money order",
    "banktransfer": "Bank Transfer Payment",
    "cashondelivery": "Cash On Delivery",
    "free": "No Payment Information Required",
}
_EPSILON = 0.0001


def shipping_cost(carrier: tuple[str, str], items: list[dict[str, Any]]) -> float:
    # Magento's flat rate defaults to a per-item price.
    return CARRIERS[carrier][2] * sum(float(i["qty"]) for i in items)


def _money(value: float) -> float:
    return round(value + 0.0, 4)


def place_order(state: SandboxState, cart: Cart, email: str, method: str) -> dict[str, Any]:
    if cart.shipping_address is None or not cart.carrier_code or not cart.method_code:
        raise err.bad_request("The shipping method is missing. Select the shipping method and try again.")
    order_id = state.next_id("order")
    items: list[dict[str, Any]] = []
    for cart_item in cart.items:
        parent_sku = cart_item.get("_parent_sku")
        product = state.products[parent_sku or cart_item["sku"]]
        qty = float(cart_item["qty"])
        line = _order_item(state, order_id, product.id, cart_item["sku"], cart_item["name"], product.type_id, qty)
        _set_price(line, float(cart_item["price"]))
        items.append(line)
        if parent_sku:
            line["product_option"] = cart_item["product_option"]
            child = state.products[cart_item["sku"]]
            child_line = _order_item(state, order_id, child.id, child.sku, child.values.get("name"), "simple", qty)
            child_line["parent_item_id"] = line["item_id"]
            _set_price(child_line, 0.0)
            items.append(child_line)
    carrier = (cart.carrier_code, cart.method_code)
    subtotal = _money(sum(i["row_total"] for i in items))
    shipping = _money(shipping_cost(carrier, cart.items))
    grand_total = _money(subtotal + shipping)
    billing = {**(cart.billing_address or cart.shipping_address), "address_type": "billing", "email": email}
    shipping_address = {**cart.shipping_address, "address_type": "shipping", "email": email}
    for address in (billing, shipping_address):
        address.update(entity_id=state.next_id("order_address"), parent_id=order_id)
    order: dict[str, Any] = {
        "entity_id": order_id,
        "increment_id": f"{order_id:09d}",
        "state": "new",
        "status": "pending",
        "store_id": 1,
        "customer_email": email,
        "customer_firstname": billing.get("firstname"),
        "customer_lastname": billing.get("lastname"),
        "customer_is_guest": 1,
        "base_currency_code": "USD",
        "order_currency_code": "USD",
        "subtotal": subtotal,
        "base_subtotal": subtotal,
        "shipping_amount": shipping,
        "base_shipping_amount": shipping,
        "shipping_invoiced": 0.0,
        "shipping_refunded": 0.0,
        "tax_amount": 0.0,
        "discount_amount": 0.0,
        "grand_total": grand_total,
        "base_grand_total": grand_total,
        "total_invoiced": 0.0,
        "total_paid": 0.0,
        "total_refunded": 0.0,
        "adjustment_positive": 0.0,
        "adjustment_negative": 0.0,
        "total_qty_ordered": sum(i["qty_ordered"] for i in _lines(items)),
        "shipping_description": f"{CARRIERS[carrier][0]} - {CARRIERS[carrier][1]}",
        "created_at": now(),
        "updated_at": now(),
        "items": items,
        "billing_address": billing,
        "payment": {
            "method": method,
            "amount_ordered": grand_total,
            "additional_information": [PAYMENT_METHODS[method]],
        },
        "status_histories": [],
        "extension_attributes": {
            "shipping_assignments": [
                {
                    "shipping": {
                        "address": shipping_address,
                        "method": f"{cart.carrier_code}_{cart.method_code}",
                        "total": {"shipping_amount": shipping},
                    },
                    "items": items,
                }
            ]
        },
    }
    state.orders[order_id] = order
    for item in _lines(items):
        state.reserve(item["sku"], -item["qty_ordered"], "order_placed", order_id)
    cart.active = False
    return order


def _order_item(
    state: SandboxState, order_id: int, product_id: int, sku: str, name: Any, product_type: str, qty: float
) -> dict[str, Any]:
    return {
        "item_id": state.next_id("order_item"),
        "order_id": order_id,
        "product_id": product_id,
        "sku": sku,
        "name": name,
        "product_type": product_type,
        "qty_ordered": qty,
        "qty_invoiced": 0.0,
        "qty_shipped": 0.0,
        "qty_refunded": 0.0,
        "qty_canceled": 0.0,
        "created_at": now(),
    }


def _set_price(item: dict[str, Any], price: float) -> None:
    row_total = _money(price * float(item["qty_ordered"]))
    item.update(price=price, base_price=price, row_total=row_total, base_row_total=row_total)


def _lines(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items documents, stock and quantities are driven by: all but the children of configurables."""
    return [i for i in items if i.get("parent_item_id") is None]


def _add_qty(order: dict[str, Any], item: dict[str, Any], field: str, qty: float) -> None:
    """Add to a line's quantity field and to its children's, which follow their parent."""
    for target in order["items"]:
        if target is item or target.get("parent_item_id") == item["item_id"]:
            target[field] += qty


def get_order(state: SandboxState, order_id: Any) -> dict[str, Any]:
    order = state.orders.get(int(order_id)) if str(order_id).isdigit() else None
    if order is None:
        raise err.entity_not_found()
    return order


def _to_invoice(item: dict[str, Any]) -> float:
    return float(item["qty_ordered"] - item["qty_invoiced"] - item["qty_canceled"])


def _to_ship(item: dict[str, Any]) -> float:
    return float(item["qty_ordered"] - item["qty_shipped"] - item["qty_refunded"] - item["qty_canceled"])


def _to_refund(item: dict[str, Any]) -> float:
    return float(item["qty_invoiced"] - item["qty_refunded"])


def can_invoice(order: dict[str, Any]) -> bool:
    if order["state"] in ("canceled", "complete", "closed", "holded"):
        return False
    return any(_to_invoice(i) > _EPSILON for i in order["items"])


def can_ship(order: dict[str, Any]) -> bool:
    if order["state"] in ("canceled", "closed", "holded"):
        return False
    return any(_to_ship(i) > _EPSILON for i in order["items"])


def can_creditmemo(order: dict[str, Any]) -> bool:
    """Order::canCreditmemo (magento2 app/code/Magento/Sales/Model/Order.php): nothing left to refund, or only
    the adjustment fees (`adjustment_negative`) already kept back by earlier credit memos, means no more."""
    if order["state"] in ("canceled", "closed", "holded"):
        return False
    left = _money(float(order["total_paid"]) - float(order["total_refunded"]))
    if abs(left) < _EPSILON:
        return False
    # "Case when Adjustment Fee (adjustment_negative) has been used for first creditmemo".
    return abs(left - float(order.get("adjustment_negative") or 0.0)) >= _EPSILON


def can_cancel(order: dict[str, Any]) -> bool:
    # Simplified from Magento's canCancel: only orders with nothing invoiced or shipped.
    if order["state"] not in ("new", "processing"):
        return False
    return all(i["qty_invoiced"] == 0 and i["qty_shipped"] == 0 for i in order["items"])


def set_state(order: dict[str, Any], state: str) -> None:
    order["state"] = state
    order["status"] = STATUS_FOR_STATE[state]
    order["updated_at"] = now()


def check_state(order: dict[str, Any]) -> None:
    if order["state"] in ("canceled", "closed", "holded"):
        return
    if order["state"] == "new" and any(i["qty_invoiced"] or i["qty_shipped"] for i in order["items"]):
        set_state(order, "processing")
    if can_invoice(order):
        return
    if order["state"] in ("processing", "complete") and not can_creditmemo(order) and not can_ship(order):
        set_state(order, "closed")
    elif order["state"] == "processing" and not can_ship(order):
        set_state(order, "complete")


def _selected_items(
    order: dict[str, Any], requested: list[dict[str, Any]], remaining: Any, document: str, too_many: str
) -> list[tuple[dict[str, Any], float]]:
    lines = _lines(order["items"])
    by_id = {i["item_id"]: i for i in lines}
    if not requested:
        return [(i, remaining(i)) for i in lines if remaining(i) > _EPSILON]
    selected = []
    for line in requested:
        item = by_id.get(line["order_item_id"])
        if item is None:
            raise err.document_error(document, f'The "{line["order_item_id"]}" order item ID doesn\'t exist.')
        qty = float(line["qty"])
        if qty - remaining(item) > _EPSILON:
            raise err.document_error(document, too_many)
        if qty > 0:
            selected.append((item, qty))
    return selected


def invoice(state: SandboxState, order: dict[str, Any], body: dict[str, Any]) -> int:
    if not can_invoice(order):
        raise err.document_error("Invoice", "The order does not allow an invoice to be created.")
    lines = _selected_items(
        order,
        body.get("items", []),
        _to_invoice,
        "Invoice",
        "The quantity to invoice must not be greater than the uninvoiced quantity.",
    )
    if not lines:
        raise err.bad_request("The invoice can't be created without products. Add products and try again.")
    invoice_id = state.next_id("invoice")
    shipping = _money(float(order["shipping_amount"]) - float(order["shipping_invoiced"]))
    subtotal = _money(sum(item["price"] * qty for item, qty in lines))
    grand_total = _money(subtotal + shipping)
    for item, qty in lines:
        _add_qty(order, item, "qty_invoiced", qty)
    order["shipping_invoiced"] = _money(order["shipping_invoiced"] + shipping)
    order["total_invoiced"] = _money(order["total_invoiced"] + grand_total)
    # Offline methods capture offline: the invoice is paid as soon as it exists.
    order["total_paid"] = _money(order["total_paid"] + grand_total)
    state.invoices[invoice_id] = {
        "entity_id": invoice_id,
        "order_id": order["entity_id"],
        "increment_id": f"{invoice_id:09d}",
        "state": 2,
        "subtotal": subtotal,
        "shipping_amount": shipping,
        "grand_total": grand_total,
        "total_qty": sum(q for _, q in lines),
        "created_at": now(),
        "items": [_document_item(state, "invoice_item", invoice_id, item, qty) for item, qty in lines],
        "comments": _document_comment(body, invoice_id),
    }
    check_state(order)
    return invoice_id


def _document_item(state: SandboxState, kind: str, parent_id: int, item: dict[str, Any], qty: float) -> dict[str, Any]:
    return {
        "entity_id": state.next_id(kind),
        "parent_id": parent_id,
        "order_item_id": item["item_id"],
        "product_id": item["product_id"],
        "sku": item["sku"],
        "name": item["name"],
        "qty": qty,
        "price": item["price"],
        "row_total": _money(item["price"] * qty),
    }


def _document_comment(body: dict[str, Any], parent_id: int) -> list[dict[str, Any]]:
    comment = body.get("comment")
    if not body.get("appendComment") or not comment:
        return []
    return [
        {
            "parent_id": parent_id,
            "comment": comment.get("comment", ""),
            "is_visible_on_front": comment.get("is_visible_on_front", 0),
            "created_at": now(),
        }
    ]


def ship(state: SandboxState, order: dict[str, Any], body: dict[str, Any]) -> int:
    if not can_ship(order):
        raise err.document_error("Shipment", "The order does not allow a shipment to be created.")
    lines = _selected_items(
        order,
        body.get("items", []),
        _to_ship,
        "Shipment",
        "The quantity to ship must not be greater than the unshipped quantity.",
    )
    if not lines:
        raise err.document_error("Shipment", "You can't create a shipment without products.")
    arguments = body.get("arguments") or {}
    source_code = (arguments.get("extension_attributes") or {}).get("source_code") or "default"
    if source_code not in state.sources:
        raise err.bad_request('Source with code "%1" does not exist.', [source_code])
    for item, qty in lines:
        source_item = state.source_items.get((item["sku"], source_code))
        if source_item is None or float(source_item["quantity"]) - qty < -_EPSILON:
            raise err.bad_request("Not all of your products are available in the requested quantity.")
    shipment_id = state.next_id("shipment")
    for item, qty in lines:
        source_item = state.source_items[(item["sku"], source_code)]
        source_item["quantity"] = float(source_item["quantity"]) - qty
        if source_item["quantity"] <= 0:
            source_item["status"] = 0
        # The source deduction replaces the reservation taken at placement.
        state.reserve(item["sku"], qty, "shipment_created", order["entity_id"])
        _add_qty(order, item, "qty_shipped", qty)
    state.shipments[shipment_id] = {
        "entity_id": shipment_id,
        "order_id": order["entity_id"],
        "increment_id": f"{shipment_id:09d}",
        "total_qty": sum(q for _, q in lines),
        "created_at": now(),
        "items": [_document_item(state, "shipment_item", shipment_id, item, qty) for item, qty in lines],
        "tracks": [],
        "comments": _document_comment(body, shipment_id),
        "extension_attributes": {"source_code": source_code},
    }
    shipment = state.shipments[shipment_id]
    shipment["tracks"] = [new_track(state, shipment, t) for t in body.get("tracks", [])]
    check_state(order)
    return shipment_id


def new_track(state: SandboxState, shipment: dict[str, Any], track: dict[str, Any]) -> dict[str, Any]:
    record = {
        "entity_id": state.next_id("track"),
        "order_id": shipment["order_id"],
        "parent_id": shipment["entity_id"],
        "track_number": track["track_number"],
        "title": track.get("title", ""),
        "carrier_code": track.get("carrier_code", "custom"),
        "created_at": now(),
    }
    if track.get("description"):
        record["description"] = track["description"]
    return record


def refund(state: SandboxState, order: dict[str, Any], body: dict[str, Any]) -> int:
    if not can_creditmemo(order):
        raise err.document_error("Creditmemo", "The order does not allow a creditmemo to be created.")
    requested = body.get("items", [])
    lines = _selected_items(
        order,
        requested,
        _to_refund,
        "Creditmemo",
        "The quantity to refund must not be greater than the unrefunded quantity.",
    )
    arguments = body.get("arguments") or {}
    refundable_shipping = _money(order["shipping_invoiced"] - order["shipping_refunded"])
    shipping = float(arguments.get("shipping_amount", refundable_shipping))
    if shipping - refundable_shipping > _EPSILON:
        raise err.bad_request("Maximum shipping amount allowed to refund is: %1", [refundable_shipping])
    subtotal = _money(sum(item["price"] * qty for item, qty in lines))
    adjustment_positive = float(arguments.get("adjustment_positive", 0))
    adjustment_negative = float(arguments.get("adjustment_negative", 0))
    grand_total = _money(subtotal + shipping + adjustment_positive - adjustment_negative)
    available = _money(order["total_paid"] - order["total_refunded"])
    if grand_total <= 0:
        raise err.bad_request("The credit memo's total must be positive.")
    if grand_total - available > _EPSILON:
        raise err.document_error("Creditmemo", f"The most money available to refund is {available:.2f}.")
    return_to_stock = set((arguments.get("extension_attributes") or {}).get("return_to_stock_items", []))
    memo_id = state.next_id("creditmemo")
    for item, qty in lines:
        unshipped_before = _to_ship(item)
        _add_qty(order, item, "qty_refunded", qty)
        if item["item_id"] in return_to_stock:
            released = min(qty, max(unshipped_before, 0.0))
            if released > 0:
                state.reserve(item["sku"], released, "creditmemo_created", order["entity_id"])
            returned = qty - released
            if returned > 0:
                source_item = state.source_items.setdefault(
                    (item["sku"], "default"),
                    {"sku": item["sku"], "source_code": "default", "quantity": 0.0, "status": 1},
                )
                source_item["quantity"] = float(source_item["quantity"]) + returned
                source_item["status"] = 1
    order["shipping_refunded"] = _money(order["shipping_refunded"] + shipping)
    order["total_refunded"] = _money(order["total_refunded"] + grand_total)
    # The order sums its credit memos' adjustments (magento2 Sales/Model/Order/Creditmemo/RefundOperation).
    order["adjustment_positive"] = _money(float(order.get("adjustment_positive") or 0.0) + adjustment_positive)
    order["adjustment_negative"] = _money(float(order.get("adjustment_negative") or 0.0) + adjustment_negative)
    state.credit_memos[memo_id] = {
        "entity_id": memo_id,
        "order_id": order["entity_id"],
        "increment_id": f"{memo_id:09d}",
        "state": 2,
        "subtotal": subtotal,
        "shipping_amount": shipping,
        "adjustment_positive": adjustment_positive,
        "adjustment_negative": adjustment_negative,
        "grand_total": grand_total,
        "created_at": now(),
        "items": [_document_item(state, "creditmemo_item", memo_id, item, qty) for item, qty in lines],
        "comments": _document_comment(body, memo_id),
    }
    check_state(order)
    return memo_id


def cancel(state: SandboxState, order: dict[str, Any]) -> bool:
    if not can_cancel(order):
        return False
    for item in _lines(order["items"]):
        remaining = _to_invoice(item)
        _add_qty(order, item, "qty_canceled", remaining)
        if remaining > 0:
            state.reserve(item["sku"], remaining, "order_canceled", order["entity_id"])
    set_state(order, "canceled")
    return True


def order_addresses(order: dict[str, Any]) -> list[dict[str, Any]]:
    shipping = [a["shipping"]["address"] for a in order["extension_attributes"]["shipping_assignments"]]
    return [order["billing_address"], *shipping]


def save_address(order: dict[str, Any], entity: dict[str, Any]) -> dict[str, Any]:
    """OrderAddressRepository::save: the address with that entity_id is overwritten with the given fields."""
    target = next((a for a in order_addresses(order) if a.get("entity_id") == entity.get("entity_id")), None)
    if target is None:
        raise err.bad_request("The order address could not be saved.")
    for key, value in entity.items():
        if key not in ("entity_id", "parent_id", "address_type"):
            target[key] = value
    order["updated_at"] = now()
    return target


def add_comment(state: SandboxState, order: dict[str, Any], history: dict[str, Any]) -> None:
    status = history.get("status")
    if status and status == STATUS_FOR_STATE.get(order["state"]):
        order["status"] = status
    order["status_histories"].insert(
        0,
        {
            "entity_id": state.next_id("history"),
            "parent_id": order["entity_id"],
            "comment": history.get("comment", ""),
            "is_customer_notified": history.get("is_customer_notified", 0),
            "is_visible_on_front": history.get("is_visible_on_front", 0),
            "status": status or order["status"],
            "entity_name": "order",
            "created_at": now(),
        },
    )
    order["updated_at"] = now()


def new_cart(state: SandboxState, masked_id: str, store_code: str = DEFAULT_STORE_CODE) -> Cart:
    cart = Cart(state.next_id("cart"), masked_id, store_code)
    state.carts[masked_id] = cart
    return cart
