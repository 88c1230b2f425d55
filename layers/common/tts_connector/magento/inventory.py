"""MSI sources, source items and salable quantity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tts_connector.magento import endpoints as ep
from tts_connector.magento.models import SalableQuantity, SourceItem
from tts_connector.magento.search_criteria import Filter, SearchCriteria, SearchResult

if TYPE_CHECKING:
    from tts_connector.magento.client import MagentoClient

DEFAULT_STOCK_ID = 1
# Saving thousands of source items in one call takes tens of seconds in Magento; batches keep calls short.
SAVE_BATCH_SIZE = 200
SOURCE_ITEM_FIELDS = "items[sku,source_code,quantity,status],total_count"


class InventoryApi:
    def __init__(self, client: MagentoClient) -> None:
        self._client = client

    def sources(self) -> SearchResult:
        return SearchResult.from_response(self._client.call(ep.SOURCES, query=SearchCriteria().to_query()))

    def search_source_items(self, criteria: SearchCriteria) -> SearchResult:
        query = [*criteria.to_query(), ("fields", SOURCE_ITEM_FIELDS)]
        return SearchResult.from_response(self._client.call(ep.SOURCE_ITEMS_SEARCH, query=query))

    def source_items_for(self, skus: Sequence[str]) -> list[SourceItem]:
        criteria = SearchCriteria(page_size=max(len(skus) * 4, 1)).any_of(Filter("sku", list(skus), "in"))
        return [
            SourceItem(str(i["sku"]), str(i["source_code"]), float(i["quantity"]), int(i["status"]))
            for i in self.search_source_items(criteria).items
        ]

    def save_source_items(self, items: Sequence[SourceItem]) -> None:
        for start in range(0, len(items), SAVE_BATCH_SIZE):
            batch = items[start : start + SAVE_BATCH_SIZE]
            self._client.call(ep.SOURCE_ITEMS_SAVE, body={"sourceItems": [i.to_magento() for i in batch]})

    def export_salable_quantities(self, criteria: SearchCriteria, website_code: str) -> list[SalableQuantity]:
        """Salable quantity (minus reservations) of one page of products, for the stock of a website.

        MSI answers `total_count` = the size of this page (ExportStockSalableQtyBySalesChannel), so callers
        select what they need (e.g. `sku in` up to the page size) instead of paging on it.
        """
        answer = self._client.call(
            ep.SALABLE_QTY_EXPORT,
            {"salesChannelType": "website", "salesChannelCode": website_code},
            query=criteria.to_query(),
        )
        return [
            SalableQuantity(str(i["sku"]), float(i.get("qty") or 0), bool(i.get("is_salable")))
            for i in SearchResult.from_response(answer).items
        ]

    def salable_quantity(self, sku: str, stock_id: int = DEFAULT_STOCK_ID) -> float:
        """Quantity minus reservations (orders placed but not shipped) for a stock."""
        return float(self._client.call(ep.SALABLE_QTY, {"sku": sku, "stockId": stock_id}))
