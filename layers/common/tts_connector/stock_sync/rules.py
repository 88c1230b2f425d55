"""What TikTok should show for a SKU, from what Magento holds: the price rule and the stock buffer.

Pure functions over values already read, so every rule is tested without a store. Money is Decimal
throughout; TikTok takes amounts as strings in the shop's currency (no conversion: the Magento price is
taken to be in that currency).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from tts_connector.stock_sync.settings import (
    MAX_TIKTOK_QUANTITY,
    PriceAdjustment,
    PriceRounding,
    PriceRule,
    StockBuffer,
    StockHoldBack,
)

# TikTok's currency per shop region (reference §4.6, `price.currency`).
CURRENCY_BY_REGION = {
    "BR": "BRL",
    "FR": "EUR",
    "DE": "EUR",
    "IE": "EUR",
    "IT": "EUR",
    "ES": "EUR",
    "GB": "GBP",
    "UK": "GBP",
    "ID": "IDR",
    "JP": "JPY",
    "MX": "MXN",
    "MY": "MYR",
    "PH": "PHP",
    "SG": "SGD",
    "TH": "THB",
    "US": "USD",
    "VN": "VND",
}
# Currencies TikTok prices in whole units.
ZERO_DECIMAL_CURRENCIES = frozenset({"IDR", "JPY", "VND"})


class RuleError(ValueError):
    """The rule cannot give TikTok a valid value for this SKU (e.g. a markdown below zero)."""


def currency_for_region(region: str) -> str:
    currency = CURRENCY_BY_REGION.get(region.upper())
    if currency is None:
        raise RuleError(f"No TikTok Shop currency is known for shop region {region!r}")
    return currency


@dataclass(frozen=True)
class MagentoPrice:
    """A SKU's price as Magento holds it (global scope), with its special price and dates."""

    sku: str
    price: Decimal
    special_price: Decimal | None = None
    special_from: date | None = None
    special_to: date | None = None

    def special_active(self, today: date) -> bool:
        if self.special_price is None:
            return False
        if self.special_from is not None and today < self.special_from:
            return False
        return self.special_to is None or today <= self.special_to


def base_price(price: MagentoPrice, rule: PriceRule, today: date) -> Decimal:
    """Magento's final price before the rule: the special price while active and lower (catalog price logic)."""
    if rule.use_special_price and price.special_active(today):
        assert price.special_price is not None
        return min(price.price, price.special_price)
    return price.price


def _round_up_to_ending(value: Decimal, ending: Decimal) -> Decimal:
    """The smallest amount >= value whose cents are `ending` (e.g. .99): 12.30 -> 12.99, 13.00 -> 13.99."""
    whole = value.to_integral_value(rounding="ROUND_FLOOR")
    candidate = whole + ending
    return candidate if candidate >= value else candidate + 1


def target_price(price: MagentoPrice, rule: PriceRule, currency: str, today: date) -> Decimal:
    """The amount to push, in `currency`'s precision; RuleError when it would not be a positive price."""
    base = base_price(price, rule, today)
    if rule.adjustment is PriceAdjustment.PERCENT:
        adjusted = base * (Decimal(100) + rule.amount) / Decimal(100)
    elif rule.adjustment is PriceAdjustment.FIXED:
        adjusted = base + rule.amount
    else:
        adjusted = base
    zero_decimal = currency in ZERO_DECIMAL_CURRENCIES
    quantum = Decimal(1) if zero_decimal else Decimal("0.01")
    amount = adjusted.quantize(quantum, rounding=ROUND_HALF_UP)
    if not zero_decimal and rule.rounding is not PriceRounding.NONE:
        amount = _round_up_to_ending(amount, Decimal(rule.rounding.value[1:]) / 100)
    elif zero_decimal and rule.rounding is not PriceRounding.NONE:
        # .99 endings do not exist in whole-unit currencies: round up to the unit instead.
        amount = adjusted.quantize(quantum, rounding=ROUND_CEILING)
    if amount <= 0:
        raise RuleError(
            f"The price rule gives {amount} {currency} for {price.sku} (Magento price {price.price}): "
            "TikTok needs a positive price"
        )
    return amount


def buffered_quantity(quantity: float, buffer: StockBuffer) -> int:
    """Whole units for TikTok after the hold-back and the floor; never negative, never above TikTok's maximum."""
    units = max(0, math.floor(quantity + 1e-9))
    if buffer.hold_back is StockHoldBack.UNITS:
        units -= math.ceil(buffer.amount)
    elif buffer.hold_back is StockHoldBack.PERCENT:
        units = math.floor(Decimal(units) * (Decimal(100) - buffer.amount) / Decimal(100))
    units = max(0, units)
    if units < buffer.floor:
        units = 0
    return min(units, MAX_TIKTOK_QUANTITY)


def warehouse_quantities(
    salable: float,
    source_quantities: Mapping[str, float],
    sources_by_warehouse: Mapping[str, Sequence[str]],
) -> dict[str, float]:
    """Split a SKU's stock over TikTok warehouses, before the buffer.

    Each warehouse sells the in-stock quantity of its MSI sources; when they add up to more than Magento can
    sell (reservations of unshipped orders, which MSI keeps per stock, not per source), every warehouse is
    scaled down by the same factor so TikTok never offers more than the salable quantity in total.
    """
    raw = {
        w: sum(max(0.0, source_quantities.get(s, 0.0)) for s in sources) for w, sources in sources_by_warehouse.items()
    }
    total = sum(raw.values())
    limit = max(0.0, salable)
    if total <= limit or total == 0:
        return raw
    factor = limit / total
    return {w: math.floor(q * factor + 1e-9) for w, q in raw.items()}
