"""What each subscribed event does: TikTok order topics, the connector's own converge requests, Magento shipments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent
from tts_connector.magento.change_events import change_of
from tts_connector.order_import.converge import Hint, OrderServices, converge_order, notification_hint
from tts_connector.order_import.requests import ConvergeRequest, Reason, package_request, shipment_request
from tts_connector.order_import.store import OrderStore
from tts_connector.tiktok.webhook import ORDER_STATUS_CHANGE, notification_of

Enqueue = Callable[[InboundEvent], Any]


def handle_order_notification(event: InboundEvent, services: OrderServices) -> EventOutcome:
    """Webhook 1 (status) or 3 (address): a hint to converge the order it names."""
    notification = notification_of(event)
    order_id = str(notification.data.get("order_id") or "")
    if not order_id:
        return EventOutcome(status=EventStatus.IGNORED, detail="The notification names no order")
    # Webhook 3 carries no status: the address changed, so the order is read whatever the record says.
    hint = notification_hint(notification.data) if notification.type == ORDER_STATUS_CHANGE else None
    return converge_order(services, notification.shop_id, order_id, hint=hint)


def handle_package_update(event: InboundEvent, enqueue: Enqueue, now: int) -> EventOutcome:
    """Webhook 4 lists packages and their orders (split, combine): each order converges in its own group."""
    notification = notification_of(event)
    order_ids: list[str] = []
    for package in notification.data.get("package_list") or []:
        if isinstance(package, dict):
            order_ids += [str(i) for i in package.get("order_id_list") or [] if str(i)]
    if notification.data.get("order_id"):
        order_ids.append(str(notification.data["order_id"]))
    unique = list(dict.fromkeys(order_ids))
    for order_id in unique:
        enqueue(package_request(notification.shop_id, order_id, event.event_key, now))
    if not unique:
        return EventOutcome(status=EventStatus.IGNORED, detail="The package update names no order")
    return EventOutcome(status=EventStatus.PROCESSED, detail=f"Queued {len(unique)} order(s): {', '.join(unique)}")


def handle_converge_request(event: InboundEvent, services: OrderServices) -> EventOutcome:
    request = ConvergeRequest.model_validate(event.payload)
    hint = Hint(update_time=request.update_time) if request.reason is Reason.SYNC else None
    return converge_order(services, request.shop_id, request.order_id, hint=hint, force=request.reason is Reason.RETRY)


def handle_magento_shipment(event: InboundEvent, store: OrderStore, enqueue: Enqueue, now: int) -> EventOutcome:
    """A Magento shipment was saved: if it belongs to a TikTok seller-shipping order, that order converges."""
    change = change_of(event)
    if change.order_id is None:
        return EventOutcome(status=EventStatus.IGNORED, detail="The shipment event names no order")
    record = store.by_magento_order(change.order_id)
    if record is None:
        return EventOutcome(status=EventStatus.IGNORED, detail=f"Magento order {change.order_id} is not a TikTok order")
    if (record.shipping_type or "").upper() == "TIKTOK":
        return EventOutcome(
            status=EventStatus.IGNORED,
            detail=f"Magento order {change.order_id} is TikTok order {record.tiktok_order_id}, shipped by TikTok",
        )
    # Keyed by this event: a track added to the shipment later arrives as another event and runs again.
    enqueue(
        shipment_request(record.shop_id, record.tiktok_order_id, change.shipment_id, now, f"event:{event.event_key}")
    )
    return EventOutcome(
        status=EventStatus.PROCESSED,
        detail=f"Queued TikTok order {record.tiktok_order_id} for Magento shipment {change.shipment_id}",
    )
