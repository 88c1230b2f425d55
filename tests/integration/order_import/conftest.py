"""Order import against both sandboxes over HTTP, in process: the state machine with in-memory stores.

The Done-when scenarios run through the local stack in test_order_import_stack.py; these exercise the
convergence rules quickly and in more combinations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from magento_sandbox import MagentoSandbox
from magento_sandbox import SandboxConfig as MagentoConfig
from tests.integration.magento.conftest import NO_WAIT_RETRY, oauth_credentials
from tests.integration.tiktok.support import Connected, connect
from tests.order_support import TEE_SKUS, TOTE_SKU, US_SHOP_ID, ListedProduct, list_tiktok_product
from tests.unit.common_fakes import InMemoryShopSettingsStore
from tests.unit.listings.fakes import InMemoryListingStore
from tests.unit.order_import.fakes import InMemoryOrderStore, RecordingAlerts
from tiktok_sandbox import SandboxConfig, TikTokSandbox
from tts_connector.magento import MagentoClient
from tts_connector.order_import.converge import OrderServices
from tts_connector.tiktok.client import ShopRef


@dataclass
class World:
    tiktok: TikTokSandbox
    magento: MagentoSandbox
    tts: Connected
    services: OrderServices
    store: InMemoryOrderStore
    listings: InMemoryListingStore
    settings: InMemoryShopSettingsStore
    alerts: RecordingAlerts
    product: ListedProduct

    def sku(self, magento_sku: str) -> str:
        return self.product.sku_ids[magento_sku]


@pytest.fixture(scope="module")
def sandboxes() -> Iterator[tuple[TikTokSandbox, MagentoSandbox]]:
    tiktok = TikTokSandbox(SandboxConfig(auto_audit_after=0.01)).start()
    magento = MagentoSandbox(MagentoConfig()).start()
    yield tiktok, magento
    tiktok.stop()
    magento.stop()


@pytest.fixture(scope="module")
def listed(sandboxes: tuple[TikTokSandbox, MagentoSandbox]) -> tuple[Connected, ListedProduct]:
    tts = connect(sandboxes[0])
    prices = dict.fromkeys(TEE_SKUS, "25.00") | {TOTE_SKU: "39.00"}
    return tts, list_tiktok_product(tts.api, tts.us, prices)


@pytest.fixture
def world(sandboxes: tuple[TikTokSandbox, MagentoSandbox], listed: tuple[Connected, ListedProduct]) -> World:
    tiktok, magento = sandboxes
    magento.reset()
    tts, product = listed
    store, listings, settings, alerts = (
        InMemoryOrderStore(),
        InMemoryListingStore(),
        InMemoryShopSettingsStore(),
        RecordingAlerts(),
    )
    listings.save(product.listing(US_SHOP_ID))
    client = MagentoClient(
        magento.base_url, oauth_credentials(magento.config), retry=NO_WAIT_RETRY, sleep=lambda _: None
    )

    def shop(shop_id: str) -> ShopRef | str:
        return tts.us if shop_id == US_SHOP_ID else f"Shop {shop_id} is not served"

    services = OrderServices(
        store=store,
        tiktok=tts.api,
        magento=client,
        listings=listings,
        shop_settings=settings,
        shop=shop,
        alerts=alerts,
        settle_seconds=0,
    )
    return World(tiktok, magento, tts, services, store, listings, settings, alerts, product)
