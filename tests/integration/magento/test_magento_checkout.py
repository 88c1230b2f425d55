"""Guest-cart checkout: stock checks, store settings, methods, reservations."""

from __future__ import annotations

import pytest

from magento_sandbox import MagentoSandbox
from tts_connector.errors import InvalidInputError, NotFoundError
from tts_connector.magento import Address, MagentoClient

pytestmark = pytest.mark.integration


def _place(magento: MagentoClient, buyer: Address, lines: list[tuple[str, float]], payment: str = "checkmo") -> int:
    return magento.checkout.place_guest_order(
        lines, shipping=buyer, billing=buyer, carrier_code="flatrate", method_code="flatrate", payment_method=payment
    )


def test_placing_an_order_reserves_stock_and_computes_totals(
    magento: MagentoClient, sandbox: MagentoSandbox, buyer: Address
) -> None:
    order_id = _place(magento, buyer, [("MS-TEE-M-BLA", 2), ("WB/01 750ml", 1)])

    order = magento.sales.get_order(order_id)
    assert (order["state"], order["status"]) == ("new", "pending")
    assert order["subtotal"] == 62.5
    assert order["shipping_amount"] == 15.0  # flat rate is per item
    assert order["grand_total"] == 77.5
    assert order["customer_email"] == "buyer@example.com"
    assert magento.inventory.salable_quantity("MS-TEE-M-BLA") == 13.0
    assert sandbox.source_quantity("MS-TEE-M-BLA") == 10.0  # the source is only deducted on shipment


def test_adding_more_than_salable_is_refused(magento: MagentoClient, buyer: Address) -> None:
    cart = magento.checkout.create_guest_cart()
    magento.checkout.add_item(cart, "BAG-TOTE", 2)

    with pytest.raises(InvalidInputError, match="The requested qty is not available"):
        magento.checkout.add_item(cart, "BAG-TOTE", 2)
    with pytest.raises(InvalidInputError, match="The requested qty is not available"):
        magento.checkout.add_item(cart, "MUG-SOLDOUT", 1)


def test_stock_is_checked_again_when_the_order_is_placed(
    magento: MagentoClient, sandbox: MagentoSandbox, buyer: Address
) -> None:
    cart = magento.checkout.create_guest_cart()
    magento.checkout.add_item(cart, "BAG-TOTE", 3)
    magento.checkout.set_shipping_information(
        cart, buyer, buyer, carrier_code="freeshipping", method_code="freeshipping"
    )
    sandbox.set_source_quantity("BAG-TOTE", 1)  # sold elsewhere meanwhile

    with pytest.raises(InvalidInputError, match="The requested qty is not available"):
        magento.checkout.place_order(cart, email=buyer.email, payment_method="checkmo")


def test_guest_checkout_setting_is_enforced(magento: MagentoClient, sandbox: MagentoSandbox, buyer: Address) -> None:
    sandbox.config.guest_checkout_enabled = False

    with pytest.raises(InvalidInputError, match="Sorry, guest checkout is not available"):
        _place(magento, buyer, [("BAG-TOTE", 1)])


def test_unknown_shipping_and_payment_methods_are_refused(magento: MagentoClient, buyer: Address) -> None:
    cart = magento.checkout.create_guest_cart()
    magento.checkout.add_item(cart, "BAG-TOTE", 1)
    with pytest.raises(InvalidInputError, match="Carrier with such method not found: ups, ground"):
        magento.checkout.set_shipping_information(cart, buyer, buyer, carrier_code="ups", method_code="ground")
    magento.checkout.set_shipping_information(cart, buyer, buyer, carrier_code="flatrate", method_code="flatrate")
    with pytest.raises(InvalidInputError, match="The requested Payment Method is not available"):
        magento.checkout.place_order(cart, email=buyer.email, payment_method="free")


def test_configurable_parent_unknown_product_and_used_cart(magento: MagentoClient, buyer: Address) -> None:
    cart = magento.checkout.create_guest_cart()
    with pytest.raises(InvalidInputError, match="You need to choose options for your item"):
        magento.checkout.add_item(cart, "MS-TEE", 1)
    with pytest.raises(NotFoundError):
        magento.checkout.add_item(cart, "NOPE", 1)

    magento.checkout.add_item(cart, "BAG-TOTE", 1)
    magento.checkout.set_shipping_information(cart, buyer, buyer, carrier_code="flatrate", method_code="flatrate")
    magento.checkout.place_order(cart, email=buyer.email, payment_method="banktransfer", billing=buyer)
    with pytest.raises(NotFoundError, match="No such entity with cartId"):
        magento.checkout.add_item(cart, "BAG-TOTE", 1)
