"""The per-shop sections of the Settings screen, each reading and saving exactly what its admin route does.

- Price and stock sync: `GET`/`PATCH /admin/sync/settings/{shop}` with the `sync` part
  (`stock_sync.admin.change_settings`: validated, and a re-sync of what the change affects is started).
- Sources → warehouse: the same route's `inventory` part, checked against the shop's TikTok warehouses and
  Magento's MSI sources as the admin route checks it.
- Order import: `GET`/`PUT /admin/shops/{shop}/order-settings` (`OrderSettings`).
- Carriers: `GET`/`PUT /admin/shops/{shop}/carriers` (`order_import.admin.map_carrier`), one carrier per POST.
- Refunds: `GET`/`PUT /admin/shops/{shop}/refund-settings` (`RefundSettings`).

A form carries the whole section (a checkbox left unticked is `false`), so a repeated POST leaves the same
settings; a field the section does not have is refused.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from tts_connector import wiring
from tts_connector.connect import admin as connect_admin
from tts_connector.console.responses import validated
from tts_connector.errors import InvalidInputError
from tts_connector.order_import import admin as orders_admin
from tts_connector.order_import.options import CARRIERS_SECTION, ORDERS_SECTION, CarrierMap, OrderSettings
from tts_connector.refunds import admin as refunds_admin
from tts_connector.refunds.options import REFUNDS_SECTION, RefundSettings, ReturnToStock
from tts_connector.stock_sync import admin as sync_admin
from tts_connector.stock_sync.settings import PriceAdjustment, PriceRounding, StockHoldBack, SyncSettings
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.logistics import Warehouse

# A ticked checkbox sends "true"; an unticked one sends nothing.
TICKED = "true"
# `source:<TikTok warehouse id>:<MSI source code>`, one checkbox per pair.
SOURCE_FIELD = "source"


def form_values(fields: dict[str, str], *, known: Collection[str], checkboxes: Collection[str]) -> dict[str, Any]:
    """A section's form as model input: dotted names nest (`price_rule.amount`), blank fields are left out,
    checkboxes become booleans; a field the section does not have is refused."""
    unknown = sorted(set(fields) - set(known) - set(checkboxes))
    if unknown:
        raise InvalidInputError(f"Unknown setting {unknown[0]}")
    values: dict[str, Any] = {}
    for name in [*known, *checkboxes]:
        if name in checkboxes:
            value = fields.get(name, "false")
            if value not in (TICKED, "false"):
                raise InvalidInputError(f"{name} must be true or false")
            leaf: Any = value == TICKED
        elif fields.get(name, "") == "":
            continue
        else:
            leaf = fields[name]
        *parents, last = name.split(".")
        target = values
        for parent in parents:
            target = target.setdefault(parent, {})
        target[last] = leaf
    return values


# ---------- Price and stock sync ----------
SYNC_FIELDS = (
    "price_rule.adjustment",
    "price_rule.amount",
    "price_rule.rounding",
    "stock_buffer.hold_back",
    "stock_buffer.amount",
    "stock_buffer.floor",
    "website_code",
)
SYNC_CHECKBOXES = ("price_sync", "stock_sync", "price_rule.use_special_price")


@dataclass(frozen=True)
class SyncView:
    settings: SyncSettings
    adjustments: list[PriceAdjustment]
    roundings: list[PriceRounding]
    hold_backs: list[StockHoldBack]


def load_sync(shop_id: str) -> SyncView:
    services = wiring.stock_sync()
    return SyncView(
        settings=services.target(shop_id).settings,
        adjustments=list(PriceAdjustment),
        roundings=list(PriceRounding),
        hold_backs=list(StockHoldBack),
    )


def parse_sync(fields: dict[str, str]) -> sync_admin.SettingsChange:
    values = form_values(fields, known=SYNC_FIELDS, checkboxes=SYNC_CHECKBOXES)
    return sync_admin.SettingsChange(sync=validated(sync_admin.SyncSettingsPatch, values))


def _change_sync(shop_id: str, change: sync_admin.SettingsChange) -> str:
    services = wiring.stock_sync()

    def warehouses() -> set[str]:
        return {w.id for w in wiring.tiktok_api().logistics.warehouses(services.target(shop_id).ref)}

    report = sync_admin.change_settings(
        services,
        shop_id,
        change,
        known_warehouses=warehouses,
        known_sources=lambda: set(sync_admin.magento_source_codes(wiring.magento_client())),
    )
    if not report.changed:
        return "nothing changed"
    text = "changed " + ", ".join(name.replace("_", " ") for name in report.changed)
    if report.resync is not None:
        kinds = " and ".join(k.value for k in report.resync.kinds)
        text += f"; a re-sync of {kinds} started (run {report.resync.run_id})"
    return text


def save_sync(shop_id: str, fields: dict[str, str]) -> str:
    return _change_sync(shop_id, parse_sync(fields))


# ---------- Sources -> warehouse ----------
@dataclass(frozen=True)
class InventoryView:
    warehouses: list[Warehouse]
    sources: list[str]
    sources_by_warehouse: dict[str, list[str]]


def load_inventory(shop_id: str) -> InventoryView:
    services = wiring.stock_sync()
    target = services.target(shop_id)
    return InventoryView(
        warehouses=wiring.tiktok_api().logistics.warehouses(target.ref),
        sources=sync_admin.magento_source_codes(wiring.magento_client()),
        sources_by_warehouse=dict(target.inventory.sources_by_warehouse),
    )


def parse_inventory(fields: dict[str, str]) -> sync_admin.SettingsChange:
    chosen: dict[str, list[str]] = {}
    for name, value in fields.items():
        kind, _, rest = name.partition(":")
        warehouse, _, source = rest.partition(":")
        if kind != SOURCE_FIELD or not warehouse or not source:
            raise InvalidInputError(f"Unknown setting {name}")
        if value != TICKED:
            raise InvalidInputError(f"{name} must be true when sent")
        chosen.setdefault(warehouse, []).append(source)
    values = {"sources_by_warehouse": {w: sorted(s) for w, s in chosen.items()}}
    return sync_admin.SettingsChange(inventory=validated(sync_admin.InventoryPatch, values))


def save_inventory(shop_id: str, fields: dict[str, str]) -> str:
    return _change_sync(shop_id, parse_inventory(fields))


# ---------- Order import ----------
ORDER_FIELDS = (
    "placeholder_email",
    "shipping_carrier_code",
    "shipping_method_code",
    "payment_method",
    "shipment_source_code",
    "initial_sync_hours",
)
ORDER_CHECKBOXES = ("import_at_placement", "import_platform_orders_at_awaiting_shipment")


def _order_shop(shop_id: str) -> ShopRef:
    """What the order-settings routes accept: any shop the connector has authorized."""
    return connect_admin.shop_ref(wiring.connect_store(), shop_id)


def load_orders(shop_id: str) -> OrderSettings:
    _order_shop(shop_id)
    return wiring.shop_settings().get(shop_id, ORDERS_SECTION, OrderSettings)


def parse_orders(fields: dict[str, str]) -> OrderSettings:
    return validated(OrderSettings, form_values(fields, known=ORDER_FIELDS, checkboxes=ORDER_CHECKBOXES))


def save_orders(shop_id: str, fields: dict[str, str]) -> str:
    settings = parse_orders(fields)
    _order_shop(shop_id)
    wiring.shop_settings().save(shop_id, ORDERS_SECTION, settings)
    return "saved"


# ---------- Carriers -> TikTok shipping providers ----------
def _providers(shop_id: str) -> list[orders_admin.ProviderView]:
    shop = wiring.connect_store().get_shop(shop_id)
    return orders_admin.seller_providers(wiring.tiktok_api(), _order_shop(shop_id), shop.warehouse_id if shop else None)


def load_carriers(shop_id: str) -> orders_admin.CarrierView:
    mapping = wiring.shop_settings().get(shop_id, CARRIERS_SECTION, CarrierMap)
    return orders_admin.carrier_view(shop_id, _providers(shop_id), mapping)


def parse_carrier(fields: dict[str, str]) -> orders_admin.CarrierMapRequest:
    values = form_values(fields, known=("magento_carrier", "shipping_provider_id"), checkboxes=())
    return validated(orders_admin.CarrierMapRequest, values)


def save_carrier(shop_id: str, fields: dict[str, str]) -> str:
    request = parse_carrier(fields)
    updated = orders_admin.map_carrier(wiring.shop_settings(), shop_id, request, _providers(shop_id))
    carrier = orders_admin.normalized_carrier(request.magento_carrier)
    choice = updated.mappings.get(carrier)
    if choice is None:
        return f"Magento carrier {carrier} is not mapped"
    return f"Magento carrier {carrier} ships with {choice.shipping_provider_name} ({choice.shipping_provider_id})"


# ---------- Refunds ----------
@dataclass(frozen=True)
class RefundView:
    settings: RefundSettings
    choices: list[ReturnToStock]


def _refund_shop(shop_id: str) -> ShopRef:
    """What the refund-settings routes accept: a shop the connector serves."""
    served = [ShopRef(s.shop_id, s.cipher) for s in wiring.connect_store().list_shops() if s.selected]
    return refunds_admin.pick_shop(served, shop_id)


def load_refunds(shop_id: str) -> RefundView:
    _refund_shop(shop_id)
    return RefundView(wiring.shop_settings().get(shop_id, REFUNDS_SECTION, RefundSettings), list(ReturnToStock))


def parse_refunds(fields: dict[str, str]) -> RefundSettings:
    return validated(RefundSettings, form_values(fields, known=("return_to_stock",), checkboxes=("notify_customer",)))


def save_refunds(shop_id: str, fields: dict[str, str]) -> str:
    settings = parse_refunds(fields)
    _refund_shop(shop_id)
    wiring.shop_settings().save(shop_id, REFUNDS_SECTION, settings)
    return "saved"
