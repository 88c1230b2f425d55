"""Order import's pure rules: settings, SKU mapping, addresses, totals, carriers, the skip rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.listings.fakes import InMemoryListingStore
from tts_connector.listings.records import ListedSku, Listing
from tts_connector.order_import.addresses import buyer_address
from tts_connector.order_import.carriers import automatic_match, carrier_key, resolve_provider
from tts_connector.order_import.converge import Hint, _already_converged, normalized_status
from tts_connector.order_import.failures import OrderParked
from tts_connector.order_import.lines import cart_lines
from tts_connector.order_import.options import CarrierChoice, CarrierMap, OrderSettings
from tts_connector.order_import.records import OrderRecord, OrderState, Placement
from tts_connector.order_import.totals import compare_totals
from tts_connector.tiktok.models.logistics import ShippingProvider
from tts_connector.tiktok.models.order import LineItem, Payment, RecipientAddress

SHOP = "7494049642642441621"
US_REGIONS = [{"id": "12", "code": "CA", "name": "California"}, {"id": "43", "code": "NY", "name": "New York"}]
PROVIDERS = [
    ShippingProvider(id="1", name="USPS"),
    ShippingProvider(id="2", name="UPS"),
    ShippingProvider(id="3", name="FedEx"),
    ShippingProvider(id="4", name="Royal Mail"),
]


def _line(line_id: str, sku_id: str, seller_sku: str | None = None, status: str = "AWAITING_SHIPMENT") -> LineItem:
    return LineItem(id=line_id, sku_id=sku_id, product_id="p", seller_sku=seller_sku, display_status=status)


# ---------- settings ----------
def test_order_settings_default_to_the_guide() -> None:
    settings = OrderSettings()

    assert (settings.import_at_placement, settings.import_platform_orders_at_awaiting_shipment) == (False, False)
    assert settings.email_for("576461413038785752") == "tiktok+576461413038785752@example.com"


@pytest.mark.parametrize(
    "changes",
    [
        {"placeholder_email": "orders@shop.example"},  # no {order_id}: a lost placement could not be found
        {"placeholder_email": "{order_id}"},
        {"payment_method": "check mo"},
        {"import_at_placement": "yes"},
        {"unknown": 1},
    ],
)
def test_order_settings_refuse_what_cannot_work(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        OrderSettings.model_validate(changes)


# ---------- SKU mapping ----------
def _listings() -> InMemoryListingStore:
    store = InMemoryListingStore()
    store.save(
        Listing(
            shop_id=SHOP,
            magento_sku="MS-TEE",
            tiktok_product_id="p",
            skus=[ListedSku(magento_sku="MS-TEE-S-BLA", tiktok_sku_id="sku-1")],
        )
    )
    return store


def test_lines_are_aggregated_per_sku_and_mapped_through_the_listing_first() -> None:
    lines = cart_lines(
        SHOP,
        "o1",
        [
            _line("l1", "sku-1", "IGNORED"),
            _line("l2", "sku-1"),
            _line("l3", "sku-2", "BAG-TOTE"),
            _line("l4", "sku-2", "BAG-TOTE", "CANCELLED"),
        ],
        listings=_listings(),
        product_type=lambda sku: "simple" if sku == "BAG-TOTE" else None,
    )

    assert [(x.magento_sku, x.qty, x.mapped_by) for x in lines] == [
        ("BAG-TOTE", 1, "seller_sku"),
        ("MS-TEE-S-BLA", 2, "listing"),
    ]


def test_unmapped_lines_park_the_order_naming_each_sku() -> None:
    with pytest.raises(OrderParked) as parked:
        cart_lines(
            SHOP,
            "o1",
            [_line("l1", "sku-9", "NOPE"), _line("l2", "sku-8"), _line("l3", "sku-7", "MS-TEE")],
            listings=_listings(),
            product_type=lambda sku: "configurable" if sku == "MS-TEE" else None,
        )

    message = parked.value.message
    assert "'NOPE' is not a Magento SKU" in message
    assert "sku-8" in message and "no seller SKU" in message
    assert "'MS-TEE' is a configurable product" in message
    assert "ttsc orders retry o1" in (parked.value.hint or "")


# ---------- addresses ----------
def _recipient(**changes: Any) -> RecipientAddress:
    data: dict[str, Any] = {
        "name": "Jane Doe",
        "phone_number": "(+1)213-***-1234",
        "address_line1": "1199 Coleman Ave",
        "address_line2": "Suite 100",
        "address_line3": "Building 2",
        "postal_code": "95110",
        "region_code": "US",
        "district_info": [
            {"address_level": "L0", "address_name": "United States"},
            {"address_level": "L1", "address_name": "California"},
            {"address_level": "L3", "address_name": "San Jose"},
        ],
    }
    return RecipientAddress.model_validate(data | changes)


def test_buyer_address_takes_the_region_id_from_magentos_directory() -> None:
    address = buyer_address(_recipient(), email="e@example.com", regions=lambda _c: US_REGIONS, order_id="o1")

    assert (address.firstname, address.lastname) == ("Jane", "Doe")
    assert address.street == ("1199 Coleman Ave", "Suite 100, Building 2")
    assert (address.city, address.region_id, address.region_code, address.country_id) == ("San Jose", 12, "CA", "US")
    assert address.telephone == "(+1)213-***-1234"


def test_an_unknown_region_parks_the_order() -> None:
    recipient = _recipient(district_info=[{"address_level": "L1", "address_name": "Atlantis"}])

    with pytest.raises(OrderParked, match="Atlantis"):
        buyer_address(recipient, email="e@example.com", regions=lambda _c: US_REGIONS, order_id="o1")


# ---------- totals ----------
def test_totals_are_compared_line_by_line() -> None:
    payment = Payment(
        currency="USD",
        original_total_product_price=Decimal("50.00"),
        seller_discount=Decimal("5.00"),
        platform_discount=Decimal("2.00"),
        sub_total=Decimal("43.00"),
        shipping_fee=Decimal("4.99"),
        tax=Decimal("3.60"),
        total_amount=Decimal("51.59"),
    )
    order = {
        "subtotal": 50.0,
        "discount_amount": -7.0,
        "shipping_amount": 10.0,
        "tax_amount": 0,
        "grand_total": 53.0,
        "order_currency_code": "USD",
    }

    comparison = compare_totals(payment, order)

    assert comparison.differences == [
        "shipping: TikTok 4.99, Magento 10.00 (Magento +5.01)",
        "tax: TikTok 3.60, Magento 0.00 (Magento -3.60)",
        "total: TikTok 51.59, Magento 53.00 (Magento +1.41)",
    ]
    assert compare_totals(payment, order | {"order_currency_code": "EUR"}).differences[0].startswith("currency")


# ---------- carriers ----------
@pytest.mark.parametrize(
    ("code", "title", "expected"),
    [
        ("ups", "United Parcel Service", "UPS"),
        ("usps", "", "USPS"),
        ("fedex", "Federal Express", "FedEx"),
        ("custom", "Royal Mail Tracked 24", "Royal Mail"),
        ("custom", "Pigeon Post", None),
    ],
)
def test_carriers_match_providers_by_name(code: str, title: str, expected: str | None) -> None:
    found = automatic_match(code, title, PROVIDERS)
    assert (found.name if found else None) == expected


def test_an_explicit_mapping_wins_and_follows_the_provider_name_across_delivery_options() -> None:
    mapping = CarrierMap(
        mappings={"custom:pigeon post": CarrierChoice(shipping_provider_id="99", shipping_provider_name="UPS")}
    )

    provider, how = resolve_provider(mapping, "custom", "Pigeon  Post", PROVIDERS)

    assert carrier_key("custom", "Pigeon  Post") == "custom:pigeon post"
    assert (provider.id if provider else None, how) == ("2", "mapped (by provider name)")
    assert resolve_provider(CarrierMap(), "custom", "Pigeon Post", PROVIDERS) == (None, "not mapped")


# ---------- the skip rule ----------
def test_a_hint_older_than_the_record_needs_no_work_unless_the_record_is_unsettled() -> None:
    record = OrderRecord(
        shop_id=SHOP,
        tiktok_order_id="o1",
        state=OrderState.IMPORTED,
        tiktok_status="AWAITING_SHIPMENT",
        tiktok_update_time=100,
        version=3,
    )

    assert _already_converged(record, Hint(update_time=99, status="UNPAID"))
    assert _already_converged(record, Hint(update_time=100, status="AWAITING_SHIPMENT"))
    assert not _already_converged(record, Hint(update_time=100, status="CANCEL"))
    assert not _already_converged(record, Hint(update_time=101, status="AWAITING_SHIPMENT"))
    assert not _already_converged(record.model_copy(update={"state": OrderState.FAILED}), Hint(update_time=1))
    placing = record.model_copy(update={"placement": Placement(started_at=1, customer_email="e@example.com")})
    assert not _already_converged(placing, Hint(update_time=1))
    assert normalized_status("CANCEL") == normalized_status("cancelled") == "CANCELLED"
