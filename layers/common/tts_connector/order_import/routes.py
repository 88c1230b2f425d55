"""Order import's admin routes: orders (list, show, retry, sync), carriers, per-shop order settings."""

# No `from __future__ import annotations`: Powertools reads the route annotations at runtime for validation.
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from tts_connector import wiring
from tts_connector.errors import NotFoundError
from tts_connector.order_import import admin
from tts_connector.order_import.options import CARRIERS_SECTION, ORDERS_SECTION, CarrierMap, OrderSettings
from tts_connector.order_import.records import OrderState
from tts_connector.sync_cursor import SyncRequest
from tts_connector.tiktok.client import ShopRef

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

# The admin function times out at 29 s; a longer sync continues in the schedule from the cursor.
SYNC_BUDGET_SECONDS = 20.0


def _served_shops() -> list[ShopRef]:
    return [ShopRef(s.shop_id, s.cipher) for s in wiring.connect_store().list_shops() if s.selected]


def _shop(shop_id: str) -> ShopRef:
    shop = wiring.connect_store().get_shop(shop_id)
    if shop is None:
        raise NotFoundError(f"Shop {shop_id} is not authorized for this connector", hint="Run `ttsc shops list`")
    return ShopRef(shop.shop_id, shop.cipher)


@router.get("/admin/orders", summary="TikTok orders the connector knows, most recently changed first")
def list_orders(
    status: Annotated[OrderState | None, Query(description="seen, pending, imported, failed, ...")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[admin.OrderSummary]:
    return [admin.summary(r) for r in wiring.order_store().list(status, limit=limit)]


@router.get("/admin/orders/<order_id>", summary="One order: TikTok state, Magento order, totals, history")
def show_order(order_id: str) -> admin.OrderDetail:
    shops = [s.shop_id for s in wiring.connect_store().list_shops()]
    record = admin.find_record(wiring.order_store(), shops, order_id)
    shop = wiring.connect_store().get_shop(record.shop_id)
    ref = ShopRef(shop.shop_id, shop.cipher) if shop is not None else None
    return admin.order_detail(record, ref, wiring.tiktok_api, wiring.magento_client)


@router.post("/admin/orders/<order_id>/retry", summary="Run an order again (after fixing why it failed)")
def retry_order(order_id: str) -> admin.RetryReport:
    shops = [s.shop_id for s in wiring.connect_store().list_shops()]
    record = admin.find_record(wiring.order_store(), shops, order_id)
    return admin.queue_retry(record, wiring.event_intake().accept)


@router.post("/admin/orders/sync", summary="Reconcile now: queue orders TikTok changed since a time")
def sync_orders(request: Annotated[SyncRequest, Body()]) -> admin.SyncResult:
    return admin.run_sync(
        request,
        _served_shops(),
        store=wiring.order_store(),
        tiktok=wiring.tiktok_api(),
        magento=wiring.magento_client(),
        shop_settings=wiring.shop_settings(),
        enqueue=wiring.event_intake().accept,
        budget_seconds=SYNC_BUDGET_SECONDS,
    )


@router.get("/admin/shops/<shop_id>/carriers", summary="TikTok shipping providers and the Magento carriers mapped")
def list_carriers(shop_id: str) -> admin.CarrierView:
    shop = wiring.connect_store().get_shop(shop_id)
    providers = admin.seller_providers(wiring.tiktok_api(), _shop(shop_id), shop.warehouse_id if shop else None)
    mapping = wiring.shop_settings().get(shop_id, CARRIERS_SECTION, CarrierMap)
    return admin.carrier_view(shop_id, providers, mapping)


@router.put("/admin/shops/<shop_id>/carriers", summary="Map a Magento carrier to a TikTok shipping provider")
def map_carrier(shop_id: str, request: Annotated[admin.CarrierMapRequest, Body()]) -> admin.CarrierView:
    shop = wiring.connect_store().get_shop(shop_id)
    providers = admin.seller_providers(wiring.tiktok_api(), _shop(shop_id), shop.warehouse_id if shop else None)
    mapping = admin.map_carrier(wiring.shop_settings(), shop_id, request, providers)
    return admin.carrier_view(shop_id, providers, mapping)


@router.get("/admin/shops/<shop_id>/order-settings", summary="How TikTok orders become Magento orders in a shop")
def read_order_settings(shop_id: str) -> OrderSettings:
    _shop(shop_id)
    return wiring.shop_settings().get(shop_id, ORDERS_SECTION, OrderSettings)


@router.put("/admin/shops/<shop_id>/order-settings", summary="Change a shop's order settings")
def write_order_settings(shop_id: str, settings: Annotated[OrderSettings, Body()]) -> OrderSettings:
    _shop(shop_id)
    wiring.shop_settings().save(shop_id, ORDERS_SECTION, settings)
    return settings
