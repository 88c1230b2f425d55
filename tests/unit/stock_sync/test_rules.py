"""The price rule, the stock buffer and the warehouse split give TikTok what the merchant asked for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tts_connector.stock_sync.rules import (
    MagentoPrice,
    RuleError,
    base_price,
    buffered_quantity,
    currency_for_region,
    target_price,
    warehouse_quantities,
)
from tts_connector.stock_sync.settings import PriceRule, StockBuffer

TODAY = date(2026, 6, 15)


def _price(price: str, special: str | None = None, start: date | None = None, end: date | None = None) -> MagentoPrice:
    return MagentoPrice(
        "SKU-1", Decimal(price), Decimal(special) if special else None, special_from=start, special_to=end
    )


@pytest.mark.parametrize(
    ("rule", "price", "expected"),
    [
        (PriceRule(), "19.99", "19.99"),
        (PriceRule(adjustment="percent", amount=Decimal(10)), "20.00", "22.00"),
        (PriceRule(adjustment="percent", amount=Decimal(-15)), "20.00", "17.00"),
        (PriceRule(adjustment="fixed", amount=Decimal("2.50")), "20.00", "22.50"),
        (PriceRule(adjustment="fixed", amount=Decimal(-1)), "20.00", "19.00"),
        (PriceRule(adjustment="percent", amount=Decimal(10), rounding=".99"), "20.00", "22.99"),
        (PriceRule(rounding=".99"), "12.99", "12.99"),
        (PriceRule(rounding=".99"), "13.00", "13.99"),
        (PriceRule(rounding=".49"), "12.30", "12.49"),
        (PriceRule(rounding=".49"), "12.60", "13.49"),
        (PriceRule(adjustment="percent", amount=Decimal("33.333")), "10.00", "13.33"),
    ],
)
def test_the_price_rule_adjusts_then_rounds(rule: PriceRule, price: str, expected: str) -> None:
    assert target_price(_price(price), rule, "USD", TODAY) == Decimal(expected)


def test_a_markdown_below_zero_is_refused_not_pushed() -> None:
    with pytest.raises(RuleError, match="positive price"):
        target_price(_price("5.00"), PriceRule(adjustment="fixed", amount=Decimal(-6)), "USD", TODAY)


def test_whole_unit_currencies_get_whole_amounts() -> None:
    rule = PriceRule(adjustment="percent", amount=Decimal(10), rounding=".99")
    assert target_price(_price("1001"), rule, "JPY", TODAY) == Decimal(1102)


def test_an_active_lower_special_price_is_sold_when_honoured() -> None:
    current = _price("30.00", "24.00", start=date(2026, 6, 1), end=date(2026, 6, 30))

    assert base_price(current, PriceRule(), TODAY) == Decimal("24.00")
    assert base_price(current, PriceRule(use_special_price=False), TODAY) == Decimal("30.00")
    assert target_price(current, PriceRule(adjustment="percent", amount=Decimal(10)), "USD", TODAY) == Decimal("26.40")


@pytest.mark.parametrize(
    ("special", "start", "end"),
    [
        ("24.00", date(2026, 7, 1), None),  # not started yet
        ("24.00", None, date(2026, 6, 14)),  # ended yesterday
        ("35.00", None, None),  # higher than the price: Magento sells the price
    ],
)
def test_a_special_price_outside_its_dates_or_higher_is_not_used(
    special: str, start: date | None, end: date | None
) -> None:
    assert base_price(_price("30.00", special, start, end), PriceRule(), TODAY) == Decimal("30.00")


def test_the_special_price_applies_on_its_first_and_last_day() -> None:
    assert base_price(_price("30.00", "20.00", TODAY, TODAY), PriceRule(), TODAY) == Decimal("20.00")


@pytest.mark.parametrize(
    ("buffer", "salable", "expected"),
    [
        (StockBuffer(), 7.0, 7),
        (StockBuffer(), 7.9, 7),  # decimal quantities: whole units only
        (StockBuffer(), -2.0, 0),  # oversold in Magento
        (StockBuffer(hold_back="units", amount=Decimal(2)), 7.0, 5),
        (StockBuffer(hold_back="units", amount=Decimal(2)), 1.0, 0),
        (StockBuffer(hold_back="percent", amount=Decimal(10)), 15.0, 13),  # 13.5 -> 13: never more than asked
        (StockBuffer(floor=3), 2.0, 0),
        (StockBuffer(floor=3), 3.0, 3),
        (StockBuffer(hold_back="units", amount=Decimal(1), floor=3), 3.0, 0),  # floor applies after the hold-back
        (StockBuffer(), 250_000.0, 99_999),
    ],
)
def test_the_stock_buffer_holds_back_and_zeroes_below_the_floor(
    buffer: StockBuffer, salable: float, expected: int
) -> None:
    assert buffered_quantity(salable, buffer) == expected


def test_warehouses_sell_their_sources_but_never_more_than_magento_can_sell() -> None:
    mapping = {"wh-east": ["east"], "wh-all": ["default", "east"]}

    assert warehouse_quantities(20, {"default": 5, "east": 3}, {"wh-east": ["east"]}) == {"wh-east": 3}
    # 3 + 8 = 11 offered against 10 salable (one unit reserved by an unshipped order): scaled down.
    scaled = warehouse_quantities(10, {"default": 5, "east": 3}, mapping)
    assert sum(scaled.values()) <= 10
    assert scaled == {"wh-east": 2, "wh-all": 7}
    assert warehouse_quantities(0, {"default": 5}, {"wh": ["default"]}) == {"wh": 0}


def test_the_shop_region_names_the_currency() -> None:
    assert currency_for_region("US") == "USD"
    assert currency_for_region("gb") == "GBP"
    with pytest.raises(RuleError):
        currency_for_region("ZZ")
