"""The credit memo for a TikTok refund: which Magento items, how much shipping, and the adjustment that makes its
grand total equal TikTok's `refund_total` to the cent.

Magento computes a credit memo's grand total itself (magento2 `Sales/Model/Order/Creditmemo/Total/*`): the items'
rows (price x qty, plus their share of the item tax, minus their share of the discount), plus `shipping_amount`,
plus `adjustment_positive`, minus `adjustment_negative` (REST `arguments`, reference §4.3). The connector predicts
what Magento will compute for the items and shipping and puts the difference to TikTok's total in one adjustment,
so a Magento order priced differently from TikTok (the guest cart uses Magento's prices) still gets a credit memo
of exactly the money TikTok gave back.

Rules:
* Each TikTok line item is one unit of its Magento order item (order import's record links them); units beyond
  what Magento can still refund (`qty_invoiced - qty_refunded`) are credited through the adjustment.
* Shipping: what TikTok refunded, at most what Magento can still refund. When this credit memo takes the order's
  last refundable units, all of Magento's remaining shipping is refunded with it and the adjustment absorbs the
  difference: Magento then has nothing left to refund except the adjustment fee and closes the order
  (magento2 `Sales/Model/Order::canCreditmemo`, "Case when Adjustment Fee (adjustment_negative) has been used").
* Magento refuses a credit memo above what is left to refund ("The most money available to refund is %1",
  `CreditmemoService::validateForRefund`): the credit memo is capped there and the rest is reported as
  `uncredited`, never dropped silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Any) -> Decimal:
    """A decimal amount in cents; None, "" and unreadable values are 0."""
    try:
        return Decimal(str(value if value not in (None, "") else 0)).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return ZERO


@dataclass(frozen=True)
class RefundLine:
    """One refunded TikTok line item (one unit) and the Magento order item it became, if known."""

    tiktok_line_item_id: str
    magento_order_item_id: int | None


@dataclass(frozen=True)
class CreditMemoPlan:
    items: dict[int, int]  # Magento order item id -> quantity
    shipping_amount: Decimal
    adjustment_positive: Decimal
    adjustment_negative: Decimal
    expected_grand_total: Decimal  # what Magento will compute; equals `credited`
    credited: Decimal  # TikTok's refund total, capped at what Magento still allows
    uncredited: Decimal  # TikTok's refund total beyond what Magento allows
    return_to_stock: tuple[int, ...]
    # TikTok line items credited through the adjustment (no Magento item, or nothing left to refund on it).
    unmatched_lines: tuple[str, ...] = field(default_factory=tuple)

    @property
    def worth_crediting(self) -> bool:
        return self.credited > ZERO


def _lines_by_id(order: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    # Documents are driven by parent items; children of configurables follow them (price 0).
    return {int(i["item_id"]): i for i in order.get("items") or [] if i.get("parent_item_id") in (None, 0, "")}


def _refundable_qty(item: Mapping[str, Any]) -> int:
    return int(float(item.get("qty_invoiced") or 0) - float(item.get("qty_refunded") or 0) + 1e-9)


def item_amount(item: Mapping[str, Any], qty: int) -> Decimal:
    """What Magento credits for `qty` units of an order item: the row, its share of tax, less its discount."""
    ordered = Decimal(str(item.get("qty_ordered") or 1)) or Decimal(1)
    share = Decimal(qty) / ordered
    row = money(Decimal(str(item.get("price") or 0)) * qty)
    tax = money(Decimal(str(item.get("tax_amount") or 0)) * share)
    discount = money(Decimal(str(item.get("discount_amount") or 0)) * share)
    return row + tax - discount


def plan_credit_memo(
    order: Mapping[str, Any],
    lines: Sequence[RefundLine],
    *,
    refund_total: Decimal,
    refund_shipping: Decimal,
    return_to_stock: bool,
) -> CreditMemoPlan:
    by_id = _lines_by_id(order)
    wanted = Counter(line.magento_order_item_id for line in lines if line.magento_order_item_id in by_id)
    items: dict[int, int] = {}
    for item_id, count in wanted.items():
        assert item_id is not None
        qty = min(count, _refundable_qty(by_id[item_id]))
        if qty > 0:
            items[item_id] = qty
    credited_units = Counter(items)
    unmatched: list[str] = []
    for line in lines:
        if line.magento_order_item_id is not None and credited_units[line.magento_order_item_id] > 0:
            credited_units[line.magento_order_item_id] -= 1
        else:
            unmatched.append(line.tiktok_line_item_id)

    available = money(order.get("total_paid")) - money(order.get("total_refunded"))
    credited = max(ZERO, min(refund_total, available))
    refundable_shipping = max(ZERO, money(order.get("shipping_invoiced")) - money(order.get("shipping_refunded")))
    takes_the_rest = bool(by_id) and all(items.get(i, 0) >= _refundable_qty(item) for i, item in by_id.items())
    shipping = refundable_shipping if takes_the_rest else min(max(refund_shipping, ZERO), refundable_shipping)
    rows = sum((item_amount(by_id[i], qty) for i, qty in items.items()), ZERO)
    difference = credited - rows - shipping
    refunded_items = tuple(sorted(items))
    if not items and by_id:
        # An empty `items` would refund every remaining item (magento2 `CreditmemoFactory::createByOrder`: no
        # quantities given means each item's qty to refund); a quantity of 0 on one item refunds none.
        items = {min(by_id): 0}
    return CreditMemoPlan(
        items=items,
        shipping_amount=shipping,
        adjustment_positive=difference if difference > ZERO else ZERO,
        adjustment_negative=-difference if difference < ZERO else ZERO,
        expected_grand_total=credited,
        credited=credited,
        uncredited=max(ZERO, refund_total - credited),
        return_to_stock=refunded_items if return_to_stock else (),
        unmatched_lines=tuple(unmatched),
    )
