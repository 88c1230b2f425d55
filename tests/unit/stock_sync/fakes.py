"""Stand-ins for Magento's reads and TikTok's update calls (fakes over mocks), and a ready sync setup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tts_connector.listings.records import ListedSku, Listing, ListingStatus
from tts_connector.stock_sync.rules import MagentoPrice
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.errors import TikTokApiError, TikTokTransientError
from tts_connector.tiktok.models.product import (
    InventoryError,
    InventoryErrorDetail,
    InventoryExtraError,
    InventoryUpdateResult,
    SkuInventoryUpdate,
    SkuPriceUpdate,
)

SHOP = "7494049642642441621"
WAREHOUSE = "7068517275539719942"


@dataclass
class FakeMagento:
    """Prices, salable quantities and source quantities as Magento holds them now."""

    prices: dict[str, MagentoPrice] = field(default_factory=dict)
    salable_qty: dict[str, float] = field(default_factory=dict)
    sources: dict[str, dict[str, float]] = field(default_factory=dict)
    ids: dict[int, str] = field(default_factory=dict)
    calls: int = 0
    fail_next: list[Exception] = field(default_factory=list)

    def set(self, sku: str, price: str | None = None, qty: float | None = None) -> None:
        if price is not None:
            self.prices[sku] = MagentoPrice(sku, Decimal(price))
        if qty is not None:
            self.salable_qty[sku] = qty

    def _call(self) -> None:
        self.calls += 1
        if self.fail_next:
            raise self.fail_next.pop(0)


@dataclass
class FakeReader:
    magento: FakeMagento

    @property
    def calls(self) -> int:
        return self.magento.calls

    def prices(self, skus: Sequence[str]) -> dict[str, MagentoPrice]:
        self.magento._call()
        return {s: self.magento.prices[s] for s in skus if s in self.magento.prices}

    def salable(self, skus: Sequence[str], website_code: str) -> dict[str, float]:
        self.magento._call()
        return {s: self.magento.salable_qty[s] for s in skus if s in self.magento.salable_qty}

    def source_quantities(self, skus: Sequence[str], sources: Sequence[str]) -> dict[str, dict[str, float]]:
        self.magento._call()
        return {s: {k: v for k, v in self.magento.sources.get(s, {}).items() if k in sources} for s in skus}

    def skus_of_ids(self, product_ids: Sequence[int]) -> dict[int, str]:
        self.magento._call()
        return {i: self.magento.ids[i] for i in product_ids if i in self.magento.ids}


@dataclass
class Call:
    kind: str
    product_id: str
    skus: dict[str, Any]


@dataclass
class FakeTikTok:
    """Records update calls and applies them; can refuse a product, fail SKUs or be unavailable."""

    calls: list[Call] = field(default_factory=list)
    prices: dict[str, str] = field(default_factory=dict)
    stock: dict[str, dict[str, int]] = field(default_factory=dict)
    refuse_products: dict[str, str] = field(default_factory=dict)
    failing_skus: dict[str, str] = field(default_factory=dict)
    unavailable: int = 0

    def _gate(self, product_id: str) -> None:
        if self.unavailable:
            self.unavailable -= 1
            raise TikTokTransientError("TikTok Shop rate limit hit", path="/product/202309/...")
        if product_id in self.refuse_products:
            raise TikTokApiError(
                f"TikTok Shop refused: {self.refuse_products[product_id]}",
                tiktok_code=12052901,
                tiktok_message=self.refuse_products[product_id],
                request_id="req-1",
                path="/product/202309/...",
            )

    def update_price(self, shop: ShopRef, product_id: str, skus: Sequence[SkuPriceUpdate]) -> None:
        self._gate(product_id)
        self.calls.append(Call("price", product_id, {s.id: str(s.price.amount) for s in skus}))
        self.prices.update({s.id: str(s.price.amount) for s in skus})

    def update_inventory(
        self, shop: ShopRef, product_id: str, skus: Sequence[SkuInventoryUpdate]
    ) -> InventoryUpdateResult:
        self._gate(product_id)
        self.calls.append(
            Call("inventory", product_id, {s.id: {i.warehouse_id: i.quantity for i in s.inventory} for s in skus})
        )
        errors = []
        for sku in skus:
            if sku.id in self.failing_skus:
                errors.append(
                    InventoryError(
                        code=12052990,
                        message="Check failed",
                        detail=InventoryErrorDetail(
                            sku_id=sku.id,
                            extra_errors=[
                                InventoryExtraError(
                                    warehouse_id=WAREHOUSE, code=12052097, message=self.failing_skus[sku.id]
                                )
                            ],
                        ),
                    )
                )
                continue
            self.stock[sku.id] = {i.warehouse_id: i.quantity for i in sku.inventory}
        return InventoryUpdateResult(errors=errors)

    def count(self, kind: str, product_id: str | None = None) -> int:
        return sum(1 for c in self.calls if c.kind == kind and (product_id is None or c.product_id == product_id))


def listing(
    sku: str, product_id: str, children: Sequence[str], status: ListingStatus = ListingStatus.ACTIVATE
) -> Listing:
    return Listing(
        shop_id=SHOP,
        magento_sku=sku,
        tiktok_product_id=product_id,
        warehouse_id=WAREHOUSE,
        status=status,
        skus=[ListedSku(magento_sku=c, tiktok_sku_id=f"tt-{c}", seller_sku=c) for c in children],
    )
