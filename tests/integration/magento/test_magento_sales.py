"""Order state machine, invoices, shipments with tracks, credit memos, comments and ext_order_id."""

from __future__ import annotations

import re

import pytest

from magento_sandbox import MagentoSandbox
from tts_connector.errors import ConflictError, InvalidInputError, NotFoundError
from tts_connector.magento import Address, ItemQty, MagentoClient, Refund, SearchCriteria, Track

pytestmark = pytest.mark.integration


@pytest.fixture
def order_id(magento: MagentoClient, buyer: Address) -> int:
    return magento.checkout.place_guest_order(
        [("MS-TEE-M-BLA", 2), ("WB/01 750ml", 1)],
        shipping=buyer,
        billing=buyer,
        carrier_code="flatrate",
        method_code="flatrate",
        payment_method="checkmo",
    )


def _state(magento: MagentoClient, order_id: int) -> tuple[str, str]:
    order = magento.sales.get_order(order_id)
    return order["state"], order["status"]


def test_invoice_then_partial_and_full_shipment_completes_the_order(
    magento: MagentoClient, sandbox: MagentoSandbox, order_id: int
) -> None:
    items = {i["sku"]: i["item_id"] for i in magento.sales.get_order(order_id)["items"]}

    magento.sales.invoice(order_id)
    assert _state(magento, order_id) == ("processing", "processing")

    first = magento.sales.ship(
        order_id, [ItemQty(items["MS-TEE-M-BLA"], 2)], tracks=[Track("1Z999AA10123456784", "UPS", "ups")]
    )
    assert _state(magento, order_id) == ("processing", "processing")
    assert sandbox.source_quantity("MS-TEE-M-BLA") == 8.0
    assert magento.inventory.salable_quantity("MS-TEE-M-BLA") == 13.0  # deduction replaced the reservation

    magento.sales.ship(order_id, source_code="warehouse_east")
    assert _state(magento, order_id) == ("complete", "complete")
    assert sandbox.source_quantity("WB/01 750ml", "warehouse_east") == 9.0

    shipment = magento.sales.get_shipment(first)
    assert shipment["tracks"][0]["track_number"] == "1Z999AA10123456784"
    assert shipment["tracks"][0]["carrier_code"] == "ups"
    shipments = magento.sales.search_shipments(SearchCriteria().where("order_id", order_id))
    assert shipments.total_count == 2
    invoices = magento.sales.search_invoices(SearchCriteria().where("order_id", order_id))
    assert invoices.items[0]["grand_total"] == 77.5


def test_full_refund_closes_and_returns_stock(magento: MagentoClient, sandbox: MagentoSandbox, order_id: int) -> None:
    items = {i["sku"]: i["item_id"] for i in magento.sales.get_order(order_id)["items"]}
    magento.sales.invoice(order_id)
    magento.sales.ship(order_id)
    assert sandbox.source_quantity("MS-TEE-M-BLA") == 8.0

    memo_id = magento.sales.refund(
        order_id,
        Refund(
            items=(ItemQty(items["MS-TEE-M-BLA"], 2), ItemQty(items["WB/01 750ml"], 1)),
            shipping_amount=15.0,
            adjustment_positive=2.0,
            adjustment_negative=2.0,
            return_to_stock_items=(items["MS-TEE-M-BLA"],),
            comment="TikTok return",
        ),
    )

    assert _state(magento, order_id) == ("closed", "closed")
    assert sandbox.source_quantity("MS-TEE-M-BLA") == 10.0
    assert sandbox.source_quantity("WB/01 750ml") == 39.0  # not returned to stock
    memo = magento.sales.get_credit_memo(memo_id)
    assert memo["grand_total"] == 77.5
    assert memo["comments"][0]["comment"] == "TikTok return"
    found = magento.sales.search_credit_memos(SearchCriteria().where("order_id", order_id))
    assert [m["entity_id"] for m in found.items] == [memo_id]


def test_partial_refund_keeps_the_order_open_and_over_refund_is_refused(magento: MagentoClient, order_id: int) -> None:
    items = {i["sku"]: i["item_id"] for i in magento.sales.get_order(order_id)["items"]}
    magento.sales.invoice(order_id)

    magento.sales.refund(order_id, Refund(items=(ItemQty(items["WB/01 750ml"], 1),), shipping_amount=0))
    assert _state(magento, order_id) == ("processing", "processing")

    with pytest.raises(InvalidInputError, match="must not be greater than the unrefunded quantity"):
        magento.sales.refund(order_id, Refund(items=(ItemQty(items["WB/01 750ml"], 1),)))
    with pytest.raises(InvalidInputError, match=re.escape("The most money available to refund is 65.00.")):
        magento.sales.refund(order_id, Refund(adjustment_positive=100.0))


def test_cancel_releases_the_reservation_only_before_invoicing(
    magento: MagentoClient, buyer: Address, order_id: int
) -> None:
    magento.sales.cancel(order_id)
    assert _state(magento, order_id) == ("canceled", "canceled")
    assert magento.inventory.salable_quantity("MS-TEE-M-BLA") == 15.0

    second = magento.checkout.place_guest_order(
        [("BAG-TOTE", 1)],
        shipping=buyer,
        billing=buyer,
        carrier_code="flatrate",
        method_code="flatrate",
        payment_method="checkmo",
    )
    magento.sales.invoice(second)
    with pytest.raises(ConflictError):
        magento.sales.cancel(second)
    assert _state(magento, second) == ("processing", "processing")


def test_documents_refused_in_the_wrong_state(magento: MagentoClient, order_id: int) -> None:
    magento.sales.invoice(order_id)
    with pytest.raises(InvalidInputError, match="The order does not allow an invoice to be created"):
        magento.sales.invoice(order_id)
    magento.sales.ship(order_id)
    with pytest.raises(InvalidInputError, match="The order does not allow a shipment to be created"):
        magento.sales.ship(order_id)

    with pytest.raises(NotFoundError, match="entity that was requested doesn't exist"):
        magento.sales.get_order(999)


def test_refund_is_refused_before_invoicing(magento: MagentoClient, order_id: int) -> None:
    with pytest.raises(InvalidInputError, match="The order does not allow a creditmemo to be created"):
        magento.sales.refund(order_id, Refund())


def test_ext_order_id_comments_and_search(magento: MagentoClient, order_id: int) -> None:
    order = magento.sales.get_order(order_id)

    magento.sales.set_ext_order_id(order, "577000112233445566")
    assert magento.sales.add_comment(order_id, "TikTok order 577000112233445566", status=order["status"])

    found = magento.sales.find_order_by_ext_order_id("577000112233445566")
    assert found is not None
    assert found["increment_id"] == order["increment_id"]
    assert magento.sales.find_order_by_ext_order_id("other") is None
    comments = magento.sales.comments(order_id)
    assert comments.items[0]["comment"] == "TikTok order 577000112233445566"
    recent = magento.sales.search_orders(SearchCriteria().where("status", "pending").sort_by("created_at", "DESC"))
    assert [o["entity_id"] for o in recent.items] == [order_id]
