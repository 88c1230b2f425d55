"""Cancellations and returns/refunds: what buyers (control API) and sellers (approve/reject APIs) do to them.

Status changes emit webhook 11 (cancellations) or 12 (returns); cancelled line items also move the order
(webhook 1). Decisions follow the approve-return / reject-return / approve-cancellation / reject-cancellation
specs (GitHub lazykern/ecommerce-api-docs, data/raw/tiktok/api-reference/return-and-refund/).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tiktok_sandbox import codes, reject_reasons
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.money import cents, text
from tiktok_sandbox.orders import CANCELLABLE, OrderLifecycle
from tiktok_sandbox.refunds import CLOSED_STATUSES, compute_refund, refunds_shipping
from tiktok_sandbox.state import Cancellation, LineItem, Order, ReturnRecord

RETURN_TYPES = frozenset({"REFUND", "RETURN_AND_REFUND", "REPLACEMENT"})
RETURNABLE = frozenset({"AWAITING_SHIPMENT", "IN_TRANSIT", "DELIVERED", "COMPLETED", "PARTIALLY_SHIPPING"})

PENDING = "RETURN_OR_REFUND_REQUEST_PENDING"
REPLACEMENT_PENDING = "REPLACEMENT_REQUEST_PENDING"
CANCEL_PENDING = "CANCELLATION_REQUEST_PENDING"
RETURN_CANCELLED = frozenset({"RETURN_OR_REFUND_REQUEST_CANCEL", "REPLACEMENT_REQUEST_CANCEL"})
RETURN_APPROVED = frozenset(
    {
        "AWAITING_BUYER_SHIP",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
        "RETURN_OR_REFUND_REQUEST_COMPLETE",
        "REPLACEMENT_REQUEST_COMPLETE",
        "REPLACEMENT_REQUEST_REFUND_SUCCESS",
    }
)


@dataclass(frozen=True)
class Decision:
    return_types: frozenset[str]
    from_status: str
    to_status: str
    wrong_status_code: int


# Seller decisions on a return and the request states they apply to (approve-return / reject-return specs).
APPROVALS: dict[str, Decision] = {
    "APPROVE_REFUND": Decision(
        frozenset({"REFUND"}), PENDING, "RETURN_OR_REFUND_REQUEST_SUCCESS", codes.REVERSE_CANNOT_APPROVE
    ),
    "APPROVE_RETURN": Decision(
        frozenset({"RETURN_AND_REFUND"}), PENDING, "AWAITING_BUYER_SHIP", codes.REVERSE_CANNOT_APPROVE
    ),
    "APPROVE_RECEIVED_PACKAGE": Decision(
        frozenset({"RETURN_AND_REFUND"}),
        "BUYER_SHIPPED_ITEM",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
        codes.REVERSE_CANNOT_APPROVE_RECEIVE,
    ),
    "APPROVE_REPLACEMENT": Decision(
        frozenset({"REPLACEMENT"}), REPLACEMENT_PENDING, "REPLACEMENT_REQUEST_COMPLETE", codes.REVERSE_CANNOT_APPROVE
    ),
    "ISSUE_REPLACEMENT_REFUND": Decision(
        frozenset({"REPLACEMENT"}),
        REPLACEMENT_PENDING,
        "REPLACEMENT_REQUEST_REFUND_SUCCESS",
        codes.REVERSE_CANNOT_APPROVE,
    ),
    "OFFER_PARTIAL_REFUND": Decision(
        frozenset({"REFUND", "RETURN_AND_REFUND"}),
        PENDING,
        "AWAITING_BUYER_RESPONSE",
        codes.REVERSE_PARTIAL_REFUND_INVALID,
    ),
}
REJECTIONS: dict[str, Decision] = {
    "REJECT_REFUND": Decision(
        frozenset({"REFUND"}), PENDING, "REFUND_OR_RETURN_REQUEST_REJECT", codes.REVERSE_INVALID_ORDER_STATUS
    ),
    "REJECT_RETURN": Decision(
        frozenset({"RETURN_AND_REFUND"}),
        PENDING,
        "REFUND_OR_RETURN_REQUEST_REJECT",
        codes.REVERSE_INVALID_ORDER_STATUS,
    ),
    "REJECT_RECEIVED_PACKAGE": Decision(
        frozenset({"RETURN_AND_REFUND"}), "BUYER_SHIPPED_ITEM", "REJECT_RECEIVE_PACKAGE", codes.CANNOT_REJECT_RECEIVE
    ),
    "REJECT_REPLACEMENT": Decision(
        frozenset({"REPLACEMENT"}),
        REPLACEMENT_PENDING,
        "REPLACEMENT_REQUEST_REJECT",
        codes.REVERSE_INVALID_ORDER_STATUS,
    ),
}


@dataclass(frozen=True)
class Rejection:
    reason: str
    comment: str | None = None


def reject_reason_kind(record: ReturnRecord | Cancellation) -> str:
    """Which reason list applies to rejecting `record` now (see `reject_reasons`)."""
    if isinstance(record, Cancellation):
        return reject_reasons.CANCEL
    return reject_reasons.PARCEL if record.status == "BUYER_SHIPPED_ITEM" else reject_reasons.REQUEST


class ReturnsLifecycle:
    def __init__(self, orders: OrderLifecycle):
        self._orders = orders
        self._state = orders.state

    # --- cancellations -----------------------------------------------------------------------------------
    def cancel_order(
        self,
        order_id: str,
        *,
        initiator: str = "BUYER",
        reason: str = "No longer needed",
        line_item_ids: list[str] | None = None,
    ) -> Cancellation:
        """Cancel a whole order (or some line items) at once; a cancellation record and webhooks 11 and 1 follow."""
        if initiator not in ("BUYER", "SELLER", "SYSTEM"):
            raise ApiError(codes.INVALID_CREDENTIAL, "initiator must be BUYER, SELLER or SYSTEM", 400)
        with self._state.lock:
            order = self._orders.get(order_id)
            if order.status not in CANCELLABLE:
                raise ApiError(
                    codes.ORDER_STATUS_INVALID, f"order {order_id} is {order.status} and cannot be cancelled."
                )
            chosen = self._live_lines(order, line_item_ids)
            # An ON_HOLD buyer cancellation is accepted by TikTok for the seller and typed CANCEL
            # (return-refund-and-cancel API overview, "Cancel Types").
            buyer_request = initiator == "BUYER" and order.status != "ON_HOLD"
            record = self._new_cancellation(
                order,
                chosen,
                cancel_type="BUYER_CANCEL" if buyer_request else "CANCEL",
                status="CANCELLATION_REQUEST_COMPLETE",
                role=initiator,
                reason=reason,
            )
            self._cancel_lines(order, chosen, initiator, reason)
            return record

    def request_cancellation(self, order_id: str, *, reason: str = "No longer needed") -> Cancellation:
        """A buyer asks to cancel a paid order awaiting shipment; the seller must approve or reject it.

        "BUYER_CANCEL requires the seller to review the cancellation request" and buyers cannot cancel single
        line items (return-refund-and-cancel API overview), so the request covers every live line.
        """
        with self._state.lock:
            order = self._orders.get(order_id)
            if order.status != "AWAITING_SHIPMENT":
                raise ApiError(
                    codes.ORDER_STATUS_INVALID,
                    f"order {order_id} is {order.status}; buyers request cancellation only in AWAITING_SHIPMENT "
                    "(use cancel_order for UNPAID/ON_HOLD, which TikTok cancels without the seller).",
                )
            if order.is_buyer_request_cancel:
                raise ApiError(codes.ORDER_STATUS_INVALID, f"order {order_id} already has a cancellation request.")
            record = self._new_cancellation(
                order,
                self._live_lines(order, None),
                cancel_type="BUYER_CANCEL",
                status=CANCEL_PENDING,
                role="BUYER",
                reason=reason,
            )
            order.is_buyer_request_cancel, order.request_cancel_time = True, record.create_time
            return record

    def approve_cancellation(self, cancel_id: str, shop_id: str) -> None:
        with self._state.lock:
            record = self._pending_cancellation(cancel_id, shop_id, codes.REVERSE_CANNOT_APPROVE)
            order = self._orders.get(record.order_id)
            order.is_buyer_request_cancel = False
            self._set_cancellation_status(record, "CANCELLATION_REQUEST_SUCCESS")
            chosen = [i for i in order.line_items if i.id in record.line_item_ids]
            self._cancel_lines(order, chosen, "BUYER", record.reason)
            self._set_cancellation_status(record, "CANCELLATION_REQUEST_COMPLETE")

    def reject_cancellation(self, cancel_id: str, shop_id: str, rejection: Rejection) -> None:
        """The request is closed and the order goes on (webhook 11 has no "rejected" value; the request-closed
        value is CANCELLATION_REQUEST_CANCELLED, 11-cancellation-status-change guide)."""
        with self._state.lock:
            record = self._pending_cancellation(cancel_id, shop_id, codes.REVERSE_CANNOT_REJECT)
            _check_reason(rejection.reason, self._state.shop(shop_id).region, reject_reasons.CANCEL)
            self._orders.get(record.order_id).is_buyer_request_cancel = False
            record.reject_reason, record.reject_comment = rejection.reason, rejection.comment
            self._set_cancellation_status(record, "CANCELLATION_REQUEST_CANCELLED")

    def cancellation(self, cancel_id: str, shop_id: str) -> Cancellation:
        record = self._state.cancellations.get(cancel_id)
        if record is None or record.shop_id != shop_id:
            raise ApiError(codes.REVERSE_NOT_FOUND, f"cancellation {cancel_id} does not exist.", 404)
        return record

    def _pending_cancellation(self, cancel_id: str, shop_id: str, wrong_status_code: int) -> Cancellation:
        record = self.cancellation(cancel_id, shop_id)
        if record.status == "CANCELLATION_REQUEST_CANCELLED":
            raise ApiError(codes.REVERSE_ALREADY_CANCELLED, f"cancellation {cancel_id} is already closed.")
        if record.status != CANCEL_PENDING:
            raise ApiError(wrong_status_code, f"cancellation {cancel_id} is {record.status}, not pending.")
        return record

    def _live_lines(self, order: Order, line_item_ids: list[str] | None) -> list[LineItem]:
        live = [i for i in order.line_items if i.display_status != "CANCELLED"]
        ids = line_item_ids or [i.id for i in live]
        chosen = [i for i in live if i.id in ids]
        if len(chosen) != len(ids):
            raise ApiError(codes.LINE_ITEM_INVALID, "Some line items do not exist or are already cancelled.")
        return chosen

    def _new_cancellation(
        self, order: Order, chosen: list[LineItem], *, cancel_type: str, status: str, role: str, reason: str
    ) -> Cancellation:
        ids = [i.id for i in chosen]
        now = int(self._state.now())
        record = Cancellation(
            id=self._state.new_id(57766823455),
            shop_id=order.shop_id,
            order_id=order.id,
            cancel_type=cancel_type,
            status=status,
            role=role,
            reason=reason,
            line_item_ids=ids,
            refund=compute_refund(order, ids, with_shipping=refunds_shipping(self._state, order, ids)),
            create_time=now,
            update_time=now,
        )
        self._state.cancellations[record.id] = record
        self._emit_cancellation(record)
        return record

    def _cancel_lines(self, order: Order, chosen: list[LineItem], initiator: str, reason: str) -> None:
        for item in chosen:
            item.display_status, item.package_status = "CANCELLED", "CANCELLED"
            item.cancel_reason, item.cancel_user = reason, initiator
        if all(i.display_status == "CANCELLED" for i in order.line_items):
            order.cancel_time, order.cancel_reason, order.cancellation_initiator = (
                int(self._state.now()),
                reason,
                initiator,
            )
            for package_id in order.package_ids:
                self._state.packages[package_id].status = "CANCELLED"
            self._orders.set_status(order, "CANCELLED")

    def _set_cancellation_status(self, record: Cancellation, status: str) -> None:
        self._move(record, status)
        self._emit_cancellation(record)

    def _move(self, record: Cancellation | ReturnRecord, status: str) -> None:
        record.status = status
        record.update_time = max(int(self._state.now()), record.update_time + 1)

    def _emit_cancellation(self, record: Cancellation) -> None:
        self._orders.webhooks.emit(
            11,
            record.shop_id,
            {
                "order_id": record.order_id,
                "cancellations_role": record.role,
                "cancel_status": record.status,
                "cancel_id": record.id,
                "create_time": record.create_time,
            },
        )

    # --- returns -----------------------------------------------------------------------------------------
    def open_return(
        self,
        order_id: str,
        *,
        line_item_ids: list[str] | None = None,
        return_type: str = "RETURN_AND_REFUND",
        reason: str = "Item not as described",
        refund_amount: str | None = None,
    ) -> ReturnRecord:
        """Buyer requests a return/refund/replacement for some or all line items; `refund_amount` (the total
        asked) makes it partial."""
        if return_type not in RETURN_TYPES:
            raise ApiError(codes.INVALID_CREDENTIAL, f"return_type must be one of {sorted(RETURN_TYPES)}", 400)
        with self._state.lock:
            order = self._orders.get(order_id)
            if order.status not in RETURNABLE:
                raise ApiError(codes.ORDER_STATUS_INVALID, f"order {order_id} is {order.status}; no return possible.")
            taken = {
                line_id
                for r in self._state.returns.values()
                if r.order_id == order_id and r.status not in CLOSED_STATUSES
                for line_id in r.line_item_ids
            }
            items = {i.id: i for i in order.line_items if i.display_status != "CANCELLED" and i.id not in taken}
            ids = line_item_ids or list(items)
            if not ids or any(i not in items for i in ids):
                raise ApiError(codes.LINE_ITEM_INVALID, "Some line items cannot be returned (or are being returned).")
            refund = compute_refund(order, ids, with_shipping=refunds_shipping(self._state, order, ids))
            if refund_amount is not None:
                amount = cents(refund_amount, "refund_amount")
                if not 0 < amount <= refund.total:
                    raise ApiError(
                        codes.INVALID_PRODUCT_FIELD, f"refund amount must be within (0, {text(refund.total)}]"
                    )
                refund = compute_refund(order, ids, with_shipping=refund.shipping_fee > 0, amount=amount)
            now = int(self._state.now())
            record = ReturnRecord(
                id=self._state.new_id(46405291839),
                shop_id=order.shop_id,
                order_id=order.id,
                return_type=return_type,
                status=REPLACEMENT_PENDING if return_type == "REPLACEMENT" else PENDING,
                line_item_ids=ids,
                refund=refund,
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
                raise ApiError(codes.REVERSE_NOT_FOUND, f"return {return_id} does not exist.", 404)
            self._set_return_status(record, status)
            return record

    def complete_return(self, return_id: str) -> ReturnRecord:
        return self.set_return_status(return_id, "RETURN_OR_REFUND_REQUEST_COMPLETE")

    def return_record(self, return_id: str, shop_id: str) -> ReturnRecord:
        record = self._state.returns.get(return_id)
        if record is None or record.shop_id != shop_id:
            raise ApiError(codes.REVERSE_NOT_FOUND, f"return {return_id} does not exist.", 404)
        return record

    def approve_return(
        self,
        return_id: str,
        shop_id: str,
        decision: str,
        *,
        buyer_keep_item: bool = False,
        partial_refund: dict[str, Any] | None = None,
    ) -> None:
        with self._state.lock:
            record = self.return_record(return_id, shop_id)
            rule = _decision(APPROVALS, decision, record)
            to_status = rule.to_status
            if decision == "APPROVE_RETURN" and buyer_keep_item:
                to_status = "RETURN_OR_REFUND_REQUEST_SUCCESS"  # a returnless refund
            if decision == "OFFER_PARTIAL_REFUND":
                record.partial_refund = self._partial_refund(record, partial_refund)
                record.seller_proposed_return_type = "PARTIAL_REFUND"
            elif partial_refund is not None:
                raise ApiError(codes.REVERSE_INVALID_PARAM, "partial_refund is only for OFFER_PARTIAL_REFUND.")
            self._set_return_status(record, to_status)

    def reject_return(self, return_id: str, shop_id: str, decision: str, rejection: Rejection) -> None:
        with self._state.lock:
            record = self.return_record(return_id, shop_id)
            if record.status in RETURN_APPROVED:
                raise ApiError(codes.REVERSE_ALREADY_APPROVED, "Aftersales has been approved and cannot be rejected.")
            rule = _decision(REJECTIONS, decision, record)
            _check_reason(rejection.reason, self._state.shop(shop_id).region, reject_reason_kind(record))
            record.reject_reason, record.reject_comment = rejection.reason, rejection.comment
            self._set_return_status(record, rule.to_status)

    def _partial_refund(self, record: ReturnRecord, offer: dict[str, Any] | None) -> dict[str, str]:
        if not isinstance(offer, dict) or offer.get("amount") is None:
            raise ApiError(codes.REVERSE_INVALID_PARAM, "OFFER_PARTIAL_REFUND needs partial_refund.amount.")
        if offer.get("currency", record.refund.currency) != record.refund.currency:
            raise ApiError(codes.REVERSE_INVALID_PARAM, f"partial_refund.currency must be {record.refund.currency}.")
        try:
            amount = cents(offer["amount"], "partial_refund.amount")
        except ApiError:
            raise ApiError(codes.REVERSE_INVALID_PARAM, "partial_refund.amount must be a decimal amount.") from None
        if not 0 < amount < record.refund.total:
            raise ApiError(
                codes.REVERSE_INVALID_PARAM,
                f"partial_refund.amount must be within (0, {text(record.refund.total)}) exclusive.",
            )
        return {"currency": record.refund.currency, "amount": text(amount)}

    def _set_return_status(self, record: ReturnRecord, status: str) -> None:
        self._move(record, status)
        self._emit_return(record)

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


def _decision(table: dict[str, Decision], decision: str, record: ReturnRecord) -> Decision:
    rule = table.get(decision)
    if rule is None:
        raise ApiError(codes.REVERSE_INVALID_PARAM, f"decision must be one of {sorted(table)}.")
    if record.status in RETURN_CANCELLED:
        raise ApiError(codes.REVERSE_ALREADY_CANCELLED, f"return {record.id} was cancelled.")
    if record.return_type not in rule.return_types:
        raise ApiError(codes.DECISION_NOT_MATCH_TYPE, f"{decision} does not apply to a {record.return_type} request.")
    if record.status != rule.from_status:
        raise ApiError(
            rule.wrong_status_code, f"return {record.id} is {record.status}; {decision} needs {rule.from_status}."
        )
    return rule


def _check_reason(reason: str, region: str, kind: str) -> None:
    if reason in dict(reject_reasons.reasons(region, kind)):
        return
    if reject_reasons.kind_of(reason) is None:
        raise ApiError(codes.REVERSE_UNKNOWN_REASON, f"Unknown reject_reason {reason!r}.")
    raise ApiError(codes.REVERSE_REASON_NOT_MATCH_ACTION, f"reject_reason {reason!r} does not fit this action.")
