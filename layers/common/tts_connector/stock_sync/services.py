"""What price and stock sync works with, as providers (resolved when used, so registering needs no AWS)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tts_connector.connect.records import Shop, ShopStatus
from tts_connector.connect.shop_events import stopped_reason
from tts_connector.connect.store import ConnectStore
from tts_connector.errors import ConflictError, NotFoundError
from tts_connector.events.intake import EventIntake
from tts_connector.jobs.store import JobStore
from tts_connector.listings.store import ListingStore
from tts_connector.magento.client import MagentoClient
from tts_connector.shop_settings import ShopSettingsStore
from tts_connector.stock_sync.engine import PriceStockSync, ShopTarget, TikTokUpdates
from tts_connector.stock_sync.magento_reads import CatalogReader
from tts_connector.stock_sync.rules import RuleError, currency_for_region
from tts_connector.stock_sync.settings import INVENTORY_SECTION, SYNC_SECTION, InventorySettings, SyncSettings
from tts_connector.stock_sync.store import SyncStore
from tts_connector.tiktok.client import ShopRef

# Seconds the connector waits for more changes to a product before pushing it; must equal the push queue's
# DelaySeconds (template.yaml), which is what holds the push back.
DEFAULT_WINDOW_SECONDS = 2
SHOPS_CACHE_SECONDS = 30.0


@dataclass
class SyncServices:
    connect: Callable[[], ConnectStore]
    listings: Callable[[], ListingStore]
    shop_settings: Callable[[], ShopSettingsStore]
    store: Callable[[], SyncStore]
    jobs: Callable[[], JobStore]
    reader: Callable[[], CatalogReader]
    magento: Callable[[], MagentoClient]
    tiktok: Callable[[], TikTokUpdates]
    intake: Callable[[], EventIntake]
    window_seconds: int = DEFAULT_WINDOW_SECONDS
    clock: Callable[[], float] = time.time
    # (shop id, window) of flushes this process already scheduled: later changes in the window need no send.
    scheduled: set[tuple[str, int]] = field(default_factory=set)
    _shops: tuple[float, list[Shop]] | None = None
    _settings: dict[str, tuple[float, SyncSettings]] = field(default_factory=dict)

    def engine(self) -> PriceStockSync:
        return PriceStockSync(self.reader(), self.tiktok(), self.store(), clock=self.clock)

    def settings_of(self, shop_id: str) -> tuple[SyncSettings, InventorySettings]:
        store = self.shop_settings()
        return store.get(shop_id, SYNC_SECTION, SyncSettings), store.get(shop_id, INVENTORY_SECTION, InventorySettings)

    def recent_settings(self, shop_id: str) -> SyncSettings:
        """The shop's sync settings as of at most SHOPS_CACHE_SECONDS ago, for deciding what an event marks.

        Safe to be a little late while sync is on: a push reads the settings again before it sends anything.
        A kind remembered as off is read again for every event, or the changes made just after the merchant
        switched sync back on (after its re-sync read Magento) would be ignored until reconciliation.
        """
        now = self.clock()
        cached = self._settings.get(shop_id)
        if (
            cached is None
            or now - cached[0] >= SHOPS_CACHE_SECONDS
            or not (cached[1].price_sync and cached[1].stock_sync)
        ):
            cached = (now, self.shop_settings().get(shop_id, SYNC_SECTION, SyncSettings))
            self._settings[shop_id] = cached
        return cached[1]

    def active_shops(self) -> list[Shop]:
        """Shops the connector serves and may work for now (selected, connected, seller authorized).

        Remembered for SHOPS_CACHE_SECONDS: change events come in bursts, and the answer costs a scan and a
        token decryption per shop. A shop stopped meanwhile is caught again before anything is pushed.
        """
        now = self.clock()
        if self._shops is not None and now - self._shops[0] < SHOPS_CACHE_SECONDS:
            return self._shops[1]
        connect = self.connect()
        shops = [
            s
            for s in connect.list_shops()
            if s.selected and s.status is ShopStatus.CONNECTED and stopped_reason(connect, s.shop_id) is None
        ]
        self._shops = (now, shops)
        return shops

    def target(self, shop_id: str) -> ShopTarget:
        """The shop as sync pushes to it; NotFoundError / ConflictError when it is not one the connector serves."""
        shop = self.connect().get_shop(shop_id)
        if shop is None:
            raise NotFoundError(f"Shop {shop_id} is not known to the connector", hint="See `ttsc shops list`")
        if not shop.selected:
            raise ConflictError(
                f"Shop {shop.name} ({shop_id}) is not served by the connector",
                hint=f"Select it first: `ttsc shops select {shop_id} --warehouse ID`",
            )
        reason = stopped_reason(self.connect(), shop_id)
        if reason is not None:
            raise ConflictError(f"Work for shop {shop.name} is stopped: {reason}", hint="Re-authorize: `ttsc connect`")
        try:
            currency = currency_for_region(shop.region)
        except RuleError as exc:
            raise ConflictError(str(exc)) from exc
        settings, inventory = self.settings_of(shop_id)
        return ShopTarget(
            shop_id=shop_id,
            ref=ShopRef(shop_id, shop.cipher),
            currency=currency,
            settings=settings,
            inventory=inventory,
            default_warehouse=shop.warehouse_id,
        )

    def only_shop(self, shop_id: str | None) -> str:
        """`shop_id`, or the one shop the connector serves when none is given."""
        if shop_id:
            return shop_id
        selected = [s for s in self.connect().list_shops() if s.selected]
        if len(selected) == 1:
            return selected[0].shop_id
        if not selected:
            raise ConflictError("The connector serves no shop yet", hint="`ttsc shops select SHOP_ID --warehouse ID`")
        raise ConflictError(
            f"The connector serves {len(selected)} shops: say which",
            hint="Pass --shop with one of " + ", ".join(s.shop_id for s in selected),
        )
