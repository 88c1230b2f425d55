"""Reading what Magento holds now for a set of SKUs: prices, salable quantities, source quantities.

Events are hints, so every sync reads the current values here first. SKUs are asked for in pages of 100
(`sku in (...)`): one products search for prices, one stock export for salable quantities (MSI's
export-stock-salable-qty, which includes reservations), and the source items of the mapped MSI sources.
No call per SKU.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from tts_connector.magento.client import MagentoClient
from tts_connector.magento.search_criteria import Filter, SearchCriteria, iterate_all
from tts_connector.stock_sync.rules import MagentoPrice

SKU_PAGE_SIZE = 100
PRICE_FIELDS = "items[sku,type_id,price,custom_attributes[attribute_code,value]],total_count"
SKU_FIELDS = "items[id,sku,type_id],total_count"


class CatalogReader(Protocol):
    """What sync reads from Magento; `calls` counts the REST calls made (reported by reconciliation)."""

    calls: int

    def prices(self, skus: Sequence[str]) -> dict[str, MagentoPrice]: ...

    def salable(self, skus: Sequence[str], website_code: str) -> dict[str, float]: ...

    def source_quantities(self, skus: Sequence[str], sources: Sequence[str]) -> dict[str, dict[str, float]]: ...

    def skus_of_ids(self, product_ids: Sequence[int]) -> dict[int, str]: ...


def pages(values: Sequence[str], size: int = SKU_PAGE_SIZE) -> Iterable[list[str]]:
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def sku_filter(skus: Sequence[str]) -> tuple[Filter, ...]:
    """`sku in (...)` for the SKUs Magento's comma-separated list can carry; `eq` (ORed) for those with a comma."""
    plain = [s for s in skus if "," not in s]
    filters = [Filter("sku", s) for s in skus if "," in s]
    if plain:
        filters.insert(0, Filter("sku", plain, "in"))
    return tuple(filters)


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _date(value: Any) -> date | None:
    """Magento's `Y-m-d H:i:s` (or `Y-m-d`) date attributes."""
    if not value:
        return None
    text = str(value).strip()
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def price_of(item: dict[str, Any]) -> MagentoPrice | None:
    price = _decimal(item.get("price"))
    if price is None:
        return None
    custom = {str(c.get("attribute_code")): c.get("value") for c in item.get("custom_attributes") or []}
    return MagentoPrice(
        sku=str(item["sku"]),
        price=price,
        special_price=_decimal(custom.get("special_price")),
        special_from=_date(custom.get("special_from_date")),
        special_to=_date(custom.get("special_to_date")),
    )


class MagentoCatalogReader:
    def __init__(self, client: MagentoClient) -> None:
        self._client = client
        self.calls = 0

    def prices(self, skus: Sequence[str]) -> dict[str, MagentoPrice]:
        found: dict[str, MagentoPrice] = {}
        for page in pages(skus):
            criteria = SearchCriteria(page_size=SKU_PAGE_SIZE).any_of(*sku_filter(page))
            self.calls += 1
            for item in self._client.catalog.search_products(criteria, fields=PRICE_FIELDS).items:
                price = price_of(item)
                if price is not None:
                    found[price.sku] = price
        return found

    def salable(self, skus: Sequence[str], website_code: str) -> dict[str, float]:
        found: dict[str, float] = {}
        for page in pages(skus):
            criteria = SearchCriteria(page_size=SKU_PAGE_SIZE).any_of(*sku_filter(page))
            self.calls += 1
            for row in self._client.inventory.export_salable_quantities(criteria, website_code):
                found[row.sku] = row.quantity
        return found

    def source_quantities(self, skus: Sequence[str], sources: Sequence[str]) -> dict[str, dict[str, float]]:
        """In-stock quantity per SKU and MSI source (an out-of-stock source item counts 0)."""
        found: dict[str, dict[str, float]] = {}
        if not sources:
            return found
        for page in pages(skus):
            criteria = (
                SearchCriteria(page_size=SKU_PAGE_SIZE)
                .any_of(*sku_filter(page))
                .where("source_code", list(dict.fromkeys(sources)), "in")
            )
            for item in iterate_all(self._counted_source_items, criteria):
                quantity = float(item.get("quantity") or 0) if int(item.get("status") or 0) == 1 else 0.0
                found.setdefault(str(item["sku"]), {})[str(item["source_code"])] = quantity
        return found

    def skus_of_ids(self, product_ids: Sequence[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        ids = [str(i) for i in dict.fromkeys(product_ids)]
        for page in pages(ids):
            criteria = SearchCriteria(page_size=SKU_PAGE_SIZE).where("entity_id", page, "in")
            self.calls += 1
            for item in self._client.catalog.search_products(criteria, fields=SKU_FIELDS).items:
                found[int(item["id"])] = str(item["sku"])
        return found

    def _counted_source_items(self, criteria: SearchCriteria) -> Any:
        self.calls += 1
        return self._client.inventory.search_source_items(criteria)
