"""What each subscribed event does: webhooks 11 and 12 (one cancellation / return), 2 (legacy: the order's
returns and cancellations), and the connector's own settle requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent
from tts_connector.refunds.records import RefundKind
from tts_connector.refunds.requests import Reason, SettleRequest, settle_request
from tts_connector.refunds.settle import RefundServices, settle_refund
from tts_connector.refunds.tiktok_view import Ticket, from_cancellation, from_return
from tts_connector.tiktok.models.returns import CancellationSearchFilter, ReturnSearchFilter
from tts_connector.tiktok.webhook import CANCELLATION_STATUS_CHANGE, notification_of

Enqueue = Callable[[InboundEvent], Any]


def handle_refund_notification(event: InboundEvent, services: RefundServices) -> EventOutcome:
    """Webhook 12 names a return (`return_id`), 11 a cancellation (`cancel_id`), reference §3.4."""
    notification = notification_of(event)
    kind, field = (
        (RefundKind.CANCELLATION, "cancel_id")
        if notification.type == CANCELLATION_STATUS_CHANGE
        else (RefundKind.RETURN, "return_id")
    )
    refund_id = str(notification.data.get(field) or "")
    if not refund_id:
        return EventOutcome(status=EventStatus.IGNORED, detail=f"The notification names no {field}")
    return settle_refund(services, notification.shop_id, kind, refund_id)


def order_tickets(services: RefundServices, shop_id: str, order_id: str) -> list[Ticket] | str:
    shop = services.shop(shop_id)
    if isinstance(shop, str):
        return shop
    api = services.tiktok.returns
    returns = api.search_returns(shop, ReturnSearchFilter(order_ids=[order_id])).return_orders
    cancellations = api.search_cancellations(shop, CancellationSearchFilter(order_ids=[order_id])).cancellations
    return [*(from_return(r) for r in returns), *(from_cancellation(c) for c in cancellations)]


def handle_legacy_reverse(event: InboundEvent, services: RefundServices, enqueue: Enqueue, now: int) -> EventOutcome:
    """Webhook 2 (legacy reverse status, reference §3.4: "use 11/12 instead") names the order: each of its returns
    and cancellations is settled in the order's group."""
    notification = notification_of(event)
    order_id = str(notification.data.get("order_id") or "")
    if not order_id:
        return EventOutcome(status=EventStatus.IGNORED, detail="The notification names no order")
    tickets = order_tickets(services, notification.shop_id, order_id)
    if isinstance(tickets, str):
        return EventOutcome(status=EventStatus.IGNORED, detail=tickets)
    for t in tickets:
        enqueue(
            settle_request(
                notification.shop_id,
                order_id,
                t.kind,
                t.refund_id,
                Reason.LEGACY,
                now=now,
                key=f"{t.status}:{t.update_time}",
                update_time=None,
            )
        )
    return EventOutcome(status=EventStatus.PROCESSED, detail=f"Queued {len(tickets)} return(s)/cancellation(s)")


def handle_settle_request(event: InboundEvent, services: RefundServices) -> EventOutcome:
    request = SettleRequest.model_validate(event.payload)
    update_time = request.update_time if request.reason is Reason.SYNC else None
    return settle_refund(services, request.shop_id, request.kind, request.refund_id, update_time=update_time)
