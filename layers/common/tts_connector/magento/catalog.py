"""Products, configurable variants, attributes and categories."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tts_connector.errors import NotFoundError
from tts_connector.magento import endpoints as ep
from tts_connector.magento.models import BasePrice, PriceUpdateFailure
from tts_connector.magento.search_criteria import SearchCriteria, SearchResult, iterate_all

if TYPE_CHECKING:
    from tts_connector.magento.client import MagentoClient

DEFAULT_ATTRIBUTE_SET_ID = 4  # Magento's "Default" product attribute set
# Rows per price update call; like source items, big batches make one slow call.
PRICE_BATCH_SIZE = 200


class CatalogApi:
    def __init__(self, client: MagentoClient) -> None:
        self._client = client

    # Products
    def search_products(self, criteria: SearchCriteria, *, fields: str | None = None) -> SearchResult:
        """Search products; `fields` (e.g. "items[sku,updated_at],total_count") trims the response."""
        query = criteria.to_query() + ([("fields", fields)] if fields else [])
        return SearchResult.from_response(self._client.call(ep.PRODUCTS_SEARCH, query=query))

    def iter_products(self, criteria: SearchCriteria, *, fields: str | None = None) -> Iterator[dict[str, Any]]:
        return iterate_all(lambda c: self.search_products(c, fields=fields), criteria)

    def get_product(self, sku: str, *, global_scope: bool = False) -> dict[str, Any]:
        """A product as the configured store view shows it, or its global (admin) values with global_scope."""
        endpoint = ep.PRODUCT_GET_GLOBAL if global_scope else ep.PRODUCT_GET
        return dict(self._client.call(endpoint, {"sku": sku}))

    def update_custom_attributes(
        self, sku: str, values: Mapping[str, str], *, store_view: bool = False
    ) -> dict[str, Any]:
        """Set custom attributes; global by default (/rest/all), because a store-view PUT writes overrides."""
        body = {
            "product": {
                "sku": sku,
                "custom_attributes": [{"attribute_code": k, "value": v} for k, v in values.items()],
            },
            "saveOptions": True,
        }
        endpoint = ep.PRODUCT_UPDATE_STORE_VIEW if store_view else ep.PRODUCT_UPDATE
        return dict(self._client.call(endpoint, {"sku": sku}, body=body))

    def update_base_prices(self, prices: Sequence[BasePrice]) -> list[PriceUpdateFailure]:
        """Set base prices; returns the rows Magento refused (unknown SKU, negative price, unknown store).

        Magento saves the valid rows and answers 200 with the failures, so an empty list means all saved.
        """
        failures: list[PriceUpdateFailure] = []
        for start in range(0, len(prices), PRICE_BATCH_SIZE):
            batch = prices[start : start + PRICE_BATCH_SIZE]
            answer = self._client.call(ep.PRODUCT_BASE_PRICES, body={"prices": [p.to_magento() for p in batch]})
            failures.extend(PriceUpdateFailure.from_magento(item) for item in answer or [])
        return failures

    def configurable_children(self, sku: str) -> list[dict[str, Any]]:
        return list(self._client.call(ep.CONFIGURABLE_CHILDREN, {"sku": sku}) or [])

    def configurable_options(self, sku: str) -> list[dict[str, Any]]:
        return list(self._client.call(ep.CONFIGURABLE_OPTIONS, {"sku": sku}) or [])

    # Attributes
    def attribute(self, code: str) -> dict[str, Any]:
        return dict(self._client.call(ep.ATTRIBUTE_GET, {"attributeCode": code}))

    def attribute_options(self, code: str) -> list[dict[str, Any]]:
        return list(self._client.call(ep.ATTRIBUTE_OPTIONS, {"attributeCode": code}) or [])

    def option_labels(self, code: str) -> dict[str, str]:
        """Option id -> label for a select attribute, without Magento's blank first option."""
        return {str(o["value"]): str(o["label"]) for o in self.attribute_options(code) if str(o.get("value", ""))}

    def create_attribute(
        self, code: str, label: str, *, frontend_input: str = "text", scope: str = "global", in_grid: bool = False
    ) -> dict[str, Any]:
        """Create a product attribute; scope "global" avoids store-view copies of connector data.

        `in_grid` shows it as a column (and filter) of the admin product grid.
        """
        grid = {"is_used_in_grid": True, "is_visible_in_grid": True, "is_filterable_in_grid": True} if in_grid else {}
        body = {
            "attribute": {
                **grid,
                "attribute_code": code,
                "frontend_input": frontend_input,
                "default_frontend_label": label,
                "is_required": False,
                "scope": scope,
                "is_user_defined": True,
                "is_visible": True,
                "is_searchable": "0",
                "is_filterable": False,
            }
        }
        return dict(self._client.call(ep.ATTRIBUTE_CREATE, body=body))

    def add_attribute_option(self, code: str, label: str) -> str:
        """Add an option to a select attribute; returns Magento's answer (the new option id, as "id_<n>")."""
        body = {"option": {"label": label, "value": label}}
        return str(self._client.call(ep.ATTRIBUTE_OPTION_ADD, {"attributeCode": code}, body=body))

    def attribute_set_groups(self, attribute_set_id: int = DEFAULT_ATTRIBUTE_SET_ID) -> list[dict[str, Any]]:
        criteria = SearchCriteria(page_size=100).where("attribute_set_id", attribute_set_id)
        return SearchResult.from_response(self._client.call(ep.ATTRIBUTE_SET_GROUPS, query=criteria.to_query())).items

    def attribute_set_attributes(self, attribute_set_id: int) -> list[dict[str, Any]]:
        return list(self._client.call(ep.ATTRIBUTE_SET_ATTRIBUTES, {"attributeSetId": str(attribute_set_id)}) or [])

    def assign_attribute_to_set(
        self, code: str, *, attribute_set_id: int, attribute_group_id: int, sort_order: int = 99
    ) -> int:
        body = {
            "attributeSetId": attribute_set_id,
            "attributeGroupId": attribute_group_id,
            "attributeCode": code,
            "sortOrder": sort_order,
        }
        return int(self._client.call(ep.ATTRIBUTE_SET_ASSIGN, body=body))

    def ensure_attribute(
        self,
        code: str,
        label: str,
        *,
        attribute_set_id: int = DEFAULT_ATTRIBUTE_SET_ID,
        group_name: str = "Product Details",
    ) -> dict[str, Any]:
        """Make sure a global text attribute exists and belongs to an attribute set (connector setup).

        Safe to run repeatedly: an existing attribute is reused, and assigning it to the set again only
        keeps it in its group.
        """
        try:
            attribute = self.attribute(code)
        except NotFoundError:
            attribute = self.create_attribute(code, label)
        groups = self.attribute_set_groups(attribute_set_id)
        group = next((g for g in groups if g.get("attribute_group_name") == group_name), None)
        if group is None:
            raise NotFoundError(
                f"Attribute set {attribute_set_id} has no group named {group_name!r}",
                hint="Choose an existing group of the attribute set",
                details={"groups": sorted(str(g.get("attribute_group_name")) for g in groups)},
            )
        self.assign_attribute_to_set(
            code, attribute_set_id=attribute_set_id, attribute_group_id=int(group["attribute_group_id"])
        )
        return attribute

    # Categories
    def category_tree(self, root_category_id: int | None = None, depth: int | None = None) -> dict[str, Any]:
        query = [(k, str(v)) for k, v in (("rootCategoryId", root_category_id), ("depth", depth)) if v is not None]
        return dict(self._client.call(ep.CATEGORY_TREE, query=query))

    def list_categories(self, criteria: SearchCriteria) -> SearchResult:
        return SearchResult.from_response(self._client.call(ep.CATEGORY_LIST, query=criteria.to_query()))
