"""A catalog context over in-memory stand-ins: Magento's category tree and attributes, TikTok's v2 tree."""

from __future__ import annotations

import uuid
from typing import Any

from tests.unit.common_fakes import InMemoryShopSettingsStore
from tts_connector.catalog.magento_metadata import MagentoMetadata
from tts_connector.catalog.records import AttributeMapping, CategoryMapping
from tts_connector.catalog.service import CatalogContext
from tts_connector.catalog.tiktok_metadata import TikTokCatalog
from tts_connector.connect.records import Shop
from tts_connector.errors import NotFoundError
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.catalog import Attribute, Category, CategoryRules

# Magento: Root Catalog (1) > Default Category (2) > Women (3) > Tops (4) > <Tees> (5); Default > Gear (6).
MAGENTO_TREE: dict[str, Any] = {
    "id": 1,
    "name": "Root Catalog",
    "level": 0,
    "children_data": [
        {
            "id": 2,
            "parent_id": 1,
            "name": "Default Category",
            "level": 1,
            "children_data": [
                {
                    "id": 3,
                    "parent_id": 2,
                    "name": "Women",
                    "level": 2,
                    "children_data": [
                        {
                            "id": 4,
                            "parent_id": 3,
                            "name": "Tops",
                            "level": 3,
                            "children_data": [{"id": 5, "parent_id": 4, "name": "<Tees>", "level": 4}],
                        }
                    ],
                },
                {"id": 6, "parent_id": 2, "name": "Gear", "level": 2},
            ],
        }
    ],
}
# TikTok: Womenswear (600) > Tops (601) > T-shirts (900111, leaf); Home (700) > Mugs (910110, leaf).
TIKTOK_TREE = [
    Category(id="600", parent_id="0", local_name="Womenswear", is_leaf=False),
    Category(id="601", parent_id="600", local_name="Tops", is_leaf=False),
    Category(id="900111", parent_id="601", local_name="T-shirts", is_leaf=True, permission_statuses=["AVAILABLE"]),
    Category(id="700", parent_id="0", local_name="Home", is_leaf=False),
    Category(id="910110", parent_id="700", local_name="Mugs", is_leaf=True, permission_statuses=["AVAILABLE"]),
]
MATERIAL = Attribute(id="101001", name="Material", type="PRODUCT_PROPERTY", is_required=True, is_customizable=True)
PATTERN = Attribute(id="101002", name="Pattern", type="PRODUCT_PROPERTY", is_customizable=True)


class FakeCatalogApi:
    def categories(self, shop: ShopRef, *, category_version: str) -> list[Category]:
        return TIKTOK_TREE

    def attributes(self, shop: ShopRef, category_id: str, *, category_version: str) -> list[Attribute]:
        return [MATERIAL, PATTERN]

    def rules(self, shop: ShopRef, category_id: str, *, category_version: str) -> CategoryRules:
        return CategoryRules()


class FakeMagentoCatalog:
    ATTRIBUTES = [
        {"attribute_code": "fabric", "default_frontend_label": "Fabric", "frontend_input": "text"},
        {"attribute_code": "pattern", "default_frontend_label": "Pattern", "frontend_input": "text"},
    ]

    def category_tree(self) -> dict[str, Any]:
        return MAGENTO_TREE

    def attribute_set_attributes(self, attribute_set_id: int) -> list[dict[str, Any]]:
        return self.ATTRIBUTES

    def attribute(self, code: str) -> dict[str, Any]:
        raise NotFoundError(f"no attribute {code}")


class FakeMagentoClient:
    def __init__(self) -> None:
        # MagentoMetadata caches per process by base URL: each context reads its own copy.
        self.base_url = f"https://magento-{uuid.uuid4().hex}.test"
        self.catalog = FakeMagentoCatalog()


class InMemoryCatalogStore:
    def __init__(self) -> None:
        self.categories: dict[tuple[str, int], CategoryMapping] = {}
        self.attributes: dict[tuple[str, str, str], AttributeMapping] = {}
        self.metadata: dict[tuple[str, str, str], Any] = {}

    def category_mappings(self, shop_id: str) -> list[CategoryMapping]:
        return [m for (shop, _), m in sorted(self.categories.items()) if shop == shop_id]

    def save_category_mapping(self, mapping: CategoryMapping) -> CategoryMapping:
        self.categories[(mapping.shop_id, mapping.magento_category_id)] = mapping
        return mapping

    def delete_category_mapping(self, shop_id: str, magento_category_id: int) -> bool:
        return self.categories.pop((shop_id, magento_category_id), None) is not None

    def attribute_mappings(self, shop_id: str) -> list[AttributeMapping]:
        return [m for (shop, _, _), m in sorted(self.attributes.items()) if shop == shop_id]

    def save_attribute_mapping(self, mapping: AttributeMapping) -> AttributeMapping:
        self.attributes[(mapping.shop_id, mapping.scope, mapping.tiktok_attribute_id)] = mapping
        return mapping

    def delete_attribute_mapping(self, shop_id: str, tiktok_attribute_id: str, category_id: str | None) -> bool:
        return self.attributes.pop((shop_id, category_id or "*", tiktok_attribute_id), None) is not None

    def cached(self, shop_id: str, version: str, key: str) -> tuple[Any, int] | None:
        return self.metadata.get((shop_id, version, key))

    def cache(self, shop_id: str, version: str, key: str, value: Any) -> None:
        self.metadata[(shop_id, version, key)] = (value, 2_000_000_000)


def catalog_context(shop: Shop, store: InMemoryCatalogStore) -> CatalogContext:
    client = FakeMagentoClient()
    return CatalogContext(
        shop=shop,
        tiktok=TikTokCatalog(FakeCatalogApi(), store, ShopRef(shop.shop_id, shop.cipher), "US"),  # type: ignore[arg-type]
        magento=MagentoMetadata(client, scope="console-test"),  # type: ignore[arg-type]
        magento_client=client,  # type: ignore[arg-type]
        store=store,
        settings=InMemoryShopSettingsStore(),
        attribute_sets=[4],
    )
