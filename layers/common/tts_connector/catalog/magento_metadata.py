"""What the connector reads from Magento in bulk: the category tree, attribute sets, store facts.

Each is one call (or one per attribute set) cached in the warm process, so building thousands of products
costs a handful of metadata calls, never one per product.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tts_connector.catalog.memo import TtlCache
from tts_connector.errors import NotFoundError
from tts_connector.magento.client import MagentoClient

PROCESS_TTL = 300.0
# Attribute types whose stored value is an option id (or several, comma-separated).
OPTION_INPUTS = frozenset({"select", "multiselect", "swatch_visual", "swatch_text"})
# Attributes a push reads itself or that say nothing about the product for TikTok.
SYSTEM_ATTRIBUTES = frozenset(
    {
        "sku", "name", "price", "status", "visibility", "weight", "description", "short_description",
        "url_key", "image", "small_image", "thumbnail", "swatch_image", "media_gallery", "category_ids",
        "tax_class_id", "quantity_and_stock_status", "options_container", "meta_title", "meta_keyword",
        "meta_description", "tiktok_product_id", "tiktok_shop_synced", "special_price", "special_from_date",
        "special_to_date", "cost", "tier_price", "news_from_date", "news_to_date", "custom_design",
        "custom_layout", "page_layout", "gift_message_available", "country_of_manufacture",
    }
)  # fmt: skip


@dataclass(frozen=True)
class MagentoAttribute:
    code: str
    label: str
    frontend_input: str
    options: dict[str, str] = field(default_factory=dict)  # option id -> label
    attribute_id: str = ""

    def labels_of(self, raw: Any) -> list[str]:
        """The human values of a stored value: option labels for option attributes, Yes/No for booleans."""
        if raw is None or raw == "":
            return []
        if isinstance(raw, list):
            parts = [str(v) for v in raw]
        elif self.frontend_input == "multiselect":
            parts = [p for p in str(raw).split(",") if p.strip()]
        else:
            parts = [str(raw)]
        if self.frontend_input in OPTION_INPUTS:
            return [self.options.get(p.strip(), p.strip()) for p in parts]
        if self.frontend_input == "boolean":
            return ["Yes" if p.strip() in ("1", "true") else "No" for p in parts]
        return [p.strip() for p in parts if p.strip()]


@dataclass(frozen=True)
class AttributeSet:
    attribute_set_id: int
    attributes: dict[str, MagentoAttribute]

    def by_id(self, attribute_id: str) -> MagentoAttribute | None:
        return next((a for a in self.attributes.values() if a.attribute_id == str(attribute_id)), None)


@dataclass(frozen=True)
class MagentoCategory:
    id: int
    parent_id: int
    name: str
    level: int


@dataclass(frozen=True)
class MagentoCategories:
    nodes: dict[int, MagentoCategory]

    def ancestors(self, category_id: int) -> list[MagentoCategory]:
        """The category and its parents, deepest first."""
        chain: list[MagentoCategory] = []
        node = self.nodes.get(category_id)
        while node is not None and len(chain) < 50:
            chain.append(node)
            node = self.nodes.get(node.parent_id)
        return chain

    def path_names(self, category_id: int) -> str:
        # Root Catalog and Default Category (levels 0 and 1) are the same for every product: leave them out.
        names = [c.name for c in reversed(self.ancestors(category_id)) if c.level > 1]
        return " > ".join(names) or (self.nodes[category_id].name if category_id in self.nodes else str(category_id))


@dataclass(frozen=True)
class StoreFacts:
    base_currency: str
    weight_unit: str  # "kgs" or "lbs", as Magento's general/locale/weight_unit
    media_base_url: str


def _attribute(raw: dict[str, Any]) -> MagentoAttribute:
    options = {
        str(o["value"]): str(o.get("label", "")).strip()
        for o in raw.get("options") or []
        if str(o.get("value", "")).strip()
    }
    return MagentoAttribute(
        code=str(raw["attribute_code"]),
        label=str(raw.get("default_frontend_label") or raw["attribute_code"]),
        frontend_input=str(raw.get("frontend_input") or "text"),
        options=options,
        attribute_id=str(raw.get("attribute_id", "")),
    )


def _flatten(node: dict[str, Any], into: dict[int, MagentoCategory]) -> None:
    into[int(node["id"])] = MagentoCategory(
        id=int(node["id"]),
        parent_id=int(node.get("parent_id") or 0),
        name=str(node.get("name") or node["id"]),
        level=int(node.get("level") or 0),
    )
    for child in node.get("children_data") or []:
        _flatten(child, into)


class MagentoMetadata:
    """Bulk reads of one store, cached per process (shared by every thread of a worker)."""

    _categories: TtlCache[tuple[str, str], MagentoCategories] = TtlCache(PROCESS_TTL)
    _sets: TtlCache[tuple[str, str, int], AttributeSet] = TtlCache(PROCESS_TTL)
    _facts: TtlCache[tuple[str, str], StoreFacts] = TtlCache(PROCESS_TTL)

    def __init__(self, client: MagentoClient, scope: str = ""):
        """`scope` separates cached copies: a push reads them once per job (and per retry of it), so a
        category or attribute set the merchant just changed is seen by the next push."""
        self._client = client
        self._scope = scope

    def categories(self, *, refresh: bool = False) -> MagentoCategories:
        key = (self._client.base_url, self._scope)
        if refresh:
            self._categories.forget(key)

        def load() -> MagentoCategories:
            nodes: dict[int, MagentoCategory] = {}
            _flatten(self._client.catalog.category_tree(), nodes)
            return MagentoCategories(nodes)

        return self._categories.get_or_load(key, load)

    def attribute_set(self, attribute_set_id: int) -> AttributeSet:
        def load() -> AttributeSet:
            raw = self._client.catalog.attribute_set_attributes(attribute_set_id)
            attributes = {str(a["attribute_code"]): _attribute(a) for a in raw}
            return AttributeSet(attribute_set_id, attributes)

        return self._sets.get_or_load((self._client.base_url, self._scope, attribute_set_id), load)

    def forget_attribute_sets(self) -> None:
        self._sets.clear()

    def attribute(self, code: str, attribute_set_ids: list[int]) -> MagentoAttribute | None:
        """A Magento attribute by code: from the given sets, else Magento's attribute itself."""
        for set_id in attribute_set_ids:
            found = self.attribute_set(set_id).attributes.get(code)
            if found is not None:
                return found
        try:
            return _attribute(self._client.catalog.attribute(code))
        except NotFoundError:
            return None

    def store_facts(self) -> StoreFacts:
        def load() -> StoreFacts:
            code = self._client.store_code
            configs = self._client.store.store_configs()
            config = next((c for c in configs if c.get("code") == code), configs[0] if configs else {})
            return StoreFacts(
                base_currency=str(config.get("base_currency_code") or "USD"),
                weight_unit=str(config.get("weight_unit") or "kgs"),
                media_base_url=str(config.get("secure_base_media_url") or config.get("base_media_url") or ""),
            )

        return self._facts.get_or_load((self._client.base_url, self._scope), load)
