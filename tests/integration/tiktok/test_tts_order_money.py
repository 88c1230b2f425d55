"""Fidelity rule 1: order money per line, and refunds computed from the refunded lines.

Source: get-order-detail spec (reference §6.4): `sub_total = original_total_product_price - seller_discount -
platform_discount`, `shipping_fee = original_shipping_fee - shipping_fee_seller_discount -
shipping_fee_platform_discount`, `total_amount = sub_total + shipping_fee + taxes`; search-returns and
search-cancellations specs (reference §7) for `refund_amount`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests

from tests.integration.tiktok.support import Connected, live_skus
from tiktok_sandbox import TikTokSandbox
from tiktok_sandbox.codes import ApiError
from tts_connector.tiktok.models.order import Order
from tts_connector.tiktok.models.returns import CancellationSearchFilter, RefundAmount, ReturnSearchFilter

pytestmark = pytest.mark.integration
CENT = Decimal("0.01")
CHARGES = {
    "shipping_fee": "5.99",
    "shipping_fee_seller_discount": "1.00",
    "shipping_fee_platform_discount": "2.00",
    "seller_discount": "10.00",
    "platform_discount": "5.01",
    "tax": "4.44",
    "shipping_fee_tax": "0.33",
}


def _zero(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def assert_money_consistent(order: Order) -> None:
    """Every documented identity, per line and per order, in whole cents."""
    p = order.payment
    lines = order.line_items
    for line in lines:
        assert line.sale_price == _zero(line.original_price) - _zero(line.seller_discount) - _zero(
            line.platform_discount
        )
        for amount in (line.original_price, line.sale_price, line.seller_discount, line.platform_discount):
            assert amount is not None and amount == amount.quantize(CENT) and amount >= 0
        assert line.currency == p.currency
    assert p.original_total_product_price == sum(_zero(i.original_price) for i in lines)
    assert p.seller_discount == sum(_zero(i.seller_discount) for i in lines)
    assert p.platform_discount == sum(_zero(i.platform_discount) for i in lines)
    assert p.sub_total == sum(_zero(i.sale_price) for i in lines)
    assert p.sub_total == _zero(p.original_total_product_price) - _zero(p.seller_discount) - _zero(p.platform_discount)
    assert p.shipping_fee == (
        _zero(p.original_shipping_fee) - _zero(p.shipping_fee_seller_discount) - _zero(p.shipping_fee_platform_discount)
    )
    assert p.tax == _zero(p.product_tax) + _zero(p.shipping_fee_tax)
    assert p.total_amount == _zero(p.sub_total) + _zero(p.shipping_fee) + _zero(p.tax)
    assert _zero(p.product_tax) == sum(_zero(t.tax_amount) for i in lines for t in i.item_tax)


def assert_refund_consistent(refund: RefundAmount | None, lines: list[RefundAmount | None]) -> None:
    assert refund is not None
    assert refund.refund_total == _zero(refund.refund_subtotal) + _zero(refund.refund_shipping_fee) + _zero(
        refund.refund_tax
    )
    for name in ("refund_total", "refund_subtotal", "refund_shipping_fee", "refund_tax"):
        assert getattr(refund, name) == sum(_zero(getattr(line, name)) for line in lines if line is not None), name
    assert all(line is not None for line in lines)


def _place(sandbox: TikTokSandbox, tts: Connected, items: list[tuple[str, int]], **charges: str) -> Order:
    order_id = sandbox.place_order(tts.us.shop_id, items, **charges)["id"]
    return tts.api.orders.details(tts.us, [order_id])[0]


def test_discounts_and_tax_are_spread_over_the_lines_in_cents(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    order = _place(sandbox, tts, [(skus["TEE-RED-S"], 3), (skus["TEE-BLUE-M"], 1)], **CHARGES)
    assert_money_consistent(order)
    p = order.payment
    assert (p.original_total_product_price, p.seller_discount, p.platform_discount) == (
        Decimal("81.47"),
        Decimal("10.00"),
        Decimal("5.01"),
    )
    assert (p.sub_total, p.shipping_fee, p.tax, p.total_amount) == (
        Decimal("66.46"),
        Decimal("2.99"),
        Decimal("4.77"),
        Decimal("74.22"),
    )
    # Each line's share is within a cent of its exact proportional share (largest remainder).
    for line in order.line_items:
        exact = Decimal("10.00") * _zero(line.original_price) / Decimal("81.47")
        assert abs(_zero(line.seller_discount) - exact) < CENT
    assert {i.platform_discount for i in order.line_items} <= {Decimal("1.23"), Decimal("1.24"), Decimal("1.32")}


def test_equal_units_split_a_discount_by_largest_remainder(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    order = _place(sandbox, tts, [(skus["TEE-RED-S"], 3)], seller_discount="1.00")
    assert [i.seller_discount for i in order.line_items] == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]
    assert [i.sale_price for i in order.line_items] == [Decimal("19.65"), Decimal("19.66"), Decimal("19.66")]
    assert_money_consistent(order)


def test_control_api_accepts_discounts_over_http_and_refuses_bad_ones(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    url = f"{sandbox.base_url}/_sandbox/orders"
    items = [{"sku_id": skus["TEE-BLUE-M"], "quantity": 2}]
    placed = requests.post(url, json={"shop_id": tts.us.shop_id, "items": items} | CHARGES, timeout=5)
    assert placed.status_code == 200
    assert_money_consistent(tts.api.orders.details(tts.us, [placed.json()["id"]])[0])
    refused: list[dict[str, Any]] = [
        {"seller_discount": "40.00", "platform_discount": "4.00"},  # more than the products cost
        {"shipping_fee": "1.00", "shipping_fee_seller_discount": "1.50"},
        {"seller_discount": "-1.00"},
        {"seller_discount": "1.005"},
        {"coupon": "1.00"},
    ]
    stock_before = sandbox.product(tts.api.products.search(tts.us).products[0].id)["skus"]
    for charges in refused:
        answer = requests.post(url, json={"shop_id": tts.us.shop_id, "items": items} | charges, timeout=5)
        assert answer.status_code == 400, charges
    assert tts.api.orders.search(tts.us).total_count == 1
    assert sandbox.product(tts.api.products.search(tts.us).products[0].id)["skus"] == stock_before


def test_orders_stay_consistent_through_their_lifecycle(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    order = _place(sandbox, tts, [(skus["TEE-RED-S"], 2), (skus["TEE-BLUE-M"], 1)], **CHARGES)
    sandbox.pay_order(order.id)
    sandbox.cancel_order(order.id, initiator="SELLER", reason="Out of stock", line_item_ids=[order.line_items[0].id])
    sandbox.ship_order(order.id)
    sandbox.deliver_order(order.id)
    for found in tts.api.orders.search(tts.us).orders + tts.api.orders.details(tts.us, [order.id]):
        assert_money_consistent(found)


def test_cancelling_a_whole_unshipped_order_refunds_everything(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    order = _place(sandbox, tts, [(skus["TEE-RED-S"], 2), (skus["TEE-BLUE-M"], 1)], **CHARGES)
    sandbox.pay_order(order.id)
    cancel_id = sandbox.cancel_order(order.id, initiator="BUYER")
    [cancellation] = tts.api.returns.search_cancellations(
        tts.us, CancellationSearchFilter(cancel_ids=[cancel_id])
    ).cancellations
    refund = cancellation.refund_amount
    assert refund is not None
    p = order.payment
    assert (refund.refund_subtotal, refund.refund_shipping_fee, refund.refund_tax, refund.refund_total) == (
        p.sub_total,
        p.shipping_fee,
        p.tax,
        p.total_amount,
    )
    assert_refund_consistent(refund, [i.refund_amount for i in cancellation.cancel_line_items])


def test_partial_cancellation_and_returns_refund_only_their_lines(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    order = _place(sandbox, tts, [(skus["TEE-RED-S"], 2), (skus["TEE-BLUE-M"], 1)], **CHARGES)
    sandbox.pay_order(order.id)
    first, second, third = order.line_items
    cancel_id = sandbox.cancel_order(order.id, initiator="SELLER", line_item_ids=[first.id])
    [cancellation] = tts.api.returns.search_cancellations(
        tts.us, CancellationSearchFilter(cancel_ids=[cancel_id])
    ).cancellations
    refund = cancellation.refund_amount
    assert refund is not None
    assert refund.refund_subtotal == first.sale_price
    assert refund.refund_shipping_fee == 0  # the order goes on and still ships
    assert refund.refund_tax == sum(_zero(t.tax_amount) for t in first.item_tax)
    assert_refund_consistent(refund, [i.refund_amount for i in cancellation.cancel_line_items])

    sandbox.ship_order(order.id)
    sandbox.deliver_order(order.id)
    full_id = sandbox.open_return(order.id, line_item_ids=[second.id])
    partial_id = sandbox.open_return(order.id, line_item_ids=[third.id], return_type="REFUND", refund_amount="7.77")
    page = tts.api.returns.search_returns(tts.us, ReturnSearchFilter(order_ids=[order.id]))
    by_id = {r.return_id: r for r in page.return_orders}
    full = by_id[full_id]
    assert full.refund_amount is not None
    assert full.refund_amount.refund_subtotal == second.sale_price
    assert full.refund_amount.refund_shipping_fee == 0
    assert full.discount_amount[0].product_seller_discount == second.seller_discount
    assert full.discount_amount[0].product_platform_discount == second.platform_discount
    assert_refund_consistent(full.refund_amount, [i.refund_amount for i in full.return_line_items])
    partial = by_id[partial_id]
    assert partial.refund_amount is not None and partial.refund_amount.refund_total == Decimal("7.77")
    assert_refund_consistent(partial.refund_amount, [i.refund_amount for i in partial.return_line_items])
    with pytest.raises(ApiError):
        sandbox.open_return(order.id, line_item_ids=[first.id])  # cancelled lines cannot be returned
