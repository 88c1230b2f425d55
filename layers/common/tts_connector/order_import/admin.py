"""What the admin API does for orders and carriers (routes.py only parses and answers)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tts_connector.errors import ConnectorError, InvalidInputError, NotFoundError
from tts_connector.magento.client import MagentoClient
from tts_connector.order_import.carriers import ALIASES, automatic_match, carrier_key
from tts_connector.order_import.handlers import Enqueue
from tts_connector.order_import.options import CARRIERS_SECTION, CarrierChoice, CarrierMap
from tts_connector.order_import.records import OrderRecord, OrderState
from tts_connector.order_import.requests import retry_request
from tts_connector.order_import.store import OrderStore
from tts_connector.order_import.sync import SyncReport, scan_magento_shipments, sync_shop_orders
from tts_connector.shop_settings import ShopSettingsStore
from tts_connector.sync_cursor import SyncRequest
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef

_CARRIER_CODE = re.compile(r"^[a-z0-9_]{1,64}$")


class OrderSummary(BaseModel):
    tiktok_order_id: str
    shop_id: str
    state: OrderState
    tiktok_status: str
    shipping_type: str | None = None
    magento_order_id: int | None = None
    magento_increment_id: str | None = None
    totals_differ: bool = False
    failure: str | None = None
    updated_at: int = 0


class OrderDetail(BaseModel):
    record: OrderRecord
    tiktok: dict[str, Any] | None = None
    tiktok_error: str | None = None
    magento: dict[str, Any] | None = None
    magento_error: str | None = None


class RetryReport(BaseModel):
    tiktok_order_id: str
    shop_id: str
    event_key: str
    previous_state: OrderState


class ShopSyncView(BaseModel):
    shop_id: str
    since: int
    queued: list[str]
    up_to_date: int
    cursor: int
    complete: bool


class SyncResult(BaseModel):
    shops: list[ShopSyncView]
    shipments_queued: list[int]


class ProviderView(BaseModel):
    id: str
    name: str
    delivery_option_id: str
    delivery_option_name: str


class CarrierView(BaseModel):
    shop_id: str
    providers: list[ProviderView]
    mappings: dict[str, CarrierChoice]
    # What Magento's own carriers match by name when not mapped (None: no unique match).
    automatic: dict[str, str | None]


class CarrierMapRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    # A Magento carrier code (ups, usps, fedex, dhl, ...) or "custom:<title>" for Magento's "Custom Value".
    magento_carrier: str = Field(min_length=1, max_length=200)
    # A provider id (or name) of `ttsc carriers list`; null removes the mapping.
    shipping_provider_id: str | None = Field(default=None, min_length=1, max_length=128)


def summary(record: OrderRecord) -> OrderSummary:
    return OrderSummary(
        tiktok_order_id=record.tiktok_order_id,
        shop_id=record.shop_id,
        state=record.state,
        tiktok_status=record.tiktok_status,
        shipping_type=record.shipping_type,
        magento_order_id=record.magento_order_id,
        magento_increment_id=record.magento_increment_id,
        totals_differ=bool(record.totals and not record.totals.matches),
        failure=record.failure,
        updated_at=record.updated_at,
    )


def find_record(store: OrderStore, shop_ids: Sequence[str], order_id: str) -> OrderRecord:
    for shop_id in shop_ids:
        record = store.get(shop_id, order_id)
        if record is not None:
            return record
    raise NotFoundError(
        f"The connector has no record of TikTok order {order_id}",
        hint="Run `ttsc orders sync` to look for orders TikTok changed recently",
    )


def order_detail(
    record: OrderRecord, shop: ShopRef | None, tiktok: Callable[[], TikTokShopApi], magento: Callable[[], MagentoClient]
) -> OrderDetail:
    """The record with both sides as they are now; a side that cannot be read is reported, not fatal."""
    detail = OrderDetail(record=record)
    if shop is not None:
        try:
            found = tiktok().orders.details(shop, [record.tiktok_order_id])
            if found:
                order = found[0]
                detail.tiktok = {
                    "status": order.status,
                    "update_time": order.update_time,
                    "shipping_type": order.shipping_type,
                    "payment": order.payment.model_dump(mode="json", exclude_none=True),
                    "line_items": [
                        {
                            "id": i.id,
                            "sku_id": i.sku_id,
                            "seller_sku": i.seller_sku,
                            "status": i.display_status,
                            "tracking_number": i.tracking_number,
                        }
                        for i in order.line_items
                    ],
                }
        except ConnectorError as exc:
            detail.tiktok_error = exc.message
    if record.magento_order_id is not None:
        try:
            magento_order = magento().sales.get_order(record.magento_order_id)
            detail.magento = {
                key: magento_order.get(key)
                for key in (
                    "entity_id",
                    "increment_id",
                    "state",
                    "status",
                    "ext_order_id",
                    "customer_email",
                    "subtotal",
                    "shipping_amount",
                    "discount_amount",
                    "tax_amount",
                    "grand_total",
                    "total_invoiced",
                    "order_currency_code",
                )
            }
        except ConnectorError as exc:
            detail.magento_error = exc.message
    return detail


def queue_retry(record: OrderRecord, enqueue: Enqueue, clock: Callable[[], float] = time.time) -> RetryReport:
    event = retry_request(record.shop_id, record.tiktok_order_id, int(clock() * 1000))
    enqueue(event)
    return RetryReport(
        tiktok_order_id=record.tiktok_order_id,
        shop_id=record.shop_id,
        event_key=event.event_key,
        previous_state=record.state,
    )


def run_sync(
    request: SyncRequest,
    shops: Sequence[ShopRef],
    *,
    store: OrderStore,
    tiktok: TikTokShopApi,
    magento: MagentoClient,
    shop_settings: ShopSettingsStore,
    enqueue: Enqueue,
    budget_seconds: float,
) -> SyncResult:
    """Reconcile now (the schedule's work); a run out of time leaves the rest to the schedule via the cursor."""
    deadline = time.monotonic() + budget_seconds
    if request.shop_id is not None:
        shops = [s for s in shops if s.shop_id == request.shop_id]
        if not shops:
            raise NotFoundError(f"Shop {request.shop_id} is not served by the connector", hint="See `ttsc shops list`")
    reports: list[SyncReport] = [
        sync_shop_orders(
            shop=shop,
            store=store,
            tiktok=tiktok,
            shop_settings=shop_settings,
            enqueue=enqueue,
            since=request.since,
            deadline=deadline,
        )
        for shop in shops
    ]
    shipments = scan_magento_shipments(magento=magento, store=store, enqueue=enqueue)
    return SyncResult(
        shops=[ShopSyncView(**vars(r)) for r in reports],
        shipments_queued=shipments,
    )


def seller_providers(tiktok: TikTokShopApi, shop: ShopRef, warehouse_id: str | None) -> list[ProviderView]:
    """The shipping providers of the shop's seller-shipping delivery options (the warehouse's, or all)."""
    warehouses = (
        [warehouse_id]
        if warehouse_id
        else [w.id for w in tiktok.logistics.warehouses(shop) if w.type == "SALES_WAREHOUSE"]
    )
    seen: dict[tuple[str, str], ProviderView] = {}
    for warehouse in warehouses:
        for option in tiktok.logistics.delivery_options(shop, warehouse):
            if (option.type or "").upper() != "SEND_BY_SELLER":
                continue
            for provider in tiktok.logistics.shipping_providers(shop, option.id):
                seen[(option.id, provider.id)] = ProviderView(
                    id=provider.id, name=provider.name, delivery_option_id=option.id, delivery_option_name=option.name
                )
    return list(seen.values())


def carrier_view(shop_id: str, providers: list[ProviderView], mapping: CarrierMap) -> CarrierView:
    from tts_connector.tiktok.models.logistics import ShippingProvider

    unique = list({p.id: ShippingProvider(id=p.id, name=p.name) for p in providers}.values())
    automatic = {}
    for code in sorted(ALIASES):
        match = automatic_match(code, "", unique)
        automatic[code] = f"{match.name} ({match.id})" if match else None
    return CarrierView(shop_id=shop_id, providers=providers, mappings=mapping.mappings, automatic=automatic)


def normalized_carrier(raw: str) -> str:
    text = raw.strip()
    if text.lower().startswith("custom:"):
        title = text[len("custom:") :].strip()
        if not title:
            raise InvalidInputError("A custom carrier needs its title: custom:<title as typed in Magento>")
        return carrier_key("custom", title)
    if not _CARRIER_CODE.match(text.lower()):
        raise InvalidInputError(
            f"{raw!r} is not a Magento carrier code",
            hint="Use the carrier code (ups, usps, fedex, dhl, ...) or custom:<title> for Magento's Custom Value",
        )
    return text.lower()


def map_carrier(
    shop_settings: ShopSettingsStore, shop_id: str, request: CarrierMapRequest, providers: list[ProviderView]
) -> CarrierMap:
    key = normalized_carrier(request.magento_carrier)
    current = shop_settings.get(shop_id, CARRIERS_SECTION, CarrierMap)
    mappings = dict(current.mappings)
    if request.shipping_provider_id is None:
        mappings.pop(key, None)
    else:
        wanted = request.shipping_provider_id.strip()
        match = [p for p in providers if p.id == wanted] or [
            p for p in providers if p.name.casefold() == wanted.casefold()
        ]
        if not match:
            known = ", ".join(sorted({f"{p.name} ({p.id})" for p in providers})) or "none"
            raise InvalidInputError(
                f"{wanted!r} is not one of the shop's TikTok shipping providers",
                hint=f"Providers for seller shipping: {known}",
            )
        mappings[key] = CarrierChoice(shipping_provider_id=match[0].id, shipping_provider_name=match[0].name)
    updated = CarrierMap(mappings=mappings)
    shop_settings.save(shop_id, CARRIERS_SECTION, updated)
    return updated
