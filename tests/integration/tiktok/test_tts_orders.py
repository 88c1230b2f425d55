"""Orders placed through the control API, read and fulfilled through the client; returns and cancellations."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import requests

from tests.integration.tiktok.support import US_WAREHOUSE, Connected, WebhookReceiver, live_skus
from tiktok_sandbox import TikTokSandbox
from tiktok_sandbox.codes import ApiError
from tts_connector.tiktok.errors import TikTokApiError
from tts_connector.tiktok.models.fulfillment import SelfShipment, ShipPackageRequest
from tts_connector.tiktok.models.order import OrderSearchFilter
from tts_connector.tiktok.models.product import InventoryEntry, SkuInventoryUpdate
from tts_connector.tiktok.models.returns import CancellationSearchFilter, ReturnSearchFilter
from tts_connector.tiktok.orders import ORDER_DETAIL_MAX_IDS

pytestmark = pytest.mark.integration

USPS = "7117858858072016686"


def _order_events(receiver: WebhookReceiver, order_id: str) -> list[str]:
    payloads = [json.loads(w.body) for w in receiver.received]
    return [p["data"]["order_status"] for p in payloads if p["type"] == 1 and p["data"]["order_id"] == order_id]


def test_order_lines_are_single_units_with_string_money(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    placed = sandbox.place_order(
        tts.us.shop_id, [(skus["TEE-RED-S"], 2), (skus["TEE-BLUE-M"], 1)], shipping_fee="4.99", tax="3.10"
    )
    unpaid = tts.api.orders.details(tts.us, [placed["id"]])[0]
    assert unpaid.status == "UNPAID"
    assert unpaid.recipient_address is None  # hidden while UNPAID
    assert len(unpaid.line_items) == 3
    assert sorted(i.sku_id for i in unpaid.line_items).count(skus["TEE-RED-S"]) == 2
    payment = unpaid.payment
    assert payment.sub_total == Decimal("61.48")
    assert payment.total_amount == Decimal("69.57")
    sandbox.pay_order(placed["id"])
    paid = tts.api.orders.details(tts.us, [placed["id"]])[0]
    assert paid.status == "AWAITING_SHIPMENT"
    assert paid.recipient_address is not None
    assert paid.recipient_address.postal_code == "95110"


def test_search_filters_and_pages(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    ids = [sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 1)])["id"] for _ in range(3)]
    sandbox.pay_order(ids[0])
    paid = tts.api.orders.search(tts.us, OrderSearchFilter(order_status="AWAITING_SHIPMENT"))
    assert [o.id for o in paid.orders] == [ids[0]]
    first = tts.api.orders.search(tts.us, page_size=2)
    assert first.total_count == 3
    assert first.next_page_token
    assert [o.id for o in tts.api.orders.iter_search(tts.us, page_size=2)] == [o.id for o in first.orders] + [
        o.id for o in tts.api.orders.search(tts.us, page_size=2, page_token=first.next_page_token).orders
    ]


@pytest.mark.parametrize("sandbox_overrides", [{"webhook_url": None}])
def test_order_detail_is_chunked_to_fifty_ids(sandbox: TikTokSandbox, tts: Connected, sandbox_overrides: Any) -> None:
    skus = live_skus(tts)
    product_id = tts.api.products.search(tts.us).products[0].id
    tts.api.products.update_inventory(
        tts.us,
        product_id,
        [SkuInventoryUpdate(id=skus["TEE-RED-S"], inventory=[InventoryEntry(warehouse_id=US_WAREHOUSE, quantity=100)])],
    )
    ids = [sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 1)])["id"] for _ in range(ORDER_DETAIL_MAX_IDS + 5)]
    orders = tts.api.orders.details(tts.us, ids)
    assert sorted(o.id for o in orders) == sorted(ids)
    # The sandbox enforces TikTok's limit, so the chunking above is what made this work.
    with pytest.raises(TikTokApiError):
        tts.client.call("GET", "/order/202309/orders", shop=tts.us, query={"ids": ids}, idempotent=True)


def test_seller_shipping_split_then_delivered(
    sandbox: TikTokSandbox, tts: Connected, webhook_receiver: WebhookReceiver
) -> None:
    skus = live_skus(tts)
    order_id = sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 2)])["id"]
    sandbox.pay_order(order_id)
    order = tts.api.orders.details(tts.us, [order_id])[0]
    providers = tts.api.logistics.shipping_providers(tts.us, str(order.delivery_option_id))
    assert USPS in {p.id for p in providers}
    first, second = (i.id for i in order.line_items)
    shipped = tts.api.fulfillment.mark_package_shipped(
        tts.us,
        order_id,
        order_line_item_ids=[first],
        tracking_number="9400100000000000000001",
        shipping_provider_id=USPS,
    )
    assert shipped.order_line_item_ids == [first]
    assert tts.api.orders.details(tts.us, [order_id])[0].status == "PARTIALLY_SHIPPING"
    with pytest.raises(TikTokApiError):
        tts.api.fulfillment.mark_package_shipped(
            tts.us, order_id, order_line_item_ids=[first], tracking_number="X", shipping_provider_id=USPS
        )
    with pytest.raises(TikTokApiError):
        tts.api.fulfillment.mark_package_shipped(
            tts.us, order_id, order_line_item_ids=[second], tracking_number="X", shipping_provider_id="123"
        )
    tts.api.fulfillment.mark_package_shipped(
        tts.us,
        order_id,
        order_line_item_ids=[second],
        tracking_number="9400100000000000000002",
        shipping_provider_id=USPS,
    )
    in_transit = tts.api.orders.details(tts.us, [order_id])[0]
    assert in_transit.status == "IN_TRANSIT"
    assert len(in_transit.packages) == 2
    detail = tts.api.fulfillment.package_detail(tts.us, shipped.package_id)
    assert (detail.package_status, detail.tracking_number, detail.shipping_type) == (
        "FULFILLING",
        "9400100000000000000001",
        "SELLER",
    )
    sandbox.deliver_order(order_id)
    sandbox.complete_order(order_id)
    assert tts.api.fulfillment.package_detail(tts.us, shipped.package_id).package_status == "COMPLETED"
    expected = ["UNPAID", "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING", "IN_TRANSIT", "DELIVERED", "COMPLETED"]
    assert webhook_receiver.wait_for(lambda r: len(_order_events(webhook_receiver, order_id)) == len(expected))
    assert _order_events(webhook_receiver, order_id) == expected


def test_tiktok_shipping_ship_package(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    order_id = sandbox.place_order(tts.us.shop_id, [(skus["TEE-BLUE-M"], 1)], shipping_type="TIKTOK")["id"]
    sandbox.pay_order(order_id)
    order = tts.api.orders.details(tts.us, [order_id])[0]
    package_id = order.packages[0].id
    # US local sellers get line-level package_id only once the package shipped (get-order-detail spec).
    assert order.line_items[0].package_id is None
    with pytest.raises(TikTokApiError):
        tts.api.fulfillment.mark_package_shipped(
            tts.us,
            order_id,
            order_line_item_ids=[order.line_items[0].id],
            tracking_number="X",
            shipping_provider_id=USPS,
        )
    with pytest.raises(TikTokApiError):
        tts.api.fulfillment.ship_package(
            tts.us,
            package_id,
            ShipPackageRequest(self_shipment=SelfShipment(tracking_number="X", shipping_provider_id=USPS)),
        )
    tts.api.fulfillment.ship_package(tts.us, package_id, ShipPackageRequest(handover_method="DROP_OFF"))
    arranged = tts.api.orders.details(tts.us, [order_id])[0]
    assert arranged.status == "AWAITING_COLLECTION"
    assert arranged.line_items[0].package_id == package_id
    detail = tts.api.fulfillment.package_detail(tts.us, package_id)
    assert detail.handover_method == "DROP_OFF"
    assert detail.tracking_number
    sandbox.carrier_collect(order_id)
    assert tts.api.orders.details(tts.us, [order_id])[0].status == "IN_TRANSIT"


def test_cancellation_is_searchable_and_announced(
    sandbox: TikTokSandbox, tts: Connected, webhook_receiver: WebhookReceiver
) -> None:
    skus = live_skus(tts)
    order_id = sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 1)])["id"]
    sandbox.pay_order(order_id)
    cancel_id = sandbox.cancel_order(order_id, initiator="BUYER", reason="Changed my mind")
    order = tts.api.orders.details(tts.us, [order_id])[0]
    assert order.status == "CANCELLED"
    assert order.cancellation_initiator == "BUYER"
    page = tts.api.returns.search_cancellations(tts.us, CancellationSearchFilter(order_ids=[order_id]))
    assert [c.cancel_id for c in page.cancellations] == [cancel_id]
    assert page.cancellations[0].refund_amount is not None
    assert page.cancellations[0].refund_amount.refund_total == Decimal("19.99")
    assert webhook_receiver.wait_for(lambda r: "CANCEL" in _order_events(webhook_receiver, order_id))
    types = {json.loads(w.body)["type"] for w in webhook_receiver.received}
    assert 11 in types
    sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 1)])
    with pytest.raises(ApiError, match="cannot be cancelled"):
        sandbox.cancel_order(order_id)


def test_full_and_partial_returns(sandbox: TikTokSandbox, tts: Connected, webhook_receiver: WebhookReceiver) -> None:
    skus = live_skus(tts)
    order_id = sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 1), (skus["TEE-BLUE-M"], 1)])["id"]
    sandbox.pay_order(order_id)
    order = tts.api.orders.details(tts.us, [order_id])[0]
    for item in order.line_items:
        tts.api.fulfillment.mark_package_shipped(
            tts.us,
            order_id,
            order_line_item_ids=[item.id],
            tracking_number=f"T{item.id[-4:]}",
            shipping_provider_id=USPS,
        )
    sandbox.deliver_order(order_id)
    red = next(i for i in order.line_items if i.sku_id == skus["TEE-RED-S"])
    blue = next(i for i in order.line_items if i.sku_id == skus["TEE-BLUE-M"])
    full_id = sandbox.open_return(order_id, line_item_ids=[red.id])
    with pytest.raises(ApiError, match="refund amount"):
        sandbox.open_return(order_id, line_item_ids=[blue.id], refund_amount="500.00")
    partial_id = sandbox.open_return(order_id, line_item_ids=[blue.id], return_type="REFUND", refund_amount="5.00")
    sandbox.complete_return(full_id)
    page = tts.api.returns.search_returns(tts.us, ReturnSearchFilter(order_ids=[order_id]))
    by_id = {r.return_id: r for r in page.return_orders}
    assert by_id[full_id].return_status == "RETURN_OR_REFUND_REQUEST_COMPLETE"
    full_refund, partial_refund = by_id[full_id].refund_amount, by_id[partial_id].refund_amount
    assert full_refund is not None
    assert full_refund.refund_total == Decimal("19.99")
    assert partial_refund is not None
    assert partial_refund.refund_total == Decimal("5.00")
    assert by_id[partial_id].return_line_items[0].order_line_item_id == blue.id
    pending = tts.api.returns.search_returns(
        tts.us, ReturnSearchFilter(return_status=["RETURN_OR_REFUND_REQUEST_PENDING"])
    )
    assert [r.return_id for r in pending.return_orders] == [partial_id]
    assert webhook_receiver.wait_for(lambda r: sum(json.loads(w.body)["type"] == 12 for w in r) == 3)
    with pytest.raises(ApiError, match="being returned"):
        sandbox.open_return(order_id, line_item_ids=[blue.id])


def test_control_api_over_http(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    base = f"{sandbox.base_url}/_sandbox"
    placed = requests.post(
        f"{base}/orders",
        json={"shop_id": tts.us.shop_id, "items": [{"sku_id": skus["TEE-RED-S"], "quantity": 1}]},
        timeout=5,
    )
    assert placed.status_code == 200
    order_id = placed.json()["id"]
    assert requests.post(f"{base}/orders/{order_id}/pay", json={}, timeout=5).json()["status"] == "AWAITING_SHIPMENT"
    cancelled = requests.post(f"{base}/orders/{order_id}/cancel", json={"initiator": "SELLER"}, timeout=5)
    assert cancelled.json()["cancel_id"]
    assert requests.get(f"{base}/orders/{order_id}", timeout=5).json()["status"] == "CANCELLED"
    refused = requests.post(f"{base}/orders/{order_id}/pay", json={}, timeout=5)
    assert refused.status_code == 400
    assert requests.get(f"{base}/nothing", timeout=5).status_code == 404


def test_seller_shipping_ship_package_with_self_shipment(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    order_id = sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 1), (skus["TEE-BLUE-M"], 1)])["id"]
    sandbox.pay_order(order_id)
    order = tts.api.orders.details(tts.us, [order_id])[0]
    [package] = order.packages
    with pytest.raises(TikTokApiError):
        tts.api.fulfillment.ship_package(tts.us, package.id, ShipPackageRequest(handover_method="PICKUP"))
    shipment = SelfShipment(tracking_number="1Z999AA10123456784", shipping_provider_id="7117859084333745966")
    tts.api.fulfillment.ship_package(tts.us, package.id, ShipPackageRequest(self_shipment=shipment))
    shipped = tts.api.orders.details(tts.us, [order_id])[0]
    assert shipped.status == "IN_TRANSIT"
    assert {i.shipping_provider_name for i in shipped.line_items} == {"UPS"}
    detail = tts.api.fulfillment.package_detail(tts.us, package.id)
    assert (detail.package_status, detail.tracking_number) == ("FULFILLING", "1Z999AA10123456784")
    with pytest.raises(TikTokApiError):
        tts.api.fulfillment.ship_package(tts.us, package.id, ShipPackageRequest(self_shipment=shipment))


@pytest.mark.parametrize("shipping_type", ["SELLER", "TIKTOK"])
def test_control_ship_order_then_deliver(sandbox: TikTokSandbox, tts: Connected, shipping_type: str) -> None:
    skus = live_skus(tts)
    order_id = sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 2)], shipping_type=shipping_type)["id"]
    sandbox.pay_order(order_id)
    assert requests.post(f"{sandbox.base_url}/_sandbox/orders/{order_id}/ship", json={}, timeout=5).ok
    order = tts.api.orders.details(tts.us, [order_id])[0]
    assert order.status == "IN_TRANSIT"
    assert all(i.tracking_number for i in order.line_items)
    assert sandbox.deliver_order(order_id)["status"] == "DELIVERED"
