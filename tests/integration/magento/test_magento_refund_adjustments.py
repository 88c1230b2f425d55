"""Credit memos with adjustment fees, as Magento's Order::canCreditmemo and RefundOperation treat them: the order
sums its credit memos' adjustments, and once only the adjustment fees kept back are left, it is Closed."""

from __future__ import annotations

import pytest

from tts_connector.magento import Address, ItemQty, MagentoClient, Refund

pytestmark = pytest.mark.integration


@pytest.fixture
def order_id(magento: MagentoClient, buyer: Address) -> int:
    placed = magento.checkout.place_guest_order(
        [("MS-TEE-M-BLA", 2), ("WB/01 750ml", 1)],
        shipping=buyer,
        billing=buyer,
        carrier_code="flatrate",
        method_code="flatrate",
        payment_method="checkmo",
    )
    magento.sales.invoice(placed)
    return placed


def _items(magento: MagentoClient, order_id: int) -> dict[str, int]:
    return {i["sku"]: int(i["item_id"]) for i in magento.sales.get_order(order_id)["items"]}


def test_everything_refunded_less_an_adjustment_fee_closes_the_order(magento: MagentoClient, order_id: int) -> None:
    items = _items(magento, order_id)
    memo_id = magento.sales.refund(
        order_id,
        Refund(
            items=(ItemQty(items["MS-TEE-M-BLA"], 2), ItemQty(items["WB/01 750ml"], 1)),
            shipping_amount=15.0,
            adjustment_negative=7.5,
        ),
    )
    order = magento.sales.get_order(order_id)
    assert magento.sales.get_credit_memo(memo_id)["grand_total"] == 70.0
    assert (order["total_refunded"], order["adjustment_negative"]) == (70.0, 7.5)
    assert order["state"] == "closed"


def test_a_partial_refund_with_a_fee_keeps_the_order_open_until_the_rest(magento: MagentoClient, order_id: int) -> None:
    items = _items(magento, order_id)
    magento.sales.refund(
        order_id, Refund(items=(ItemQty(items["WB/01 750ml"], 1),), shipping_amount=0, adjustment_negative=2.0)
    )
    assert magento.sales.get_order(order_id)["state"] == "processing"

    magento.sales.refund(
        order_id,
        Refund(items=(ItemQty(items["MS-TEE-M-BLA"], 2),), shipping_amount=15.0, adjustment_negative=3.0),
    )
    order = magento.sales.get_order(order_id)
    assert (order["adjustment_negative"], order["state"]) == (5.0, "closed")


def test_an_adjustment_only_credit_memo_refunds_no_item(magento: MagentoClient, order_id: int) -> None:
    items = _items(magento, order_id)
    memo_id = magento.sales.refund(
        order_id, Refund(items=(ItemQty(items["WB/01 750ml"], 0),), shipping_amount=0, adjustment_positive=4.0)
    )
    memo = magento.sales.get_credit_memo(memo_id)
    assert (memo["grand_total"], memo["items"]) == (4.0, [])
    assert all(i["qty_refunded"] == 0 for i in magento.sales.get_order(order_id)["items"])
