"""Settings per shop: price and stock sync, sources → warehouse, order import, carriers, refunds.

Each section is rendered as a form for operators and as text for viewers, parses its whole form strictly
(unknown fields refused, a bad value named), and answers a refusal as a 4xx message inside its section."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.unit.common_fakes import InMemoryShopSettingsStore
from tests.unit.console.test_fragments import OPERATOR, VIEWER, WRITE_CONTROL, resolve_ui, store_with_shops
from tts_connector import wiring
from tts_connector.console import settings_screen
from tts_connector.console import settings_sections as sections
from tts_connector.console.auth import ConsoleUser
from tts_connector.console.rendering import render
from tts_connector.errors import InvalidInputError
from tts_connector.order_import.admin import CarrierView, ProviderView
from tts_connector.order_import.options import ORDERS_SECTION, CarrierChoice, OrderSettings
from tts_connector.refunds.options import REFUNDS_SECTION, RefundSettings, ReturnToStock
from tts_connector.stock_sync import admin as sync_admin
from tts_connector.stock_sync.settings import (
    InventorySettings,
    PriceAdjustment,
    PriceRounding,
    StockHoldBack,
    SyncSettings,
)
from tts_connector.tiktok.models.logistics import Warehouse

SHOP = "1001"
SYNC_FORM = {
    "price_sync": "true",
    "price_rule.adjustment": "percent",
    "price_rule.amount": "10",
    "price_rule.rounding": ".99",
    "stock_buffer.hold_back": "units",
    "stock_buffer.amount": "2",
    "stock_buffer.floor": "1",
    "website_code": "base",
}


def shop_values() -> dict[str, Any]:
    return {
        "sync": sections.SyncView(
            SyncSettings(stock_sync=False),
            list(PriceAdjustment),
            list(PriceRounding),
            list(StockHoldBack),
        ),
        "inventory": sections.InventoryView(
            warehouses=[Warehouse(id="WH-1", name="<b>Main</b>", effect_status="ENABLED", type="SALES_WAREHOUSE")],
            sources=["default", "east"],
            sources_by_warehouse={"WH-1": ["east"]},
        ),
        "orders": OrderSettings(placeholder_email="orders+{order_id}@shop.example"),
        "carriers": CarrierView(
            shop_id=SHOP,
            providers=[ProviderView(id="P1", name="UPS", delivery_option_id="D1", delivery_option_name="Std")],
            mappings={"custom:<i>x</i>": CarrierChoice(shipping_provider_id="P1", shipping_provider_name="UPS")},
            automatic={"ups": "UPS (P1)", "dhl": None},
        ),
        "refunds": sections.RefundView(RefundSettings(notify_customer=True), list(ReturnToStock)),
    }


def settings_html(user: ConsoleUser, **entry_fields: Any) -> str:
    values = shop_values()
    entries = [
        {"section": s, "value": values[s.key], "error": None, "saved": ""} | entry_fields.get(s.key, {})
        for s in settings_screen.SHOP_SECTIONS
    ]
    return render("settings.html", user=user, sections=[], saved="", shops=[SHOP], shop_id=SHOP, shop_sections=entries)


def section(html: str, key: str) -> str:
    return html.split(f'id="shop-section-{key}"')[1].split("</section>")[0]


# ---------- rendering ----------
def test_each_shop_section_is_a_form_for_operators(monkeypatch: pytest.MonkeyPatch) -> None:
    html = settings_html(OPERATOR)

    sync = section(html, "sync")
    assert 'hx-post="ui/settings/shops/1001/sync"' in sync
    assert 'name="price_sync" value="true" checked' in sync and 'name="stock_sync" value="true">' in sync
    assert 'name="price_rule.amount" type="text" value="0"' in sync
    inventory = section(html, "inventory")
    assert 'name="source:WH-1:east" value="true" aria-label="east feeds &lt;b&gt;Main&lt;/b&gt;" checked' in inventory
    assert "<b>Main</b>" not in html
    assert 'value="orders+{order_id}@shop.example"' in section(html, "orders")
    carriers = section(html, "carriers")
    assert "custom:&lt;i&gt;x&lt;/i&gt;" in carriers and "<i>x</i>" not in carriers
    assert "Remove the mapping of custom:&lt;i&gt;x&lt;/i&gt;" in carriers and "<code>ups</code> → UPS (P1)" in carriers
    assert "dhl" not in carriers  # matched by no provider: not listed as matched
    assert 'name="notify_customer" value="true" checked' in section(html, "refunds")


def test_viewers_see_every_shop_setting_as_text_without_write_controls() -> None:
    html = settings_html(VIEWER)

    assert not WRITE_CONTROL.search(html.replace('<button type="submit">Show</button>', ""))
    assert "hx-post" not in html and "<input" not in html
    sync = section(html, "sync")
    assert "Sync stock to TikTok</span> <span>No" in sync and "Sync prices to TikTok</span> <span>Yes" in sync
    assert "<td>Yes</td>" in section(html, "inventory")


def test_a_refusal_and_a_save_are_shown_in_their_own_section() -> None:
    html = settings_html(
        OPERATOR,
        orders={"error": InvalidInputError("placeholder_email: must contain {order_id}")},
        refunds={"saved": "Refunds saved: saved."},
    )

    assert 'role="alert"><h2>placeholder_email: must contain {order_id}</h2>' in section(html, "orders")
    assert "Refunds saved" in section(html, "refunds") and 'role="alert"' not in section(html, "refunds")


# ---------- parsing ----------
def test_the_sync_form_becomes_the_whole_sync_part_of_the_admin_change() -> None:
    change = sections.parse_sync(SYNC_FORM)

    assert change.inventory is None and change.sync is not None
    sync, _ = sync_admin.apply_change(SyncSettings(), InventorySettings(), change)
    assert sync.price_sync is True and sync.stock_sync is False  # an unticked checkbox is off
    assert sync.price_rule.amount == Decimal(10) and sync.price_rule.rounding is PriceRounding.UP_TO_99
    assert sync.price_rule.use_special_price is False
    assert (sync.stock_buffer.hold_back, sync.stock_buffer.amount, sync.stock_buffer.floor) == (
        StockHoldBack.UNITS,
        Decimal(2),
        1,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (SYNC_FORM | {"price_rule.amount": "ten"}, "price_rule.amount"),
        (SYNC_FORM | {"price_rule.rounding": ".95"}, "price_rule.rounding"),
        (SYNC_FORM | {"price_sync": "yes"}, "price_sync must be true or false"),
        (SYNC_FORM | {"surprise": "1"}, "Unknown setting surprise"),
    ],
)
def test_the_sync_form_refuses_bad_values_naming_the_field(fields: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        sections.parse_sync(fields)


def test_what_the_admin_change_refuses_is_named_too() -> None:
    change = sections.parse_sync(SYNC_FORM | {"stock_buffer.amount": "-1"})
    with pytest.raises(InvalidInputError, match=r"Invalid sync settings: stock_buffer\.amount"):
        sync_admin.apply_change(SyncSettings(), InventorySettings(), change)


def test_the_sources_form_is_one_checkbox_per_warehouse_and_source() -> None:
    change = sections.parse_inventory({"source:WH-1:east": "true", "source:WH-1:default": "true"})

    assert change.inventory is not None and change.inventory.sources_by_warehouse == {"WH-1": ["default", "east"]}
    assert sections.parse_inventory({}).inventory == sync_admin.InventoryPatch(sources_by_warehouse={})
    for bad in ({"warehouse": "WH-1"}, {"source:WH-1": "true"}, {"source:WH-1:east": "no"}):
        with pytest.raises(InvalidInputError):
            sections.parse_inventory(bad)


def test_the_order_and_refund_forms_read_as_their_admin_models() -> None:
    orders = sections.parse_orders({"placeholder_email": "o+{order_id}@shop.example", "initial_sync_hours": "48"})
    assert orders.initial_sync_hours == 48 and orders.import_at_placement is False
    assert orders.shipping_carrier_code == "flatrate"  # blank or absent: the default
    with pytest.raises(InvalidInputError, match="placeholder_email"):
        sections.parse_orders({"placeholder_email": "orders@shop.example"})
    with pytest.raises(InvalidInputError, match="initial_sync_hours"):
        sections.parse_orders({"initial_sync_hours": "0"})
    refunds = sections.parse_refunds({"return_to_stock": "never"})
    assert refunds == RefundSettings(return_to_stock=ReturnToStock.NEVER, notify_customer=False)
    with pytest.raises(InvalidInputError, match="return_to_stock"):
        sections.parse_refunds({"return_to_stock": "sometimes"})
    with pytest.raises(InvalidInputError, match="Unknown setting"):
        sections.parse_carrier({"magento_carrier": "ups", "provider": "P1"})


# ---------- through the resolver ----------
@pytest.fixture
def stores(monkeypatch: pytest.MonkeyPatch) -> InMemoryShopSettingsStore:
    """Orders and refunds only: the other sections read TikTok and Magento (their parsing is tested above)."""
    settings = InMemoryShopSettingsStore()
    shops = store_with_shops()
    monkeypatch.setattr(wiring, "connect_store", lambda: shops)
    monkeypatch.setattr(wiring, "shop_settings", lambda: settings)
    kept = [s for s in settings_screen.SHOP_SECTIONS if s.key in ("orders", "refunds")]
    monkeypatch.setattr(settings_screen, "SHOP_SECTIONS", kept)
    return settings


@pytest.mark.parametrize("key", ["sync", "inventory", "orders", "carriers", "refunds"])
def test_every_shop_settings_write_is_refused_to_a_viewer(key: str, stores: InMemoryShopSettingsStore) -> None:
    response = resolve_ui("POST", f"settings/shops/1001/{key}", "viewer", "notify_customer=true")

    assert response["statusCode"] == 403 and "Viewers can look but not change anything" in response["body"]
    assert stores.values == {}


def test_an_operator_saves_a_section_and_a_repeat_leaves_the_same_settings(stores: InMemoryShopSettingsStore) -> None:
    body = "return_to_stock=always&notify_customer=true"
    first = resolve_ui("POST", "settings/shops/1001/refunds", "operator", body)
    again = resolve_ui("POST", "settings/shops/1001/refunds", "operator", body)

    assert first["statusCode"] == again["statusCode"] == 200 and "Refunds saved" in again["body"]
    assert stores.get(SHOP, REFUNDS_SECTION, RefundSettings) == RefundSettings(
        return_to_stock=ReturnToStock.ALWAYS, notify_customer=True
    )
    assert 'value="always" selected' in again["body"]


def test_a_validation_error_is_a_400_message_in_its_section_and_nothing_is_saved(
    stores: InMemoryShopSettingsStore,
) -> None:
    response = resolve_ui(
        "POST", "settings/shops/1001/orders", "operator", "placeholder_email=%3Cb%3Eorders%40x.example"
    )

    assert response["statusCode"] == 400
    orders = section(response["body"], "orders")
    assert 'role="alert"' in orders and "placeholder_email" in orders and "must contain {order_id}" in orders
    assert "<b>orders" not in response["body"]
    assert stores.get(SHOP, ORDERS_SECTION, OrderSettings) == OrderSettings()
    unknown = resolve_ui("POST", "settings/shops/1001/orders", "operator", "surprise=1")
    assert unknown["statusCode"] == 400 and "Unknown setting surprise" in unknown["body"]


def test_only_served_shops_have_settings_here(stores: InMemoryShopSettingsStore) -> None:
    page = resolve_ui("GET", "settings", "viewer")
    assert page["statusCode"] == 200 and 'id="shop-section-orders"' in page["body"]
    assert '<option value="1001" selected>' in page["body"] and 'value="1002"' not in page["body"]
    gone = resolve_ui("POST", "settings/shops/1002/refunds", "operator", "return_to_stock=never")
    assert gone["statusCode"] == 400 and "does not serve shop 1002" in gone["body"]
    assert resolve_ui("GET", "settings", "viewer", shop="1002")["statusCode"] == 400
