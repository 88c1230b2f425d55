"""Base prices, placing a guest cart with PUT .../order, and tracks added to a shipment: client and sandbox."""

from __future__ import annotations

import pytest

from magento_sandbox import MagentoSandbox
from tests.integration.magento.support import signed
from tts_connector.errors import InvalidInputError, NotFoundError
from tts_connector.magento import (
    Address,
    BasePrice,
    MagentoClient,
    PriceUpdateFailure,
    SearchCriteria,
    Track,
)

pytestmark = pytest.mark.integration

INVALID = "Invalid attribute %fieldName = %fieldValue."


def test_base_prices_save_valid_rows_and_answer_the_failed_ones(magento: MagentoClient) -> None:
    failures = magento.catalog.update_base_prices(
        [
            BasePrice("WB/01 750ml", 14.5),
            BasePrice("BAG-TOTE", 41.0, store_id=1),  # the price is global: store 1 writes the global value
            BasePrice("NOPE", 5.0),
            BasePrice("MUG-SOLDOUT", -1.0),
            BasePrice("MS-TEE", 30.0),  # a configurable has no price of its own
            BasePrice("MUG-SOLDOUT", 8.0, store_id=7),
        ]
    )

    assert failures == [
        PriceUpdateFailure(INVALID, ("SKU", "NOPE")),
        PriceUpdateFailure(INVALID, ("Price", "-1")),
        PriceUpdateFailure(INVALID, ("SKU", "MS-TEE")),
        PriceUpdateFailure(
            "Requested store is not found. Row ID: SKU = MUG-SOLDOUT, Store ID: 7.", ("MUG-SOLDOUT", "7")
        ),
    ]
    assert failures[0].text == "Invalid attribute SKU = NOPE."
    assert magento.catalog.get_product("WB/01 750ml")["price"] == 14.5
    assert magento.catalog.get_product("BAG-TOTE", global_scope=True)["price"] == 41.0
    assert magento.catalog.get_product("MUG-SOLDOUT")["price"] == 9.0
    assert magento.catalog.update_base_prices([BasePrice("MUG-SOLDOUT", 8.0)]) == []


def test_base_prices_validate_the_body_like_every_other_write(sandbox: MagentoSandbox) -> None:
    missing = signed(sandbox, "POST", "/rest/all/V1/products/base-prices", {})
    unknown_key = signed(
        sandbox, "POST", "/rest/all/V1/products/base-prices", {"prices": [{"sku": "BAG-TOTE", "price": 1, "qty": 1}]}
    )
    numeric_string = signed(
        sandbox,
        "POST",
        "/rest/all/V1/products/base-prices",
        {"prices": [{"sku": "BAG-TOTE", "price": "38.5", "store_id": "0"}]},
    )

    assert missing.json() == {
        "message": '"%fieldName" is required. Enter and try again.',
        "parameters": {"fieldName": "prices"},
    }
    assert unknown_key.json()["parameters"] == ["Qty", "Magento\\Catalog\\Api\\Data\\BasePriceInterface"]
    assert (numeric_string.status_code, numeric_string.json()) == (200, [])


def _cart_ready(magento: MagentoClient, buyer: Address, sku: str = "BAG-TOTE", qty: float = 1) -> str:
    cart = magento.checkout.create_guest_cart()
    magento.checkout.add_item(cart, sku, qty)
    magento.checkout.set_shipping_information(cart, buyer, buyer, carrier_code="flatrate", method_code="flatrate")
    return cart


def test_put_order_places_the_cart_with_the_billing_email(magento: MagentoClient, buyer: Address) -> None:
    cart = _cart_ready(magento, buyer, qty=2)

    order_id = magento.checkout.place_cart_order(cart, payment_method="banktransfer")

    order = magento.sales.get_order(order_id)
    assert (order["state"], order["customer_email"], order["grand_total"]) == ("new", buyer.email, 88.0)
    assert order["payment"]["method"] == "banktransfer"
    assert magento.inventory.salable_quantity("BAG-TOTE") == 1.0
    with pytest.raises(NotFoundError, match="No such entity with cartId"):
        magento.checkout.place_cart_order(cart, payment_method="banktransfer")


def test_put_order_refuses_what_payment_information_refuses(
    magento: MagentoClient, sandbox: MagentoSandbox, buyer: Address
) -> None:
    cart = _cart_ready(magento, buyer)
    no_method = signed(sandbox, "PUT", f"/rest/default/V1/guest-carts/{cart}/order", {})

    assert (no_method.status_code, no_method.json()) == (
        400,
        {"message": "Enter a valid payment method and try again."},
    )
    with pytest.raises(InvalidInputError, match="The requested Payment Method is not available"):
        magento.checkout.place_cart_order(cart, payment_method="free")
    sandbox.config.guest_checkout_enabled = False
    with pytest.raises(InvalidInputError, match="Sorry, guest checkout is not available"):
        magento.checkout.place_cart_order(cart, payment_method="checkmo")
    assert magento.sales.search_orders(SearchCriteria()).total_count == 0


def test_a_track_is_added_to_a_shipment_of_the_same_order_only(magento: MagentoClient, buyer: Address) -> None:
    first = magento.checkout.place_cart_order(_cart_ready(magento, buyer), payment_method="checkmo")
    other = magento.checkout.place_cart_order(_cart_ready(magento, buyer, "WB/01 750ml"), payment_method="checkmo")
    shipment_id = magento.sales.ship(first)
    magento.sales.ship(other)

    track = magento.sales.add_track(first, shipment_id, Track("1Z999AA10123456784", "UPS", "ups"))

    assert (track["order_id"], track["parent_id"], track["track_number"]) == (first, shipment_id, "1Z999AA10123456784")
    assert track["entity_id"] > 0
    assert [t["track_number"] for t in magento.sales.get_shipment(shipment_id)["tracks"]] == ["1Z999AA10123456784"]
    with pytest.raises(InvalidInputError, match="Could not save the shipment tracking"):
        magento.sales.add_track(other, shipment_id, Track("1Z1", "UPS", "ups"))
    with pytest.raises(InvalidInputError, match="Could not save the shipment tracking"):
        magento.sales.add_track(first, 999, Track("1Z1", "UPS", "ups"))
    assert len(magento.sales.get_shipment(shipment_id)["tracks"]) == 1
