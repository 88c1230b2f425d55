"""An in-memory listing store with the DynamoDB store's rules (fakes over mocks)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from tts_connector.listings.records import Listing, ListingStatus, SkuLink
from tts_connector.listings.store import sku_links


class InMemoryListingStore:
    def __init__(self) -> None:
        self.listings: dict[tuple[str, str], Listing] = {}
        self._lock = threading.Lock()

    def save(self, listing: Listing) -> Listing:
        with self._lock:
            self.listings[(listing.shop_id, listing.magento_sku)] = listing
        return listing

    def get(self, shop_id: str, magento_sku: str) -> Listing | None:
        return self.listings.get((shop_id, magento_sku))

    def by_tiktok_product(self, shop_id: str, tiktok_product_id: str) -> Listing | None:
        return next(
            (x for x in self.listings.values() if x.shop_id == shop_id and x.tiktok_product_id == tiktok_product_id),
            None,
        )

    def sku_by_magento(self, shop_id: str, magento_sku: str) -> SkuLink | None:
        return next((s for s in self._links(shop_id) if s.magento_sku == magento_sku), None)

    def sku_by_tiktok(self, shop_id: str, tiktok_sku_id: str) -> SkuLink | None:
        return next((s for s in self._links(shop_id) if s.tiktok_sku_id == tiktok_sku_id), None)

    def iter_listings(self, shop_id: str, after: str | None = None) -> Iterator[Listing]:
        listings = sorted((x for x in self.listings.values() if x.shop_id == shop_id), key=lambda x: x.magento_sku)
        yield from (x for x in listings if after is None or x.magento_sku > after)

    def get_many(self, shop_id: str, magento_skus: list[str]) -> dict[str, Listing]:
        return {sku: self.listings[(shop_id, sku)] for sku in magento_skus if (shop_id, sku) in self.listings}

    def set_status(
        self, shop_id: str, magento_sku: str, status: ListingStatus, reasons: list[str], at: int
    ) -> Listing | None:
        with self._lock:
            current = self.listings.get((shop_id, magento_sku))
            if current is None:
                return None
            if current.status_at <= at:
                current = current.model_copy(update={"status": status, "audit_reasons": reasons, "status_at": at})
                self.listings[(shop_id, magento_sku)] = current
            return current

    def _links(self, shop_id: str) -> list[SkuLink]:
        return [link for x in self.listings.values() if x.shop_id == shop_id for link in sku_links(x)]
