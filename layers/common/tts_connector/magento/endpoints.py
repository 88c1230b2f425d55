"""Every Magento REST route the connector calls, with the facts the client needs to call it safely.

Keeping them in one table lets the contract test check each template against Adobe's schema and prove
that every write's body was validated. `retry_safe` says whether repeating the call after an unknown
outcome (timeout, 5xx) is harmless: reads and "set to this value" writes are; placing an order,
invoicing, shipping or refunding is not. `scope` is the store code segment: "store" uses the client's
configured store view, "all" writes global values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Method = Literal["GET", "POST", "PUT", "DELETE"]
Scope = Literal["store", "all"]


@dataclass(frozen=True)
class Endpoint:
    method: Method
    template: str
    retry_safe: bool
    scope: Scope = "store"

    @property
    def is_write(self) -> bool:
        return self.method != "GET"

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def _get(template: str) -> Endpoint:
    return Endpoint("GET", template, retry_safe=True)


# Store
STORE_CONFIGS = _get("/V1/store/storeConfigs")
# A country's regions (ids, codes, names), to give quote addresses the region_id Magento requires.
DIRECTORY_COUNTRY = _get("/V1/directory/countries/{countryId}")

# Catalog
PRODUCTS_SEARCH = _get("/V1/products")
PRODUCT_GET = _get("/V1/products/{sku}")
PRODUCT_GET_GLOBAL = Endpoint("GET", "/V1/products/{sku}", retry_safe=True, scope="all")
PRODUCT_UPDATE = Endpoint("PUT", "/V1/products/{sku}", retry_safe=True, scope="all")
PRODUCT_UPDATE_STORE_VIEW = Endpoint("PUT", "/V1/products/{sku}", retry_safe=True)
# Sets prices to given values, so a repeat lands on the same state.
PRODUCT_BASE_PRICES = Endpoint("POST", "/V1/products/base-prices", retry_safe=True, scope="all")
CONFIGURABLE_CHILDREN = _get("/V1/configurable-products/{sku}/children")
CONFIGURABLE_OPTIONS = _get("/V1/configurable-products/{sku}/options/all")
ATTRIBUTE_GET = _get("/V1/products/attributes/{attributeCode}")
ATTRIBUTE_OPTIONS = _get("/V1/products/attributes/{attributeCode}/options")
ATTRIBUTE_CREATE = Endpoint("POST", "/V1/products/attributes", retry_safe=False)
ATTRIBUTE_OPTION_ADD = Endpoint("POST", "/V1/products/attributes/{attributeCode}/options", retry_safe=False)
ATTRIBUTE_SET_GROUPS = _get("/V1/products/attribute-sets/groups/list")
ATTRIBUTE_SET_ATTRIBUTES = _get("/V1/products/attribute-sets/{attributeSetId}/attributes")
ATTRIBUTE_SET_ASSIGN = Endpoint("POST", "/V1/products/attribute-sets/attributes", retry_safe=False)
CATEGORY_TREE = _get("/V1/categories")
CATEGORY_LIST = _get("/V1/categories/list")

# Inventory (MSI)
SOURCES = _get("/V1/inventory/sources")
SOURCE_ITEMS_SEARCH = _get("/V1/inventory/source-items")
# Saving source items sets absolute quantities, so a repeat lands on the same state.
SOURCE_ITEMS_SAVE = Endpoint("POST", "/V1/inventory/source-items", retry_safe=True)
SALABLE_QTY = _get("/V1/inventory/get-product-salable-quantity/{sku}/{stockId}")
# Salable quantities of a page of products for a sales channel (InventoryExportStockApi); total_count is the
# page's size, not the result's.
SALABLE_QTY_EXPORT = _get("/V1/inventory/export-stock-salable-qty/{salesChannelType}/{salesChannelCode}")

# Guest-cart checkout
GUEST_CART_CREATE = Endpoint("POST", "/V1/guest-carts", retry_safe=True)  # a repeat only leaves an empty cart
GUEST_CART_ADD_ITEM = Endpoint("POST", "/V1/guest-carts/{cartId}/items", retry_safe=False)  # would add qty twice
GUEST_CART_SHIPPING = Endpoint("POST", "/V1/guest-carts/{cartId}/shipping-information", retry_safe=True)
GUEST_CART_PLACE_ORDER = Endpoint("POST", "/V1/guest-carts/{cartId}/payment-information", retry_safe=False)
GUEST_CART_ORDER = Endpoint("PUT", "/V1/guest-carts/{cartId}/order", retry_safe=False)  # places an order

# Sales
ORDERS_SEARCH = _get("/V1/orders")
ORDER_GET = _get("/V1/orders/{id}")
ORDER_SAVE = Endpoint("POST", "/V1/orders", retry_safe=True)  # sets fields to given values
# Saves an order address (the buyer moved the parcel): sets the address to the given values.
ORDER_ADDRESS_SAVE = Endpoint("PUT", "/V1/orders/{parent_id}", retry_safe=True)
ORDER_COMMENTS = _get("/V1/orders/{id}/comments")
ORDER_COMMENT_ADD = Endpoint("POST", "/V1/orders/{id}/comments", retry_safe=False)
ORDER_CANCEL = Endpoint("POST", "/V1/orders/{id}/cancel", retry_safe=False)
ORDER_INVOICE = Endpoint("POST", "/V1/order/{orderId}/invoice", retry_safe=False)
ORDER_SHIP = Endpoint("POST", "/V1/order/{orderId}/ship", retry_safe=False)
ORDER_REFUND = Endpoint("POST", "/V1/order/{orderId}/refund", retry_safe=False)
INVOICES_SEARCH = _get("/V1/invoices")
SHIPMENTS_SEARCH = _get("/V1/shipments")
SHIPMENT_GET = _get("/V1/shipment/{id}")
SHIPMENT_TRACK_ADD = Endpoint("POST", "/V1/shipment/track", retry_safe=False)  # a repeat adds the track twice
CREDIT_MEMOS_SEARCH = _get("/V1/creditmemos")
CREDIT_MEMO_GET = _get("/V1/creditmemo/{id}")


def all_endpoints() -> tuple[Endpoint, ...]:
    return tuple(value for value in globals().values() if isinstance(value, Endpoint))
