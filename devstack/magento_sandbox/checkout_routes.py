"""Guest-cart checkout: create a cart, add items (stock-checked), set shipping, pay and place the order.

A configurable parent is added with `product_option.extension_attributes.configurable_item_options`
(option_id = attribute id, option_value = option id): like Magento's CartItemProcessor the options become
the buy request's super_attribute, and Configurable::_prepareProduct picks the child with those values. The
cart item then shows the parent's name with the child's SKU and price and is stock-checked on the child; a
missing option, one no child has, or a disabled child all answer "You need to choose options for your item."
(GitHub magento/magento2, app/code/Magento/ConfigurableProduct/Model/Product/Type/Configurable.php,
getSpecifyOptionMessage).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from magento_sandbox import api_errors as err
from magento_sandbox import directory, orders
from magento_sandbox.routing import RequestContext, Route
from magento_sandbox.state import Cart, Product, SandboxState

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


_CHOOSE_OPTIONS = "You need to choose options for your item."
# Cart item keys the sandbox keeps for itself; never part of an answer.
_PARENT_SKU = "_parent_sku"


def _enabled(product: Product, store_code: str) -> bool:
    return int(product.effective_values(store_code).get("status", 1)) == 1


def _chosen_child(state: SandboxState, parent: Product, data: dict[str, Any], store_code: str) -> Product:
    extension = (data.get("product_option") or {}).get("extension_attributes") or {}
    chosen = {str(o.get("option_id")): o.get("option_value") for o in extension.get("configurable_item_options") or []}
    codes_by_id = {str(a.attribute_id): a.code for a in state.attributes.values()}
    required = {str(state.attributes[code].attribute_id) for code in parent.configurable_attributes}
    # PHP's empty(): no value, 0 or "" means the option was not chosen.
    if any(not chosen.get(attribute_id) for attribute_id in required) or not set(chosen) <= set(codes_by_id):
        raise err.bad_request(_CHOOSE_OPTIONS)
    for child_sku in parent.children:
        child = state.products[child_sku]
        values = child.effective_values(store_code)
        if _enabled(child, store_code) and all(str(values.get(codes_by_id[a])) == str(v) for a, v in chosen.items()):
            return child
    raise err.bad_request(_CHOOSE_OPTIONS)


def _cart_item_api(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def add_item(ctx: RequestContext) -> Any:
    cart = _cart(ctx)
    data = ctx.body["cartItem"]
    if "sku" not in data:
        raise err.required("sku")
    product = ctx.state.products.get(data["sku"])
    if product is None:
        raise err.product_not_found()
    if not _enabled(product, cart.store_code):
        raise err.bad_request("Product that you are trying to add is not available.")
    stocked = _chosen_child(ctx.state, product, data, cart.store_code) if product.type_id == "configurable" else product
    qty = float(data.get("qty") or 0)
    if qty <= 0:
        raise err.bad_request("Please enter a number greater than 0 in this field.")
    parent_sku = product.sku if stocked is not product else None
    existing = next((i for i in cart.items if i["sku"] == stocked.sku and i.get(_PARENT_SKU) == parent_sku), None)
    in_cart = sum(float(i["qty"]) for i in cart.items if i["sku"] == stocked.sku)
    if ctx.state.salable_quantity(stocked.sku) < qty + in_cart:
        raise err.qty_not_available()
    if existing is None:
        existing = {
            "item_id": ctx.state.next_id("quote_item"),
            "sku": stocked.sku,
            "qty": 0.0,
            "name": product.effective_values(cart.store_code).get("name"),
            "price": float(stocked.effective_values(cart.store_code).get("price", 0)),
            "product_type": product.type_id,
            "quote_id": cart.masked_id,
        }
        if parent_sku is not None:
            existing[_PARENT_SKU] = parent_sku
            existing["product_option"] = _chosen_options(ctx.state, product, stocked)
        cart.items.append(existing)
    existing["qty"] = float(existing["qty"]) + qty
    return _cart_item_api(existing)


def _chosen_options(state: SandboxState, parent: Product, child: Product) -> dict[str, Any]:
    options = [
        {"option_id": str(state.attributes[code].attribute_id), "option_value": int(child.values[code])}
        for code in parent.configurable_attributes
    ]
    return {"extension_attributes": {"configurable_item_options": options}}


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


def _placeable_cart(ctx: RequestContext) -> Cart:
    if not ctx.config.guest_checkout_enabled:
        raise err.bad_request("Sorry, guest checkout is not available.")
    return _cart(ctx)


def _check_email(email: str) -> None:
    if not _EMAIL.match(email):
        raise err.bad_request('The "%1" email is invalid. Verify the email address and try again.', [email])


def _place(
    ctx: RequestContext,
    cart: Cart,
    email: str,
    payment_method: dict[str, Any] | None,
    billing: dict[str, Any] | None = None,
) -> int:
    """The checks before an order is placed; the cart changes only once all of them pass."""
    if not cart.items:
        raise err.bad_request("The cart is empty.")
    if cart.shipping_address is None or not cart.carrier_code:
        raise err.bad_request("The shipping method is missing. Select the shipping method and try again.")
    if payment_method is None:
        # QuoteValidator's PaymentMethodValidationRule, when the quote has no method of its own either.
        raise err.bad_request("Enter a valid payment method and try again.")
    method = payment_method.get("method")
    allowed = {m["code"] for m in _payment_methods(_totals(cart)["grand_total"])}
    if method not in allowed:
        raise err.bad_request("The requested Payment Method is not available.")
    _check_stock(ctx, cart)
    directory.check_region(cart.shipping_address, "shipping")
    if billing is not None:
        directory.check_region(billing, "billing")
        cart.billing_address = billing
    return int(orders.place_order(ctx.state, cart, email, str(method))["entity_id"])


def payment_information(ctx: RequestContext) -> Any:
    cart = _placeable_cart(ctx)
    email = ctx.body["email"]
    _check_email(email)
    billing = ctx.body.get("billingAddress")
    validated = _validated_address(billing, "billingAddress") if billing else None
    return _place(ctx, cart, email, ctx.body["paymentMethod"], validated)


def place_order(ctx: RequestContext) -> Any:
    """PUT /V1/guest-carts/{cartId}/order: place the cart as it stands, optionally with a payment method.

    GuestCartManagementInterface::placeOrder($cartId, PaymentInterface $paymentMethod = null): a guest order
    takes its email from the billing address (QuoteManagement::placeOrder; the sandbox's checkout uses the
    shipping address when no billing address was set), and without a payment method in the body the quote's
    own must do; the sandbox has no route that sets one beforehand, so that is refused with QuoteValidator's
    "Enter a valid payment method and try again.".
    """
    cart = _placeable_cart(ctx)
    address = cart.billing_address or cart.shipping_address or {}
    email = str(address.get("email") or "")
    if not email:
        raise err.required("email")
    _check_email(email)
    return _place(ctx, cart, email, (ctx.body or {}).get("paymentMethod") or None)


ROUTES = [
    Route("POST", "/V1/guest-carts", create_cart, None),
    Route("POST", "/V1/guest-carts/{cartId}/items", add_item, None),
    Route("POST", "/V1/guest-carts/{cartId}/shipping-information", shipping_information, None),
    Route("POST", "/V1/guest-carts/{cartId}/payment-information", payment_information, None),
    Route("PUT", "/V1/guest-carts/{cartId}/order", place_order, None),
]
