"""Per-shop settings of price and stock sync (shop_settings sections), with the defaults a new shop gets.

Section `price_stock_sync` (this capability's own): on/off switches, the price rule, the stock buffer and the
Magento sales channel whose salable quantity feeds TikTok. Section `inventory` (shared with product push):
which MSI sources feed which TikTok warehouse. Both are stored as JSON; unknown keys of the shared section are
kept when this capability saves it, so product push's own fields survive a change made here.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

SYNC_SECTION = "price_stock_sync"
INVENTORY_SECTION = "inventory"
# TikTok's accepted SKU quantity range (update-inventory spec: [1, 99,999]; 0 sells the SKU out).
MAX_TIKTOK_QUANTITY = 99_999


class PriceAdjustment(StrEnum):
    NONE = "none"
    PERCENT = "percent"  # amount 10 = +10 %, -5 = 5 % markdown
    FIXED = "fixed"  # amount 2.50 = +2.50 in the shop's currency, -1 = 1.00 off


class PriceRounding(StrEnum):
    NONE = "none"
    UP_TO_99 = ".99"  # the smallest price ending in .99 that is not below the computed one
    UP_TO_49 = ".49"


class StockHoldBack(StrEnum):
    NONE = "none"
    UNITS = "units"  # amount 2 = hold back 2 units
    PERCENT = "percent"  # amount 10 = hold back 10 % (rounded so that fewer, never more, go to TikTok)


class PriceRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    adjustment: PriceAdjustment = PriceAdjustment.NONE
    amount: Annotated[Decimal, Field(ge=Decimal(-1000000), le=Decimal(1000000), decimal_places=4)] = Decimal(0)
    rounding: PriceRounding = PriceRounding.NONE
    # Push Magento's special price while it is active (and lower than the price), as the storefront sells it.
    use_special_price: bool = True


class StockBuffer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    hold_back: StockHoldBack = StockHoldBack.NONE
    amount: Annotated[Decimal, Field(ge=0, le=MAX_TIKTOK_QUANTITY, decimal_places=2)] = Decimal(0)
    # A quantity below this (after the hold-back) is pushed as 0, so the last units sell in Magento only.
    floor: Annotated[int, Field(ge=0, le=MAX_TIKTOK_QUANTITY)] = 0


class SyncSettings(BaseModel):
    """Section `price_stock_sync`. Sync is on for a new shop: a listed product follows Magento by default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    price_sync: bool = True
    stock_sync: bool = True
    price_rule: PriceRule = Field(default_factory=PriceRule)
    stock_buffer: StockBuffer = Field(default_factory=StockBuffer)
    # The Magento website whose stock's salable quantity is pushed (MSI resolves the stock from it).
    website_code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")] = "base"


class InventorySettings(BaseModel):
    """Section `inventory`, shared with product push. Extra keys (product push's own) are kept as they are."""

    model_config = ConfigDict(frozen=True, extra="allow")

    # TikTok warehouse id -> MSI source codes whose quantities it sells. Empty: the shop's warehouse sells the
    # salable quantity of the whole stock.
    sources_by_warehouse: dict[
        Annotated[str, Field(min_length=1, max_length=64)],
        Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(min_length=1, max_length=50)],
    ] = Field(default_factory=dict, max_length=50)
