"""Cancellations and returns/refunds: control-side lifecycle (webhooks 11, 12, 1) and search handlers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tiktok_sandbox import codes
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.context import Ctx, paginate
from tiktok_sandbox.orders import CANCELLABLE, OrderLifecycle
from tiktok_sandbox.state import Cancellation, ReturnRecord

RETURN_TYPES = frozenset({"REFUND", "RETURN_AND_REFUND", "REPLACEMENT"})
RETURNABLE = frozenset({"AWAITING_SHIPMENT", "IN_TRANSIT", "DELIVERED", "COMPLETED", "PARTIALLY_SHIPPING"})


class ReturnsLifecycle:
    def __init__(self, orders: OrderLifecycle):
        self._orders = orders
        self._state = orders.state

    def cancel_order(
        self,
        order_id: str,
        *,
        initiator: str = "BUYER",
        reason: str = "No longer needed",
        line_item_ids: list[str] | None = None,
    ) -> Cancellation:
        """Cancel a whole order (or some line items); a cancellation record and webhooks 11 and 1 follow."""
        if initiator not in ("BUYER", "SELLER", "SYSTEM"):
            raise ApiError(codes.INVALID_CREDENTIAL, "initiator must be BUYER, SELLER or SYSTEM", 400)
        with self._state.lock:
            order = self._orders.get(order_id)
            if order.status not in CANCELLABLE:
                raise ApiError(
                    codes.ORDER_STATUS_INVALID, f"order {order_id} is {order.status} and cannot be cancelled."
                )
            live = [i for i in order.line_items if i.display_status != "CANCELLED"]
            ids = line_item_ids or [i.id for i in live]
            chosen = [i for i in live if i.id in ids]
            if len(chosen) != len(ids):
                raise ApiError(codes.LINE_ITEM_INVALID, "Some line items do not exist or are already cancelled.")
            now = int(self._state.now())
            refund = sum((Decimal(i.sale_price) for i in chosen), Decimal(0))
            record = Cancellation(
                id=self._state.new_id(57766823455),
                shop_id=order.shop_id,
                order_id=order.id,
                cancel_type="BUYER_CANCEL" if initiator == "BUYER" else "CANCEL",
                status="CANCELLATION_REQUEST_COMPLETE",
                role=initiator,
                reason=reason,
                line_item_ids=ids,
                refund_total=str(refund.quantize(Decimal("0.01"))),
                currency=order.payment["currency"],
                create_time=now,
                update_time=now,
            )
            self._state.cancellations[record.id] = record
            for item in chosen:
                item.display_status, item.cancel_reason = "CANCELLED", reason
                item.package_status = "CANCELLED"
            self._orders.webhooks.emit(
                11,
                order.shop_id,
                {
                    "order_id": order.id,
                    "cancellations_role": initiator,
                    "cancel_status": record.status,
                    "cancel_id": record.id,
                    "create_time": now,
                },
            )
            if all(i.display_status == "CANCELLED" for i in order.line_items):
                order.cancel_time, order.cancel_reason, order.cancellation_initiator = now, reason, initiator
                for package_id in order.package_ids:
                    self._state.packages[package_id].status = "CANCELLED"
                self._orders.set_status(order, "CANCELLED")
            return record

    def open_return(
        self,
        order_id: str,
        *,
        line_item_ids: list[str] | None = None,
        return_type: str = "RETURN_AND_REFUND",
        reason: str = "Item not as described",
        refund_amount: str | None = None,
    ) -> ReturnRecord:
        """Buyer requests a return/refund for some or all line items; `refund_amount` makes it partial."""
        if return_type not in RETURN_TYPES:
            raise ApiError(codes.INVALID_CREDENTIAL, f"return_type must be one of {sorted(RETURN_TYPES)}", 400)
        with self._state.lock:
            order = self._orders.get(order_id)
            if order.status not in RETURNABLE:
                raise ApiError(codes.ORDER_STATUS_INVALID, f"order {order_id} is {order.status}; no return possible.")
            items = {i.id: i for i in order.line_items if i.display_status != "CANCELLED"}
            ids = line_item_ids or list(items)
            if any(i not in items for i in ids):
                raise ApiError(codes.LINE_ITEM_INVALID, "Some line items cannot be returned.")
            full = sum((Decimal(items[i].sale_price) for i in ids), Decimal(0))
            amount = Decimal(refund_amount) if refund_amount is not None else full
            if not Decimal(0) < amount <= full:
                raise ApiError(codes.INVALID_PRODUCT_FIELD, f"refund amount must be within (0, {full}]")
            now = int(self._state.now())
            record = ReturnRecord(
                id=self._state.new_id(46405291839),
                shop_id=order.shop_id,
                order_id=order.id,
                return_type=return_type,
                status="RETURN_OR_REFUND_REQUEST_PENDING",
                line_item_ids=ids,
                refund_total=str(amount.quantize(Decimal("0.01"))),
                currency=order.payment["currency"],
                reason=reason,
                create_time=now,
                update_time=now,
            )
            self._state.returns[record.id] = record
            self._emit_return(record)
            return record

    def set_return_status(self, return_id: str, status: str) -> ReturnRecord:
        """Move a return to any documented status (AWAITING_BUYER_SHIP, BUYER_SHIPPED_ITEM, ...)."""
        with self._state.lock:
            record = self._state.returns.get(return_id)
            if record is None:
                raise ApiError(codes.ORDER_NOT_FOUND, f"return {return_id} does not exist.", 404)
            record.status = status
            record.update_time = max(int(self._state.now()), record.update_time + 1)
            self._emit_return(record)
            return record

    def complete_return(self, return_id: str) -> ReturnRecord:
        return self.set_return_status(return_id, "RETURN_OR_REFUND_REQUEST_COMPLETE")

    def _emit_return(self, record: ReturnRecord) -> None:
        self._orders.webhooks.emit(
            12,
            record.shop_id,
            {
                "order_id": record.order_id,
                "return_role": "BUYER",
                "return_type": record.return_type,
                "return_status": record.status,
                "return_id": record.id,
                "create_time": record.create_time,
                "update_time": record.update_time,
            },
        )


def _refund(record: ReturnRecord | Cancellation) -> dict[str, str]:
    return {
        "currency": record.currency,
        "refund_total": record.refund_total,
        "refund_subtotal": record.refund_total,
        "refund_shipping_fee": "0.00",
        "refund_tax": "0.00",
    }


def _time_filters(body: dict[str, Any], update_time: int, create_time: int) -> bool:
    for name, value in (("update_time", update_time), ("create_time", create_time)):
        ge, lt = body.get(f"{name}_ge"), body.get(f"{name}_lt")
        if (ge is not None and value < int(ge)) or (lt is not None and value >= int(lt)):
            return False
    return True


def search_returns(ctx: Ctx) -> dict[str, Any]:
    page_size = ctx.page_size(10, 50, required=False, default=10)
    body = ctx.body
    with ctx.state.lock:
        order_items = {i.id: i for o in ctx.state.orders.values() for i in o.line_items}
        found = [
            r
            for r in ctx.state.returns.values()
            if r.shop_id == ctx.shop.id
            and (not body.get("return_ids") or r.id in body["return_ids"])
            and (not body.get("order_ids") or r.order_id in body["order_ids"])
            and (not body.get("return_types") or r.return_type in body["return_types"])
            and (not body.get("return_status") or r.status in body["return_status"])
            and _time_filters(body, r.update_time, r.create_time)
        ]
        found.sort(key=lambda r: (r.create_time, r.id), reverse=ctx.query.get("sort_order") == "DESC")
        page, token = paginate(found, page_size, ctx.query.get("page_token"))
        return {
            "return_orders": [
                {
                    "return_id": r.id,
                    "order_id": r.order_id,
                    "return_type": r.return_type,
                    "return_status": r.status,
                    "role": "BUYER",
                    "return_reason": r.reason,
                    "return_reason_text": r.reason,
                    "create_time": r.create_time,
                    "update_time": r.update_time,
                    "refund_amount": _refund(r),
                    "return_line_items": [
                        {
                            "return_line_item_id": f"{r.id}{n}",
                            "order_line_item_id": i,
                            "sku_id": order_items[i].sku_id,
                            "seller_sku": order_items[i].seller_sku,
                            "product_name": order_items[i].product_name,
                        }
                        for n, i in enumerate(r.line_item_ids)
                    ],
                }
                for r in page
            ],
            "total_count": len(found),
            "next_page_token": token,
        }


def search_cancellations(ctx: Ctx) -> dict[str, Any]:
    page_size = ctx.page_size(1, 50, required=False, default=10)
    body = ctx.body
    with ctx.state.lock:
        order_items = {i.id: i for o in ctx.state.orders.values() for i in o.line_items}
        found = [
            c
            for c in ctx.state.cancellations.values()
            if c.shop_id == ctx.shop.id
            and (not body.get("cancel_ids") or c.id in body["cancel_ids"])
            and (not body.get("order_ids") or c.order_id in body["order_ids"])
            and (not body.get("cancel_status") or c.status in body["cancel_status"])
            and _time_filters(body, c.update_time, c.create_time)
        ]
        found.sort(key=lambda c: (c.create_time, c.id))
        page, token = paginate(found, page_size, ctx.query.get("page_token"))
        return {
            "cancellations": [
                {
                    "cancel_id": c.id,
                    "order_id": c.order_id,
                    "cancel_type": c.cancel_type,
                    "cancel_status": c.status,
                    "role": c.role,
                    "cancel_reason": c.reason,
                    "cancel_reason_text": c.reason,
                    "create_time": c.create_time,
                    "update_time": c.update_time,
                    "refund_amount": _refund(c),
                    "cancel_line_items": [
                        {
                            "order_line_item_id": i,
                            "sku_id": order_items[i].sku_id,
                            "seller_sku": order_items[i].seller_sku,
                        }
                        for i in c.line_item_ids
                    ],
                }
                for c in page
            ],
            "total_count": len(found),
            "next_page_token": token,
        }
