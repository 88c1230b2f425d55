"""Orders, status history, invoices, shipments and credit memos over REST."""

from __future__ import annotations

from typing import Any

from magento_sandbox import api_errors as err
from magento_sandbox import orders
from magento_sandbox.flat_tables import table_fields
from magento_sandbox.routing import RequestContext, Route
from magento_sandbox.search import require_criteria, search
from magento_sandbox.state import now

_SALES = "Magento_Sales::sales"


def _search_table(ctx: RequestContext, records: list[dict[str, Any]], table: str) -> Any:
    # The sales repositories' getList(SearchCriteria $searchCriteria) take no default value.
    require_criteria(ctx.args)
    return search(records, ctx.args, fields=table_fields(table))


def search_orders(ctx: RequestContext) -> Any:
    return _search_table(ctx, list(ctx.state.orders.values()), "sales_order")


def read_order(ctx: RequestContext) -> Any:
    return orders.get_order(ctx.state, ctx.params["id"])


def save_order(ctx: RequestContext) -> Any:
    """POST /V1/orders. Only updates of existing orders are supported by the sandbox (the connector's use)."""
    entity = ctx.body["entity"]
    if "entity_id" not in entity:
        raise err.bad_request("The sandbox supports only updates of existing orders: send entity_id.")
    order = orders.get_order(ctx.state, entity["entity_id"])
    for key in ("ext_order_id", "increment_id", "customer_email"):
        if key in entity:
            order[key] = entity[key]
    if "state" in entity and entity["state"] in orders.STATUS_FOR_STATE:
        order["state"] = entity["state"]
    if "status" in entity:
        order["status"] = entity["status"]
    order["updated_at"] = now()
    return order


def order_comments(ctx: RequestContext) -> Any:
    order = orders.get_order(ctx.state, ctx.params["id"])
    return {"items": order["status_histories"], "total_count": len(order["status_histories"])}


def add_order_comment(ctx: RequestContext) -> Any:
    orders.add_comment(ctx.state, orders.get_order(ctx.state, ctx.params["id"]), ctx.body["statusHistory"])
    return True


def cancel_order(ctx: RequestContext) -> Any:
    # Magento's OrderManagement::cancel answers false, not an error, when the order cannot be canceled.
    return orders.cancel(ctx.state, orders.get_order(ctx.state, ctx.params["id"]))


def invoice_order(ctx: RequestContext) -> Any:
    return orders.invoice(ctx.state, orders.get_order(ctx.state, ctx.params["orderId"]), ctx.body or {})


def ship_order(ctx: RequestContext) -> Any:
    order = orders.get_order(ctx.state, ctx.params["orderId"])
    shipment_id = orders.ship(ctx.state, order, ctx.body or {})
    ctx.state.record_event("shipment_saved", order_id=order["entity_id"], shipment_id=shipment_id)
    return shipment_id


def refund_order(ctx: RequestContext) -> Any:
    return orders.refund(ctx.state, orders.get_order(ctx.state, ctx.params["orderId"]), ctx.body or {})


def search_invoices(ctx: RequestContext) -> Any:
    return _search_table(ctx, list(ctx.state.invoices.values()), "sales_invoice")


def search_shipments(ctx: RequestContext) -> Any:
    return _search_table(ctx, list(ctx.state.shipments.values()), "sales_shipment")


def read_shipment(ctx: RequestContext) -> Any:
    shipment = ctx.state.shipments.get(int(ctx.params["id"])) if ctx.params["id"].isdigit() else None
    if shipment is None:
        raise err.entity_not_found()
    return shipment


def add_track(ctx: RequestContext) -> Any:
    """POST /V1/shipment/track: a track for an existing shipment of the given order; answers the saved track.

    Magento's TrackRepository::save looks the shipment up by order_id and parent_id together and refuses a
    mismatch, or a track its validator rejects (no track_number or carrier_code), with one CouldNotSave
    message (GitHub magento/magento2, app/code/Magento/Sales/Model/Order/Shipment/TrackRepository.php).
    """
    entity = ctx.body["entity"]
    shipment = ctx.state.shipments.get(entity.get("parent_id"))
    if (
        shipment is None
        or shipment["order_id"] != entity.get("order_id")
        or not entity.get("track_number")
        or not entity.get("carrier_code")
    ):
        raise err.bad_request("Could not save the shipment tracking.")
    track = orders.new_track(ctx.state, shipment, entity)
    shipment["tracks"].append(track)
    ctx.state.record_event("track_saved", order_id=shipment["order_id"], shipment_id=shipment["entity_id"])
    return track


def search_credit_memos(ctx: RequestContext) -> Any:
    return _search_table(ctx, list(ctx.state.credit_memos.values()), "sales_creditmemo")


def read_credit_memo(ctx: RequestContext) -> Any:
    memo = ctx.state.credit_memos.get(int(ctx.params["id"])) if ctx.params["id"].isdigit() else None
    if memo is None:
        raise err.entity_not_found()
    return memo


ROUTES = [
    Route("GET", "/V1/orders", search_orders, _SALES),
    Route("GET", "/V1/orders/{id}", read_order, _SALES),
    Route("POST", "/V1/orders", save_order, "Magento_Sales::actions_edit"),
    Route("GET", "/V1/orders/{id}/comments", order_comments, _SALES),
    Route("POST", "/V1/orders/{id}/comments", add_order_comment, "Magento_Sales::comment"),
    Route("POST", "/V1/orders/{id}/cancel", cancel_order, "Magento_Sales::cancel"),
    Route("POST", "/V1/order/{orderId}/invoice", invoice_order, "Magento_Sales::invoice"),
    Route("POST", "/V1/order/{orderId}/ship", ship_order, "Magento_Sales::ship"),
    Route("POST", "/V1/order/{orderId}/refund", refund_order, "Magento_Sales::creditmemo"),
    Route("GET", "/V1/invoices", search_invoices, _SALES),
    Route("GET", "/V1/shipments", search_shipments, _SALES),
    Route("GET", "/V1/shipment/{id}", read_shipment, _SALES),
    Route("POST", "/V1/shipment/track", add_track, "Magento_Sales::ship"),
    Route("GET", "/V1/creditmemos", search_credit_memos, _SALES),
    Route("GET", "/V1/creditmemo/{id}", read_credit_memo, _SALES),
]
