"""Routing of the events order import subscribes to: what is queued for which order, what is ignored."""

from __future__ import annotations

from tests.unit.order_import.fakes import InMemoryOrderStore
from tts_connector.events.models import EventStatus, InboundEvent
from tts_connector.magento.change_events import MagentoChange, MagentoChangeKind
from tts_connector.order_import.handlers import handle_magento_shipment, handle_package_update
from tts_connector.order_import.records import OrderRecord
from tts_connector.order_import.requests import ConvergeRequest, Reason
from tts_connector.tiktok.webhook import TikTokNotification

SHOP = "7494049642642441621"


def _shipment_event(order_id: int | None, shipment_id: int = 7) -> InboundEvent:
    change = MagentoChange(
        kind=MagentoChangeKind.SHIPMENT_SAVED,
        order_id=order_id,
        shipment_id=shipment_id,
        occurred_at=1,
        delivery="signed",
    )
    return InboundEvent(
        event_key="mage:shipment-7",
        source="mage",
        topic="shipment_saved",
        message_group_id="mage:order:12",
        payload=change.model_dump(mode="json"),
    )


def test_webhook_4_queues_each_order_it_names_in_that_orders_group() -> None:
    notification = TikTokNotification(
        type=4,
        shop_id=SHOP,
        timestamp=1,
        tts_notification_id="n4",
        data={
            "sc_type": "SPLIT",
            "package_list": [
                {"package_id": "p1", "order_id_list": ["o1", "o2"]},
                {"package_id": "p2", "order_id_list": ["o2"]},
            ],
        },
    )
    queued: list[InboundEvent] = []

    outcome = handle_package_update(notification.to_event(), queued.append, now=5)

    assert outcome.status is EventStatus.PROCESSED
    assert [e.message_group_id for e in queued] == [f"{SHOP}:order:o1", f"{SHOP}:order:o2"]
    assert [ConvergeRequest.model_validate(e.payload).reason for e in queued] == [Reason.PACKAGE] * 2
    assert len({e.event_key for e in queued}) == 2


def test_a_shipment_of_a_seller_order_is_queued_for_it_and_others_are_ignored() -> None:
    store = InMemoryOrderStore()
    store.save(OrderRecord(shop_id=SHOP, tiktok_order_id="seller", shipping_type="SELLER", magento_order_id=12))
    store.save(OrderRecord(shop_id=SHOP, tiktok_order_id="platform", shipping_type="TIKTOK", magento_order_id=13))
    queued: list[InboundEvent] = []

    seller = handle_magento_shipment(_shipment_event(12), store, queued.append, now=5)
    platform = handle_magento_shipment(_shipment_event(13), store, queued.append, now=5)
    stranger = handle_magento_shipment(_shipment_event(14), store, queued.append, now=5)

    assert seller.status is EventStatus.PROCESSED
    [event] = queued
    assert event.message_group_id == f"{SHOP}:order:seller"
    assert ConvergeRequest.model_validate(event.payload).magento_shipment_id == 7
    assert (platform.status, stranger.status) == (EventStatus.IGNORED, EventStatus.IGNORED)
    assert "shipped by TikTok" in platform.detail and "not a TikTok order" in stranger.detail
