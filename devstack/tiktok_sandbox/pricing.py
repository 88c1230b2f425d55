"""Order money as TikTok reports it (get-order-detail spec, reference §6.4), built from control-API charges.

Per line: `sale_price = original_price - seller_discount - platform_discount`. Per order:
`sub_total = original_total_product_price - seller_discount - platform_discount`,
`shipping_fee = original_shipping_fee - shipping_fee_seller_discount - shipping_fee_platform_discount`,
`tax = product_tax + shipping_fee_tax` and `total_amount = sub_total + shipping_fee + tax`.
Product discounts and product tax are spread over the line items in whole cents that sum exactly to the totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from tiktok_sandbox import codes
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.money import allocate, cents, text
from tiktok_sandbox.state import LineItem


@dataclass(frozen=True)
class OrderCharges:
    """What the buyer is charged besides the SKU prices, in cents; `shipping_fee` is before shipping discounts."""

    shipping_fee: int = 0
    shipping_fee_seller_discount: int = 0
    shipping_fee_platform_discount: int = 0
    seller_discount: int = 0
    platform_discount: int = 0
    tax: int = 0  # product tax
    shipping_fee_tax: int = 0

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> OrderCharges:
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - names)
        if unknown:
            raise ApiError(codes.INVALID_CREDENTIAL, f"unknown order charges {unknown}; use {sorted(names)}", 400)
        charges = cls(**{name: cents(value, name) for name, value in raw.items()})
        if charges.shipping_fee_seller_discount + charges.shipping_fee_platform_discount > charges.shipping_fee:
            raise ApiError(codes.INVALID_CREDENTIAL, "shipping fee discounts exceed the shipping fee", 400)
        return charges

    @property
    def buyer_shipping_fee(self) -> int:
        return self.shipping_fee - self.shipping_fee_seller_discount - self.shipping_fee_platform_discount


def price_lines(lines: Sequence[LineItem], charges: OrderCharges) -> None:
    """Spread the product discounts and tax over `lines` (whose original_price is set), in place."""
    originals = [line.original_price for line in lines]
    if charges.seller_discount + charges.platform_discount > sum(originals):
        raise ApiError(codes.INVALID_CREDENTIAL, "product discounts exceed the products' original price", 400)
    # Seller discount over the original prices, then platform discount over what is left of each line, so no
    # line's discounts exceed its price.
    seller = allocate(charges.seller_discount, originals)
    platform = allocate(charges.platform_discount, [o - s for o, s in zip(originals, seller, strict=True)])
    for line, seller_part, platform_part in zip(lines, seller, platform, strict=True):
        line.seller_discount, line.platform_discount = seller_part, platform_part
    for line, tax_part in zip(lines, allocate(charges.tax, [line.sale_price for line in lines]), strict=True):
        line.tax = tax_part


def payment_json(lines: Sequence[LineItem], charges: OrderCharges, currency: str) -> dict[str, str]:
    sub_total = sum(line.sale_price for line in lines)
    shipping_fee = charges.buyer_shipping_fee
    tax = charges.tax + charges.shipping_fee_tax
    return {
        "currency": currency,
        "original_total_product_price": text(sum(line.original_price for line in lines)),
        "seller_discount": text(sum(line.seller_discount for line in lines)),
        "platform_discount": text(sum(line.platform_discount for line in lines)),
        "sub_total": text(sub_total),
        "original_shipping_fee": text(charges.shipping_fee),
        "shipping_fee_seller_discount": text(charges.shipping_fee_seller_discount),
        "shipping_fee_platform_discount": text(charges.shipping_fee_platform_discount),
        "shipping_fee_cofunded_discount": "0.00",
        "shipping_fee": text(shipping_fee),
        "product_tax": text(charges.tax),
        "shipping_fee_tax": text(charges.shipping_fee_tax),
        "tax": text(tax),
        "total_amount": text(sub_total + shipping_fee + tax),
    }


def line_money_json(line: LineItem, tax_rate: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "original_price": text(line.original_price),
        "sale_price": text(line.sale_price),
        "seller_discount": text(line.seller_discount),
        "platform_discount": text(line.platform_discount),
        "currency": line.currency,
    }
    if line.tax:
        body["item_tax"] = [{"tax_type": "SALES_TAX", "tax_amount": text(line.tax), "tax_rate": tax_rate or "0"}]
    return body


def tax_rate(payment: Mapping[str, str]) -> str | None:
    """The order's product tax rate as a decimal fraction, for `item_tax[].tax_rate`."""
    sub_total = Decimal(payment["sub_total"])
    if sub_total == 0:
        return None
    return str((Decimal(payment["product_tax"]) / sub_total).quantize(Decimal("0.0001")).normalize())
