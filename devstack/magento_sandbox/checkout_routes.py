"""Guest-cart checkout: create a cart, add items (stock-checked), set shipping, pay and place the order."""

from __future__ import annotations

import re
import secrets
from typing import Any

from magento_sandbox import api_errors as err
from magento_sandbox import orders
from magento_sandbox.routing import RequestContext, Route
from magento_sandbox.state import Cart

_ADDRESS_REQUIRED = ("firstname", "lastname", "street", "city", "country_id", "postcode", "telephone")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _cart(ctx: RequestContext) -> Cart:
    cart = ctx.state.carts.get(ctx.params["cartId"])
    if cart is None or not cart.active:
        raise err.no_such_entity("cartId", ctx.params["cartId"])
    return cart


def _totals(cart: Cart) -> dict[str, Any]:
    subtotal = sum(float(i["price"]) * float(i["qty"]) for i in cart.items)
    shipping = 0.0
    if cart.carrier_code and cart.method_code:
        shipping = orders.shipping_cost((cart.carrier_code, cart.method_code), cart.items)
    return {
        "grand_total": round(subtotal + shipping, 4),
        "subtotal": round(subtotal, 4),
        "shipping_amount": shipping,
        "items_qty": sum(float(i["qty"]) for i in cart.items),
        "base_currency_code": "USD",
        "quote_currency_code": "USD",
    }


def _check_stock(ctx: RequestContext, cart: Cart) -> None:
    wanted: dict[str, float] = {}
    for item in cart.items:
        wanted[item["sku"]] = wanted.get(item["sku"], 0.0) + float(item["qty"])
    for sku, qty in wanted.items():
        if ctx.state.salable_quantity(sku) < qty:
            raise err.qty_not_available()


def create_cart(ctx: RequestContext) -> Any:
    masked = secrets.token_hex(16)
    orders.new_cart(ctx.state, masked, ctx.store_code)
    return masked


def add_item(ctx: RequestContext) -> Any:
    cart = _cart(ctx)
    data = ctx.body["cartItem"]
    if "sku" not in data:
        raise err.required("sku")
    product = ctx.state.products.get(data["sku"])
    if product is None:
        raise err.product_not_found()
    values = product.effective_values(cart.store_code)
    if int(values.get("status", 1)) != 1:
        raise err.bad_request("Product that you are trying to add is not available.")
    if product.type_id == "configurable":
        raise err.bad_request("You need to choose options for your item.")
    qty = float(data.get("qty", 0))
    if qty <= 0:
        raise err.bad_request("Please enter a number greater than 0 in this field.")
    existing = next((i for i in cart.items if i["sku"] == product.sku), None)
    if ctx.state.salable_quantity(product.sku) < qty + (float(existing["qty"]) if existing else 0.0):
        raise err.qty_not_available()
    if existing is None:
        existing = {
            "item_id": ctx.state.next_id("quote_item"),
            "sku": product.sku,
            "qty": 0.0,
            "name": values.get("name"),
            "price": float(values.get("price", 0)),
            "product_type": product.type_id,
            "quote_id": cart.masked_id,
        }
        cart.items.append(existing)
    existing["qty"] = float(existing["qty"]) + qty
    return dict(existing)


def _validated_address(address: dict[str, Any] | None, name: str) -> dict[str, Any]:
    if not address:
        raise err.required(name)
    for key in _ADDRESS_REQUIRED:
        if not address.get(key):
            raise err.required(key)
    return dict(address)


def shipping_information(ctx: RequestContext) -> Any:
    cart = _cart(ctx)
    info = ctx.body["addressInformation"]
    if not cart.items:
        raise err.bad_request("The shipping method can't be set for an empty cart. Add an item to cart and try again.")
    carrier = (info.get("shipping_carrier_code", ""), info.get("shipping_method_code", ""))
    if carrier not in orders.CARRIERS:
        raise err.bad_request("Carrier with such method not found: %1, %2", list(carrier))
    cart.shipping_address = _validated_address(info.get("shipping_address"), "shipping_address")
    if info.get("billing_address"):
        cart.billing_address = _validated_address(info["billing_address"], "billing_address")
    cart.carrier_code, cart.method_code = carrier
    totals = _totals(cart)
    return {"payment_methods": _payment_methods(totals["grand_total"]), "totals": totals}


def _payment_methods(grand_total: float) -> list[dict[str, str]]:
    if grand_total <= 0:
        return [{"code": "free", "title": orders.PAYMENT_METHODS["free"]}]
    return [{"code": code, "title": title} for code, title in orders.PAYMENT_METHODS.items() if code != "free"]


def payment_information(ctx: RequestContext) -> Any:
    if not ctx.config.guest_checkout_enabled:
        raise err.bad_request("Sorry, guest checkout is not available.")
    cart = _cart(ctx)
    email = ctx.body["email"]
    if not _EMAIL.match(email):
        raise err.bad_request('The "%1" email is invalid. Verify the email address and try again.', [email])
    if not cart.items:
        raise err.bad_request("The cart is empty.")
    if cart.shipping_address is None or not cart.carrier_code:
        raise err.bad_request("The shipping method is missing. Select the shipping method and try again.")
    method = ctx.body["paymentMethod"].get("method")
    allowed = {m["code"] for m in _payment_methods(_totals(cart)["grand_total"])}
    if method not in allowed:
        raise err.bad_request("The requested Payment Method is not available.")
    if ctx.body.get("billingAddress"):
        cart.billing_address = _validated_address(ctx.body["billingAddress"], "billingAddress")
    _check_stock(ctx, cart)
    return orders.place_order(ctx.state, cart, email, method)["entity_id"]


ROUTES = [
    Route("POST", "/V1/guest-carts", create_cart, None),
    Route("POST", "/V1/guest-carts/{cartId}/items", add_item, None),
    Route("POST", "/V1/guest-carts/{cartId}/shipping-information", shipping_information, None),
    Route("POST", "/V1/guest-carts/{cartId}/payment-information", payment_information, None),
]
