"""The shop context a push builds products with: read once per job (and per retry of it) in a warm worker.

The mappings, product fields, warehouse sources and Magento's category tree and attribute sets are the
same for every product of one planning run, so they are read once for it; a push or retry planned after
the merchant changed a mapping reads them again.
"""

from __future__ import annotations

import threading

from tts_connector.catalog.magento_metadata import MagentoMetadata
from tts_connector.catalog.memo import TtlCache
from tts_connector.catalog.records import PRODUCT_FIELDS_SECTION, ProductFields
from tts_connector.catalog.store import CatalogStore
from tts_connector.catalog.tiktok_metadata import TikTokCatalog
from tts_connector.connect.store import ConnectStore
from tts_connector.errors import NotFoundError
from tts_connector.magento.client import MagentoClient
from tts_connector.product_push.builder import ShopContext
from tts_connector.shop_settings import INVENTORY_SECTION, InventorySettings, ShopSettingsStore
from tts_connector.tiktok.catalog import CatalogApi
from tts_connector.tiktok.client import ShopRef

CONTEXT_TTL = 600.0
# Per thread: a context holds that thread's API clients (the metadata they read is shared process-wide).
_contexts: TtlCache[tuple[int, str, str, str], ShopContext] = TtlCache(CONTEXT_TTL)
_sources: TtlCache[str, list[str]] = TtlCache(300.0)


def enabled_sources(client: MagentoClient) -> list[str]:
    def load() -> list[str]:
        return [str(s["source_code"]) for s in client.inventory.sources().items if s.get("enabled")]

    return _sources.get_or_load(client.base_url, load)


def shop_context(
    shop_id: str,
    warehouse_id: str,
    *,
    generation: str,
    connect: ConnectStore,
    settings: ShopSettingsStore,
    catalog_store: CatalogStore,
    tiktok_catalog: CatalogApi,
    magento: MagentoClient,
) -> ShopContext:
    def load() -> ShopContext:
        shop = connect.get_shop(shop_id)
        if shop is None:
            raise NotFoundError(f"Shop {shop_id} is not authorized for this connector", hint="Run `ttsc shops list`")
        inventory = settings.get(shop_id, INVENTORY_SECTION, InventorySettings)
        ref = ShopRef(shop.shop_id, shop.cipher)
        return ShopContext(
            ref=ref,
            region=shop.region,
            warehouse_id=warehouse_id,
            sources=inventory.sources_for(warehouse_id, enabled_sources(magento)),
            facts=MagentoMetadata(magento, generation).store_facts(),
            fields=settings.get(shop_id, PRODUCT_FIELDS_SECTION, ProductFields),
            category_mappings={m.magento_category_id: m for m in catalog_store.category_mappings(shop_id)},
            attribute_mappings=catalog_store.attribute_mappings(shop_id),
            tiktok=TikTokCatalog(tiktok_catalog, catalog_store, ref, shop.region),
            magento=MagentoMetadata(magento, generation),
        )

    return _contexts.get_or_load((threading.get_ident(), shop_id, warehouse_id, generation), load)


def forget_contexts() -> None:
    _contexts.clear()
