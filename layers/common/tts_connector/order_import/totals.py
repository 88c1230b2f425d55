"""Comparing Magento's order totals with TikTok's payment block, so a difference is recorded, never silent.

The guest cart prices the order with Magento's catalog prices, tax rules and shipping method (reference
§3.2: a cart item's price cannot be set through REST), so totals differ whenever the TikTok price, TikTok's
discounts, its shipping fee or tax do not match Magento's. Each amount is compared on its own:

| line | TikTok (`payment`) | Magento (order) |
|---|---|---|
| products | `original_total_product_price` | `subtotal` |
| discounts | `seller_discount + platform_discount` | `-discount_amount` |
| shipping | `shipping_fee` (after shipping discounts) | `shipping_amount` |
| tax | `tax` | `tax_amount` |
| total | `total_amount` | `grand_total` |
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from tts_connector.order_import.records import TotalsComparison
from tts_connector.tiktok.models.order import Payment

CENT = Decimal("0.01")


def _dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else 0)).quantize(CENT)
    except InvalidOperation:
        return Decimal(0).quantize(CENT)


def tiktok_amounts(payment: Payment) -> dict[str, Decimal]:
    discounts = _dec(payment.seller_discount) + _dec(payment.platform_discount)
    products = (
        _dec(payment.original_total_product_price)
        if payment.original_total_product_price is not None
        else _dec(payment.sub_total) + discounts
    )
    return {
        "products": products,
        "discounts": discounts,
        "shipping": _dec(payment.shipping_fee),
        "tax": _dec(payment.tax),
        "total": _dec(payment.total_amount),
    }


def magento_amounts(order: dict[str, Any]) -> dict[str, Decimal]:
    return {
        "products": _dec(order.get("subtotal")),
        "discounts": -_dec(order.get("discount_amount")),
        "shipping": _dec(order.get("shipping_amount")),
        "tax": _dec(order.get("tax_amount")),
        "total": _dec(order.get("grand_total")),
    }


def compare_totals(payment: Payment, order: dict[str, Any]) -> TotalsComparison:
    tiktok, magento = tiktok_amounts(payment), magento_amounts(order)
    magento_currency = str(order.get("order_currency_code") or order.get("base_currency_code") or "")
    differences = []
    if magento_currency and payment.currency and magento_currency.upper() != payment.currency.upper():
        differences.append(f"currency: TikTok {payment.currency}, Magento {magento_currency}")
    for name, amount in tiktok.items():
        delta = magento[name] - amount
        if delta != 0:
            sign = "+" if delta > 0 else ""
            differences.append(f"{name}: TikTok {amount}, Magento {magento[name]} (Magento {sign}{delta})")
    return TotalsComparison(
        tiktok_currency=payment.currency,
        magento_currency=magento_currency,
        tiktok={k: str(v) for k, v in tiktok.items()},
        magento={k: str(v) for k, v in magento.items()},
        differences=differences,
    )


def totals_comment(comparison: TotalsComparison) -> str:
    return (
        f"Magento's totals differ from TikTok's payment ({comparison.tiktok_currency}): "
        + "; ".join(comparison.differences)
        + "."
    )
