"""What the order import reads from Get Order Detail / Search Orders (get-order-detail spec, reference §6.4)."""

from __future__ import annotations

import pytest

from tests.integration.tiktok.support import GB_WAREHOUSE, USPS_ID, Connected, live_skus, upload_main_image, wait_until
from tiktok_sandbox import TikTokSandbox
from tts_connector.tiktok.models.order import OrderSearchFilter
from tts_connector.tiktok.models.product import ProductInput

pytestmark = pytest.mark.integration


def test_line_items_and_order_carry_what_the_import_needs(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    order_id = sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 1)], shipping_fee="4.99")["id"]
    unpaid = tts.api.orders.details(tts.us, [order_id])[0]
    [line] = unpaid.line_items
    assert (line.sku_id, line.seller_sku, line.product_name) == (skus["TEE-RED-S"], "TEE-RED-S", "Sandbox graphic tee")
    assert line.product_id and line.sku_name == "Red, S" and line.sku_image
    assert (line.display_status, line.is_gift, line.currency) == ("UNPAID", False, "USD")
    assert (unpaid.shipping_type, unpaid.fulfillment_type) == ("SELLER", "FULFILLMENT_BY_SELLER")
    assert unpaid.delivery_option_id and unpaid.delivery_option_name
    assert unpaid.buyer_email and unpaid.buyer_email.endswith("@chat.seller.tiktok.com")
    assert unpaid.recipient_address is None
    sandbox.pay_order(order_id)
    paid = tts.api.orders.details(tts.us, [order_id])[0]
    assert paid.update_time > unpaid.update_time
    assert paid.recipient_address is not None and paid.recipient_address.phone_number
    assert "***" in paid.recipient_address.phone_number  # masked, as TikTok sends it
    # US local sellers: no line-level package before shipment; the order's packages[] has it.
    assert paid.line_items[0].package_id is None and len(paid.packages) == 1
    tts.api.fulfillment.mark_package_shipped(
        tts.us, order_id, order_line_item_ids=[line.id], tracking_number="9400111", shipping_provider_id=USPS_ID
    )
    shipped = tts.api.orders.details(tts.us, [order_id])[0]
    [shipped_line] = shipped.line_items
    assert (shipped_line.tracking_number, shipped_line.shipping_provider_id) == ("9400111", USPS_ID)
    assert shipped_line.shipping_provider_name == "USPS" and shipped_line.package_id and shipped_line.rts_time
    assert (shipped.tracking_number, shipped.shipping_provider) == ("9400111", "USPS")
    assert shipped.rts_time and shipped.collection_time
    assert shipped_line.display_status == "IN_TRANSIT"


def test_cross_border_shop_gets_package_ids_before_shipment(sandbox: TikTokSandbox, tts: Connected) -> None:
    body = {
        "title": "Sandbox tee for the UK shop",
        "description": "<p>Tee</p>",
        "category_id": "601226",
        "main_images": [{"uri": upload_main_image(tts, tts.gb)}],
        "package_weight": {"value": "0.2", "unit": "KILOGRAM"},
        "product_attributes": [{"id": "101001", "values": [{"id": "5001"}]}],
        "skus": [
            {
                "seller_sku": "UK-TEE",
                "price": {"amount": "15.00", "currency": "GBP"},
                "inventory": [{"warehouse_id": GB_WAREHOUSE, "quantity": 4}],
            }
        ],
    }
    created = tts.api.products.create(tts.gb, ProductInput.model_validate(body))
    assert wait_until(lambda: tts.api.products.get(tts.gb, created.product_id).status == "ACTIVATE")
    order_id = sandbox.place_order(tts.gb.shop_id, [(created.skus[0].id, 1)], shipping_type="TIKTOK")["id"]
    sandbox.pay_order(order_id)
    order = tts.api.orders.details(tts.gb, [order_id])[0]
    assert order.shipping_type == "TIKTOK" and order.payment.currency == "GBP"
    assert order.line_items[0].package_id == order.packages[0].id  # the GB seed shop is CROSS_BORDER
    assert order.recipient_address is not None and order.recipient_address.post_town == "London"


def test_pending_buyer_cancellations_are_searchable(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    asked, quiet = (sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 1)])["id"] for _ in range(2))
    for order_id in (asked, quiet):
        sandbox.pay_order(order_id)
    sandbox.request_cancellation(asked)
    found = tts.api.orders.search(tts.us, OrderSearchFilter(is_buyer_request_cancel=True))
    assert [o.id for o in found.orders] == [asked]
