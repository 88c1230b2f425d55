"""Reading a push's products from Magento in pages: 100 products per search, never one search per product.

Per page: one product search, one children call per configurable (`GET /V1/configurable-products/{sku}/
children`, the only way Magento lists a configurable's variants), and the MSI source items of every SKU of
the page, 100 SKUs per search.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tts_connector.catalog.magento_metadata import MagentoCategories
from tts_connector.magento.client import MagentoClient
from tts_connector.magento.search_criteria import Filter, SearchCriteria, iterate_all
from tts_connector.product_push.records import PushSelection
from tts_connector.product_push.snapshot import ProductSnapshot, snapshot_of

PAGE_SIZE = 100
# Visible in catalog and/or search: what a merchant lists (variants are "Not Visible Individually", 1).
LISTABLE_VISIBILITY = [2, 3, 4]


@dataclass(frozen=True)
class Page:
    products: list[ProductSnapshot]
    next_cursor: str | None  # None: this was the last page
    requested: list[str]  # SKU selections: the SKUs this page asked for


def _descendants(tree: MagentoCategories, category_id: int) -> list[int]:
    found = [category_id]
    for node in tree.nodes.values():
        if node.id != category_id and any(a.id == category_id for a in tree.ancestors(node.id)):
            found.append(node.id)
    return sorted(found)


def page_criteria(selection: PushSelection, cursor: str | None, tree: MagentoCategories | None) -> SearchCriteria:
    criteria = SearchCriteria(page_size=PAGE_SIZE)
    if selection.skus:
        offset = int(cursor or 0)
        return criteria.any_of(Filter("sku", selection.skus[offset : offset + PAGE_SIZE], "in"))
    criteria = criteria.where("type_id", ["simple", "configurable"], "in").where(
        "visibility", LISTABLE_VISIBILITY, "in"
    )
    if selection.category_id is not None:
        # A category selection covers its subcategories, as the merchant sees it in the catalog.
        ids = _descendants(tree, selection.category_id) if tree is not None else [selection.category_id]
        criteria = criteria.where("category_id", ids, "in")
    if selection.attribute_set_id is not None:
        criteria = criteria.where("attribute_set_id", selection.attribute_set_id)
    if selection.updated_since is not None:
        criteria = criteria.where("updated_at", selection.updated_since, "gteq")
    if cursor:
        # Keyset paging on entity_id: products added or changed meanwhile cannot shift the pages.
        criteria = criteria.where("entity_id", int(cursor), "gt")
    return criteria.sort_by("entity_id")


class MagentoReader:
    def __init__(self, client: MagentoClient):
        self._client = client
        self.calls = 0

    def page(self, selection: PushSelection, cursor: str | None, tree: MagentoCategories | None) -> Page:
        result = self._client.catalog.search_products(page_criteria(selection, cursor, tree))
        self.calls += 1
        items = result.items
        if selection.skus:
            offset = int(cursor or 0)
            requested = selection.skus[offset : offset + PAGE_SIZE]
            after = offset + PAGE_SIZE
            next_cursor = str(after) if after < len(selection.skus) else None
        else:
            requested = []
            next_cursor = str(items[-1]["id"]) if len(items) == PAGE_SIZE else None
        return Page(self.snapshots(items), next_cursor, requested)

    def snapshots(self, items: list[dict[str, Any]]) -> list[ProductSnapshot]:
        children = {str(p["sku"]): self._children(str(p["sku"])) for p in items if p.get("type_id") == "configurable"}
        skus = [str(p["sku"]) for p in items] + [str(c["sku"]) for kids in children.values() for c in kids]
        stock = self.stock(skus)
        return [snapshot_of(p, children=children.get(str(p["sku"]), []), stock=stock) for p in items]

    def by_skus(self, skus: list[str]) -> list[ProductSnapshot]:
        found: list[ProductSnapshot] = []
        for start in range(0, len(skus), PAGE_SIZE):
            chunk = skus[start : start + PAGE_SIZE]
            criteria = SearchCriteria(page_size=PAGE_SIZE).any_of(Filter("sku", chunk, "in"))
            found += self.snapshots(self._client.catalog.search_products(criteria).items)
            self.calls += 1
        return found

    def _children(self, sku: str) -> list[dict[str, Any]]:
        self.calls += 1
        return self._client.catalog.configurable_children(sku)

    def stock(self, skus: Iterable[str]) -> dict[str, dict[str, float]]:
        """Quantity per SKU and source, of source items that are in stock (status 1)."""
        stock: dict[str, dict[str, float]] = {}
        unique = list(dict.fromkeys(skus))
        for start in range(0, len(unique), PAGE_SIZE):
            criteria = SearchCriteria(page_size=PAGE_SIZE * 2).any_of(
                Filter("sku", unique[start : start + PAGE_SIZE], "in")
            )

            def fetch(c: SearchCriteria) -> Any:
                self.calls += 1
                return self._client.inventory.search_source_items(c)

            for item in iterate_all(fetch, criteria):
                if int(item.get("status", 0)) == 1:
                    stock.setdefault(str(item["sku"]), {})[str(item["source_code"])] = float(item["quantity"])
        return stock
