"""Guest-cart checkout: the pipeline that makes Magento reserve stock, compute totals and fire its events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tts_connector.magento import endpoints as ep
from tts_connector.magento.models import Address

if TYPE_CHECKING:
    from tts_connector.magento.client import MagentoClient


class CheckoutApi:
    def __init__(self, client: MagentoClient) -> None:
        self._client = client

    def create_guest_cart(self) -> str:
        """A new guest cart in the configured store view; returns its masked id."""
        return str(self._client.call(ep.GUEST_CART_CREATE))

    def add_item(
        self, cart_id: str, sku: str, qty: float, *, configurable_options: Mapping[str, int] | None = None
    ) -> dict[str, Any]:
        """Add a product; for a configurable parent pass `configurable_options` {attribute id: option id}.

        Magento then adds the matching child (its price and stock) under the parent; the answer's sku is the
        child's.
        """
        item: dict[str, Any] = {"sku": sku, "qty": qty, "quote_id": cart_id}
        if configurable_options:
            options = [{"option_id": str(k), "option_value": int(v)} for k, v in configurable_options.items()]
            item["product_option"] = {"extension_attributes": {"configurable_item_options": options}}
        return dict(self._client.call(ep.GUEST_CART_ADD_ITEM, {"cartId": cart_id}, body={"cartItem": item}))

    def set_shipping_information(
        self, cart_id: str, shipping: Address, billing: Address, *, carrier_code: str, method_code: str
    ) -> dict[str, Any]:
        body = {
            "addressInformation": {
                "shipping_address": shipping.to_magento(),
                "billing_address": billing.to_magento(),
                "shipping_carrier_code": carrier_code,
                "shipping_method_code": method_code,
            }
        }
        return dict(self._client.call(ep.GUEST_CART_SHIPPING, {"cartId": cart_id}, body=body))

    def place_order(self, cart_id: str, *, email: str, payment_method: str, billing: Address | None = None) -> int:
        """Place the order; returns the order entity_id (not the increment id). Never retried blindly."""
        body: dict[str, Any] = {"email": email, "paymentMethod": {"method": payment_method}}
        if billing is not None:
            body["billingAddress"] = billing.to_magento()
        return int(self._client.call(ep.GUEST_CART_PLACE_ORDER, {"cartId": cart_id}, body=body))

    def place_cart_order(self, cart_id: str, *, payment_method: str) -> int:
        """Place the order with PUT .../order: the email comes from the cart's billing address.

        Returns the order entity_id. Never retried blindly.
        """
        body = {"paymentMethod": {"method": payment_method}}
        return int(self._client.call(ep.GUEST_CART_ORDER, {"cartId": cart_id}, body=body))

    def place_guest_order(
        self,
        lines: Sequence[tuple[str, float]],
        *,
        shipping: Address,
        billing: Address,
        carrier_code: str,
        method_code: str,
        payment_method: str,
    ) -> int:
        """Create a cart, add (sku, qty) lines, set shipping and pay; returns the order entity_id."""
        cart_id = self.create_guest_cart()
        for sku, qty in lines:
            self.add_item(cart_id, sku, qty)
        self.set_shipping_information(cart_id, shipping, billing, carrier_code=carrier_code, method_code=method_code)
        return self.place_order(cart_id, email=billing.email, payment_method=payment_method, billing=billing)
