"""Order handlers: Get Order Detail (at most 50 ids) and Search Orders, and the order JSON TikTok returns."""

from __future__ import annotations

from typing import Any

from tiktok_sandbox import codes
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.config import ShopSeed
from tiktok_sandbox.context import Ctx, paginate
from tiktok_sandbox.pricing import line_money_json, tax_rate
from tiktok_sandbox.state import LineItem, Order

# recipient_address "is not available under UNPAID and ON_HOLD status".
HIDDEN_ADDRESS_STATUSES = frozenset({"UNPAID", "ON_HOLD"})
# "For local sellers in the US and UK markets, the package_id and package_status property will not be returned
# before the package is shipped" (get-order-detail spec, line_items.package_id).
LATE_PACKAGE_ID_REGIONS = frozenset({"US", "GB"})


def line_item_json(item: LineItem, shop: ShopSeed, rate: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": item.id,
        "sku_id": item.sku_id,
        "product_id": item.product_id,
        "product_name": item.product_name,
        "sku_name": item.sku_name,
        "sku_image": item.sku_image,
        "seller_sku": item.seller_sku,
        **line_money_json(item, rate),
        "display_status": item.display_status,
        "package_id": item.package_id,
        "package_status": item.package_status,
        "tracking_number": item.tracking_number,
        "shipping_provider_id": item.shipping_provider_id,
        "shipping_provider_name": item.shipping_provider_name,
        "rts_time": item.rts_time,
        "cancel_user": item.cancel_user,
        "cancel_reason": item.cancel_reason,
        "is_gift": False,
    }
    if shop.seller_type == "LOCAL" and shop.region in LATE_PACKAGE_ID_REGIONS and item.rts_time is None:
        del body["package_id"], body["package_status"]
    return {k: v for k, v in body.items() if v is not None}


def order_json(order: Order, shop: ShopSeed) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": order.id,
        "status": order.status,
        "user_id": order.user_id,
        "buyer_email": order.buyer_email,
        "buyer_message": order.buyer_message,
        "create_time": order.create_time,
        "update_time": order.update_time,
        "paid_time": order.paid_time,
        "delivery_time": order.delivery_time,
        "cancel_time": order.cancel_time,
        "cancel_reason": order.cancel_reason,
        "cancellation_initiator": order.cancellation_initiator,
        "is_buyer_request_cancel": order.is_buyer_request_cancel,
        "request_cancel_time": order.request_cancel_time,
        "rts_time": order.rts_time,
        "collection_time": order.collection_time,
        "shipping_type": order.shipping_type,
        "fulfillment_type": "FULFILLMENT_BY_SELLER",
        "delivery_type": "HOME_DELIVERY",
        "delivery_option_id": order.delivery_option_id,
        "delivery_option_name": order.delivery_option_name,
        "warehouse_id": order.warehouse_id,
        "is_on_hold_order": order.is_on_hold_order,
        "is_cod": False,
        "is_sample_order": False,
        "order_type": "NORMAL",
        "payment_method_name": "Card",
        "commerce_platform": "TIKTOK_SHOP",
        "has_updated_recipient_address": order.has_updated_recipient_address,
        "payment": dict(order.payment),
        "packages": [{"id": pid} for pid in order.package_ids],
        "line_items": [line_item_json(item, shop, tax_rate(order.payment)) for item in order.line_items],
    }
    if order.status not in HIDDEN_ADDRESS_STATUSES:
        body["recipient_address"] = order.recipient_address
    tracked = next((i for i in order.line_items if i.tracking_number), None)
    if tracked is not None:
        body["tracking_number"] = tracked.tracking_number
        body["shipping_provider_id"] = tracked.shipping_provider_id
        body["shipping_provider"] = tracked.shipping_provider_name
    return {k: v for k, v in body.items() if v is not None}


MAX_DETAIL_IDS = 50


def get_order_detail(ctx: Ctx) -> dict[str, Any]:
    raw = ctx.query.get("ids", "")
    ids = [i for i in raw.split(",") if i]
    if not ids:
        raise ApiError(codes.INVALID_CREDENTIAL, "param ids is missing", 400)
    if len(ids) > MAX_DETAIL_IDS:
        raise ApiError(codes.TOO_MANY_IDS, f"At most {MAX_DETAIL_IDS} order ids per request.", 400)
    with ctx.state.lock:
        orders = [
            order_json(o, ctx.shop)
            for i in ids
            if (o := ctx.state.orders.get(i)) is not None and o.shop_id == ctx.shop.id
        ]
    return {"orders": orders}


def search_orders(ctx: Ctx) -> dict[str, Any]:
    page_size = ctx.page_size(1, 100)
    sort_field = ctx.query.get("sort_field", "create_time")
    if sort_field not in ("create_time", "update_time"):
        raise ApiError(codes.INVALID_CREDENTIAL, "param sort_field must be create_time or update_time", 400)
    descending = ctx.query.get("sort_order", "DESC") == "DESC"
    f = ctx.body
    now = int(ctx.state.now())

    def matches(order: Order) -> bool:
        if f.get("order_status") and order.status != f["order_status"]:
            return False
        if f.get("shipping_type") and order.shipping_type != f["shipping_type"]:
            return False
        if (
            f.get("is_buyer_request_cancel") is not None
            and order.is_buyer_request_cancel != f["is_buyer_request_cancel"]
        ):
            return False
        for name in ("create_time", "update_time"):
            value = getattr(order, name)
            ge, lt = f.get(f"{name}_ge"), f.get(f"{name}_lt")
            # "If _ge is filled but _lt is empty, _lt defaults to the current time."
            if ge is not None and lt is None:
                lt = now + 1
            if (ge is not None and value < int(ge)) or (lt is not None and value >= int(lt)):
                return False
        return True

    with ctx.state.lock:
        found = [o for o in ctx.state.orders.values() if o.shop_id == ctx.shop.id and matches(o)]
        found.sort(key=lambda o: (getattr(o, sort_field), o.id), reverse=descending)
        page, token = paginate(found, page_size, ctx.query.get("page_token"))
        return {"orders": [order_json(o, ctx.shop) for o in page], "total_count": len(found), "next_page_token": token}
