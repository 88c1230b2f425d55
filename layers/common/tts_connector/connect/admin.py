"""What the admin API does for Connect: status, shops, warehouses, selection, settings."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from tts_connector.connect.magento_setup import MagentoSetupReport, set_up_magento
from tts_connector.connect.records import ConnectorSettings, SellerTokens, Shop, ShopStatus
from tts_connector.connect.store import ConnectStore
from tts_connector.errors import InvalidInputError, NotFoundError
from tts_connector.magento.client import MagentoClient
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.logistics import Warehouse


class SellerStatus(BaseModel):
    open_id: str
    seller_name: str | None
    access_expires_at: int
    refresh_expires_at: int
    granted_scopes: list[str]
    needs_reauthorization: bool = False
    reauthorization_reason: str | None = None


class ShopView(BaseModel):
    model_config = ConfigDict(frozen=True)

    shop_id: str
    name: str
    region: str
    seller_type: str | None
    status: ShopStatus
    status_reason: str | None
    selected: bool
    warehouse_id: str | None
    authorization_expires_at: int | None
    access_expires_at: int | None


class StatusReport(BaseModel):
    connected: bool
    sellers: list[SellerStatus]
    shops: list[ShopView]
    settings: ConnectorSettings
    magento: MagentoSetupReport | None


class ShopSelection(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    selected: bool = True
    warehouse_id: str | None = None


def _view(shop: Shop, seller: SellerTokens | None) -> ShopView:
    blocked = shop.status is ShopStatus.CONNECTED and seller is not None and seller.needs_reauthorization
    return ShopView(
        shop_id=shop.shop_id,
        name=shop.name,
        region=shop.region,
        seller_type=shop.seller_type,
        status=ShopStatus.NEEDS_REAUTHORIZATION if blocked else shop.status,
        status_reason=(seller.reauthorization_reason if blocked and seller else shop.status_reason),
        selected=shop.selected,
        warehouse_id=shop.warehouse_id,
        authorization_expires_at=shop.authorization_expires_at,
        access_expires_at=seller.access_expires_at if seller else None,
    )


def connection_status(store: ConnectStore) -> StatusReport:
    sellers = store.list_sellers()
    by_id = {s.open_id: s for s in sellers}
    shops = [_view(shop, by_id.get(shop.open_id)) for shop in store.list_shops()]
    return StatusReport(
        connected=any(s.status is ShopStatus.CONNECTED and s.selected for s in shops),
        sellers=[
            SellerStatus(
                open_id=s.open_id,
                seller_name=s.seller_name,
                access_expires_at=s.access_expires_at,
                refresh_expires_at=s.refresh_expires_at,
                granted_scopes=s.granted_scopes,
                needs_reauthorization=s.needs_reauthorization,
                reauthorization_reason=s.reauthorization_reason,
            )
            for s in sellers
        ],
        shops=shops,
        settings=store.get_settings(),
        magento=MagentoSetupReport.model_validate(setup) if (setup := store.get_magento_setup()) else None,
    )


def list_shops(store: ConnectStore) -> list[ShopView]:
    return connection_status(store).shops


def run_magento_setup(store: ConnectStore, client: MagentoClient) -> MagentoSetupReport:
    report = set_up_magento(client)
    store.save_magento_setup(report.model_dump(mode="json"))
    return report


def shop_ref(store: ConnectStore, shop_id: str) -> ShopRef:
    shop = store.get_shop(shop_id)
    if shop is None:
        raise NotFoundError(f"Shop {shop_id} is not authorized for this connector", hint="Run `ttsc shops list`")
    return ShopRef(shop.shop_id, shop.cipher)


def select_shop(
    store: ConnectStore,
    shop_id: str,
    selection: ShopSelection,
    warehouses: Callable[[ShopRef], list[Warehouse]],
) -> ShopView:
    """Serve (or stop serving) a shop; a warehouse id is checked against the shop's TikTok warehouses."""
    ref = shop_ref(store, shop_id)
    warehouse_id = selection.warehouse_id
    if selection.selected and warehouse_id is None:
        current = store.get_shop(shop_id)
        warehouse_id = current.warehouse_id if current else None
        if warehouse_id is None:
            default = [w for w in warehouses(ref) if w.is_default and w.type == "SALES_WAREHOUSE"]
            warehouse_id = default[0].id if default else None
    elif warehouse_id is not None:
        known = {w.id: w for w in warehouses(ref)}
        if warehouse_id not in known:
            raise InvalidInputError(
                f"Warehouse {warehouse_id} does not belong to shop {shop_id}",
                hint=f"Choose one of: {', '.join(sorted(known)) or 'none (create a warehouse in Seller Center)'}",
            )
    shop = store.update_shop(shop_id, selected=selection.selected, warehouse_id=warehouse_id)
    return _view(shop, store.get_seller(shop.open_id))
