"""Asking for an order to be converged: the connector's own event, queued in the order's FIFO group.

A Magento shipment, a reconciliation finding, a package update listing several orders and `ttsc orders
retry` all become an `orders:converge` event with the group TikTok's own order events use
(`<shop>:order:<id>`), so everything that changes one order runs one at a time, in order, through the same
pipeline (recorded once per event key, retried, parked in the DLQ, replayable).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from tts_connector.events.models import InboundEvent, bounded_group_id

SOURCE = "orders"
TOPIC = "converge"
EVENT_TYPE = f"{SOURCE}:{TOPIC}"


class Reason(StrEnum):
    SHIPMENT = "shipment"  # a Magento shipment of a seller-shipping order (event or scan)
    SYNC = "sync"  # reconciliation found the order changed in TikTok
    PACKAGE = "package"  # webhook 4 named the order
    RETRY = "retry"  # the merchant asked (`ttsc orders retry`)


class ConvergeRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    shop_id: str = Field(min_length=1, max_length=64)
    order_id: str = Field(min_length=1, max_length=64)
    reason: Reason
    # TikTok's update_time the requester saw (sync): nothing to do if the record is at least that recent.
    update_time: int | None = None
    magento_shipment_id: int | None = None
    requested_at: int = 0


class OrderScopedRequest(Protocol):
    """A request the connector queues for itself about one TikTok order (a converge, a refund's settle)."""

    @property
    def shop_id(self) -> str: ...

    @property
    def order_id(self) -> str: ...

    @property
    def requested_at(self) -> int: ...

    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


def order_request_event(source: str, topic: str, request: OrderScopedRequest, key: str) -> InboundEvent:
    """The request as an event in the order's own group (`<shop>:order:<id>`, the one TikTok's order events use),
    so it runs one at a time and in order with everything else about that order; `key` (under `source`) makes
    the same request from two paths run once."""
    return InboundEvent(
        event_key=f"{source}:{key}",
        source=source,
        topic=topic,
        shop_id=request.shop_id,
        occurred_at=request.requested_at,
        message_group_id=bounded_group_id(request.shop_id, "order", request.order_id),
        payload=request.model_dump(mode="json"),
    )


def converge_event(request: ConvergeRequest, key: str) -> InboundEvent:
    """`key` identifies the request, so the same finding from two paths (an event and a scan) runs once."""
    return order_request_event(SOURCE, TOPIC, request, key)


def shipment_request(shop_id: str, order_id: str, shipment_id: int | None, now: int, key: str) -> InboundEvent:
    """`key`: the Magento event's key, or the shipment and its tracking numbers (the scan)."""
    request = ConvergeRequest(
        shop_id=shop_id, order_id=order_id, reason=Reason.SHIPMENT, magento_shipment_id=shipment_id, requested_at=now
    )
    return converge_event(request, f"shipment:{key}")


def sync_request(shop_id: str, order_id: str, update_time: int, now: int) -> InboundEvent:
    request = ConvergeRequest(
        shop_id=shop_id, order_id=order_id, reason=Reason.SYNC, update_time=update_time, requested_at=now
    )
    return converge_event(request, f"sync:{shop_id}:{order_id}:{update_time}")


def package_request(shop_id: str, order_id: str, notification_key: str, now: int) -> InboundEvent:
    request = ConvergeRequest(shop_id=shop_id, order_id=order_id, reason=Reason.PACKAGE, requested_at=now)
    return converge_event(request, f"package:{notification_key}:{order_id}")


def retry_request(shop_id: str, order_id: str, now_ms: int) -> InboundEvent:
    request = ConvergeRequest(shop_id=shop_id, order_id=order_id, reason=Reason.RETRY, requested_at=now_ms // 1000)
    return converge_event(request, f"retry:{shop_id}:{order_id}:{now_ms}")
