"""The credit memo plan: items, shipping and the adjustment that make Magento's grand total TikTok's refund."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tts_connector.refunds.amounts import RefundLine, item_amount, money, plan_credit_memo


def _order(**overrides: Any) -> dict[str, Any]:
    items = [
        {"item_id": 11, "price": 25.0, "qty_ordered": 2, "qty_invoiced": 2, "qty_refunded": 0, "tax_amount": 4.0},
        {"item_id": 12, "price": 39.0, "qty_ordered": 1, "qty_invoiced": 1, "qty_refunded": 0},
        {"item_id": 13, "parent_item_id": 12, "price": 0.0, "qty_ordered": 1, "qty_invoiced": 1, "qty_refunded": 0},
    ]
    order = {
        "items": items,
        "total_paid": 108.0,  # 50 + 4 tax + 39 + 15 shipping
        "total_refunded": 0.0,
        "shipping_invoiced": 15.0,
        "shipping_refunded": 0.0,
    }
    return order | overrides


def _total(plan: Any, order: dict[str, Any]) -> Decimal:
    by_id = {i["item_id"]: i for i in order["items"]}
    rows = sum((item_amount(by_id[i], q) for i, q in plan.items.items()), Decimal(0))
    total: Decimal = rows + plan.shipping_amount + plan.adjustment_positive - plan.adjustment_negative
    return total


def test_partial_refund_priced_lower_in_tiktok_gets_a_negative_adjustment() -> None:
    order = _order()
    plan = plan_credit_memo(
        order, [RefundLine("a", 11)], refund_total=Decimal("21.60"), refund_shipping=Decimal(0), return_to_stock=True
    )
    assert plan.items == {11: 1}
    assert plan.shipping_amount == Decimal("0.00")
    # One tee is 25.00 + 2.00 tax in Magento.
    assert (plan.adjustment_positive, plan.adjustment_negative) == (Decimal(0), Decimal("5.40"))
    assert _total(plan, order) == Decimal("21.60") == plan.credited
    assert plan.return_to_stock == (11,)


def test_tiktok_refunding_more_gets_a_positive_adjustment_and_partial_shipping() -> None:
    order = _order()
    plan = plan_credit_memo(
        order,
        [RefundLine("b", 12)],
        refund_total=Decimal("47.99"),
        refund_shipping=Decimal("3.99"),
        return_to_stock=False,
    )
    assert plan.items == {12: 1} and plan.shipping_amount == Decimal("3.99")
    assert plan.adjustment_positive == Decimal("5.00")
    assert _total(plan, order) == Decimal("47.99") and plan.return_to_stock == ()


def test_the_last_units_take_all_of_magentos_shipping_so_the_order_can_close() -> None:
    order = _order(total_refunded=27.0, items=[*_order()["items"]])
    order["items"][0] = {**order["items"][0], "qty_refunded": 1}
    plan = plan_credit_memo(
        order,
        [RefundLine("a2", 11), RefundLine("b", 12)],
        refund_total=Decimal("60.00"),
        refund_shipping=Decimal(0),
        return_to_stock=False,
    )
    assert plan.items == {11: 1, 12: 1}
    assert plan.shipping_amount == Decimal("15.00")
    assert _total(plan, order) == Decimal("60.00")
    # What stays unrefunded in Magento is exactly the adjustment fee: Magento closes the order.
    left = money(order["total_paid"]) - money(order["total_refunded"]) - plan.credited
    assert left == plan.adjustment_negative


def test_refund_above_what_magento_allows_is_capped_and_the_rest_reported() -> None:
    order = _order(total_refunded=100.0)
    plan = plan_credit_memo(
        order, [RefundLine("b", 12)], refund_total=Decimal("45.00"), refund_shipping=Decimal(0), return_to_stock=False
    )
    assert plan.credited == Decimal("8.00") and plan.uncredited == Decimal("37.00")
    assert _total(plan, order) == Decimal("8.00")


def test_unknown_or_already_refunded_lines_are_credited_by_adjustment_only() -> None:
    order = _order()
    order["items"][1] = {**order["items"][1], "qty_refunded": 1}
    plan = plan_credit_memo(
        order,
        [RefundLine("x", None), RefundLine("b", 12)],
        refund_total=Decimal("12.34"),
        refund_shipping=Decimal(0),
        return_to_stock=True,
    )
    # No item to refund: one item with quantity 0, since an empty list would refund every item.
    assert plan.items == {11: 0}
    assert plan.adjustment_positive == Decimal("12.34") and plan.return_to_stock == ()
    assert plan.unmatched_lines == ("x", "b")


def test_nothing_left_to_refund() -> None:
    plan = plan_credit_memo(
        _order(total_refunded=108.0),
        [RefundLine("a", 11)],
        refund_total=Decimal("20.00"),
        refund_shipping=Decimal(0),
        return_to_stock=False,
    )
    assert not plan.worth_crediting and plan.uncredited == Decimal("20.00")


def test_money_reads_loose_values() -> None:
    assert money(None) == money("") == money("x") == Decimal("0.00")
    assert money("1.005") == Decimal("1.01") and money(2) == Decimal("2.00")
