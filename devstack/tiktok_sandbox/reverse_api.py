"""Return/refund/cancellation API handlers: search, approve, reject, reject reasons.

Approve and reject take the `idempotency_key` query parameter (at most 255 characters): repeating a call with
the same key answers the first call's result without acting again (approve-return spec and friends).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tiktok_sandbox import codes, reject_reasons
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.context import Ctx, paginate
from tiktok_sandbox.refunds import amount_json, discount_json
from tiktok_sandbox.returns import PENDING, REPLACEMENT_PENDING, Rejection, ReturnsLifecycle, reject_reason_kind
from tiktok_sandbox.state import Cancellation, LineItem, ReturnRecord, ReverseAction

_Record = ReturnRecord | Cancellation

MAX_IDEMPOTENCY_KEY = 255
# Seller's next action while a request waits for them (search-returns / search-cancellations specs).
NEXT_ACTIONS = {
    ("REFUND", PENDING): "SELLER_RESPOND_REFUND",
    ("RETURN_AND_REFUND", PENDING): "SELLER_RESPOND_RETURN",
    ("RETURN_AND_REFUND", "BUYER_SHIPPED_ITEM"): "SELLER_RESPOND_RECEIVE_PACKAGE",
    ("REPLACEMENT", REPLACEMENT_PENDING): "SELLER_RESPOND_REPLACEMENT",
}
RESPONSE_WINDOW = 2 * 24 * 3600  # SANDBOX: TikTok documents a deadline, not its length


def _time_filters(body: dict[str, Any], update_time: int, create_time: int) -> bool:
    for name, value in (("update_time", update_time), ("create_time", create_time)):
        ge, lt = body.get(f"{name}_ge"), body.get(f"{name}_lt")
        if (ge is not None and value < int(ge)) or (lt is not None and value >= int(lt)):
            return False
    return True


def _rejection(body: dict[str, Any], ctx: Ctx) -> Rejection:
    reason = body.get("reject_reason")
    if not isinstance(reason, str) or not reason:
        raise ApiError(codes.INVALID_CREDENTIAL, "param body.reject_reason is missing", 400)
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise ApiError(codes.REVERSE_INVALID_PARAM, "comment must be a string.")
    images = body.get("images") or []
    if not isinstance(images, list):
        raise ApiError(codes.REVERSE_INVALID_PARAM, "images must be a list.")
    for image in images:
        image_id = image.get("image_id") if isinstance(image, dict) else None
        if image_id not in ctx.state.images:
            raise ApiError(
                codes.REVERSE_INVALID_PARAM,
                f"images[].image_id {image_id!r} was not uploaded through the Upload Product Image API.",
            )
    return Rejection(reason=reason, comment=comment)


class ReverseHandlers:
    def __init__(self, lifecycle: ReturnsLifecycle):
        self._returns = lifecycle

    def _once(self, ctx: Ctx, route: str, target_id: str, act: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        key = ctx.query.get("idempotency_key")
        if key is not None and not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
            raise ApiError(codes.REVERSE_INVALID_PARAM, f"idempotency_key must be 1-{MAX_IDEMPOTENCY_KEY} characters.")
        with ctx.state.lock:
            if key is not None:
                seen = ctx.state.reverse_actions.get((ctx.shop.id, key))
                if seen is not None:
                    if (seen.route, seen.target_id) != (route, target_id):
                        # SANDBOX: TikTok does not document reusing a key for a different request.
                        raise ApiError(
                            codes.REVERSE_INVALID_PARAM, "idempotency_key was already used for another request."
                        )
                    return seen.result
            result = act()
            if key is not None:
                ctx.state.reverse_actions[(ctx.shop.id, key)] = ReverseAction(route, target_id, result)
            return result

    def approve_return(self, ctx: Ctx) -> dict[str, Any]:
        return_id, body = ctx.params["return_id"], ctx.body
        decision = body.get("decision")
        if not isinstance(decision, str) or not decision:
            raise ApiError(codes.INVALID_CREDENTIAL, "param body.decision is missing", 400)

        def act() -> dict[str, Any]:
            self._returns.approve_return(
                return_id,
                ctx.shop.id,
                decision,
                buyer_keep_item=bool(body.get("buyer_keep_item")),
                partial_refund=body.get("partial_refund"),
            )
            return {}

        return self._once(ctx, "approve_return", return_id, act)

    def reject_return(self, ctx: Ctx) -> dict[str, Any]:
        return_id, body = ctx.params["return_id"], ctx.body
        decision = body.get("decision")
        if not isinstance(decision, str) or not decision:
            raise ApiError(codes.INVALID_CREDENTIAL, "param body.decision is missing", 400)
        rejection = _rejection(body, ctx)

        def act() -> dict[str, Any]:
            self._returns.reject_return(return_id, ctx.shop.id, decision, rejection)
            return {}

        return self._once(ctx, "reject_return", return_id, act)

    def approve_cancellation(self, ctx: Ctx) -> dict[str, Any]:
        cancel_id = ctx.params["cancel_id"]

        def act() -> dict[str, Any]:
            self._returns.approve_cancellation(cancel_id, ctx.shop.id)
            return {}

        return self._once(ctx, "approve_cancellation", cancel_id, act)

    def reject_cancellation(self, ctx: Ctx) -> dict[str, Any]:
        cancel_id = ctx.params["cancel_id"]
        rejection = _rejection(ctx.body, ctx)

        def act() -> dict[str, Any]:
            self._returns.reject_cancellation(cancel_id, ctx.shop.id, rejection)
            return {}

        return self._once(ctx, "reject_cancellation", cancel_id, act)

    def reject_reasons(self, ctx: Ctx) -> dict[str, Any]:
        """Reasons for rejecting one request (`return_or_cancel_id` is required, get-reject-reasons spec)."""
        target = ctx.query.get("return_or_cancel_id")
        if not target:
            raise ApiError(codes.INVALID_CREDENTIAL, "param return_or_cancel_id is missing", 400)
        with ctx.state.lock:
            record: ReturnRecord | Cancellation
            if target in ctx.state.cancellations:
                record = self._returns.cancellation(target, ctx.shop.id)
            else:
                record = self._returns.return_record(target, ctx.shop.id)
            kind = reject_reason_kind(record)
        return {
            "reasons": [{"name": name, "text": label} for name, label in reject_reasons.reasons(ctx.shop.region, kind)]
        }


def _lines_json(record: ReturnRecord | Cancellation, order_items: dict[str, LineItem], id_key: str) -> list[Any]:
    return [
        {
            id_key: f"{record.id}{n}",
            "order_line_item_id": i,
            "sku_id": order_items[i].sku_id,
            "sku_name": order_items[i].sku_name,
            "seller_sku": order_items[i].seller_sku,
            "product_name": order_items[i].product_name,
            "refund_amount": amount_json(record.refund.currency, record.refund.lines[i]),
        }
        for n, i in enumerate(record.line_item_ids)
    ]


def _return_json(r: ReturnRecord, order_items: dict[str, LineItem]) -> dict[str, Any]:
    action = NEXT_ACTIONS.get((r.return_type, r.status))
    body: dict[str, Any] = {
        "return_id": r.id,
        "order_id": r.order_id,
        "return_type": r.return_type,
        "return_status": r.status,
        "role": "BUYER",
        "return_reason": r.reason,
        "return_reason_text": r.reason,
        "create_time": r.create_time,
        "update_time": r.update_time,
        "seller_next_action_response": (
            [{"action": action, "deadline": r.update_time + RESPONSE_WINDOW}] if action else []
        ),
        "refund_amount": amount_json(r.refund.currency, r.refund),
        "discount_amount": discount_json(r.refund),
        "return_line_items": _lines_json(r, order_items, "return_line_item_id"),
    }
    if r.partial_refund is not None:
        body["partial_refund"] = r.partial_refund
        body["seller_proposed_return_type"] = r.seller_proposed_return_type
    return body


def _cancellation_json(c: Cancellation, order_items: dict[str, LineItem]) -> dict[str, Any]:
    return {
        "cancel_id": c.id,
        "order_id": c.order_id,
        "cancel_type": c.cancel_type,
        "cancel_status": c.status,
        "role": c.role,
        "cancel_reason": c.reason,
        "cancel_reason_text": c.reason,
        "create_time": c.create_time,
        "update_time": c.update_time,
        "seller_next_action_response": (
            [{"action": "SELLER_RESPOND_CANCEL", "deadline": c.update_time + RESPONSE_WINDOW}]
            if c.status == "CANCELLATION_REQUEST_PENDING"
            else []
        ),
        "refund_amount": amount_json(c.refund.currency, c.refund),
        "cancel_line_items": _lines_json(c, order_items, "cancel_line_item_id"),
    }


# Search body filter -> the record attribute it matches (search-returns / search-cancellations specs).
RETURN_FILTERS = {"return_ids": "id", "order_ids": "order_id", "return_types": "return_type", "return_status": "status"}
CANCEL_FILTERS = {"cancel_ids": "id", "order_ids": "order_id", "cancel_types": "cancel_type", "cancel_status": "status"}


def _search(
    ctx: Ctx, records: list[_Record], filters: dict[str, str], page_size: int, *, descending: bool
) -> tuple[list[_Record], int, str, dict[str, LineItem]]:
    body = ctx.body
    found = [
        r
        for r in records
        if r.shop_id == ctx.shop.id
        and all(not body.get(key) or getattr(r, attr) in body[key] for key, attr in filters.items())
        and _time_filters(body, r.update_time, r.create_time)
    ]
    found.sort(key=lambda r: (r.create_time, r.id), reverse=descending)
    page, token = paginate(found, page_size, ctx.query.get("page_token"))
    order_items = {i.id: i for o in ctx.state.orders.values() for i in o.line_items}
    return page, len(found), token, order_items


def search_returns(ctx: Ctx) -> dict[str, Any]:
    page_size = ctx.page_size(10, 50, required=False, default=10)
    with ctx.state.lock:
        records: list[_Record] = list(ctx.state.returns.values())
        descending = ctx.query.get("sort_order") == "DESC"
        page, total, token, items = _search(ctx, records, RETURN_FILTERS, page_size, descending=descending)
        return {
            "return_orders": [_return_json(r, items) for r in page if isinstance(r, ReturnRecord)],
            "total_count": total,
            "next_page_token": token,
        }


def search_cancellations(ctx: Ctx) -> dict[str, Any]:
    page_size = ctx.page_size(1, 50, required=False, default=10)
    with ctx.state.lock:
        records: list[_Record] = list(ctx.state.cancellations.values())
        page, total, token, items = _search(ctx, records, CANCEL_FILTERS, page_size, descending=False)
        return {
            "cancellations": [_cancellation_json(c, items) for c in page if isinstance(c, Cancellation)],
            "total_count": total,
            "next_page_token": token,
        }
