"""The columns of the flat tables behind Magento's sales and MSI list routes, for search_fields.

A table's columns are the scalar properties of its data interface in Adobe's 2.4.8 schema (every one is a
column of the table) plus the columns the interface does not expose, confirmed in the modules' declarative
schemas (GitHub magento/magento2):

* app/code/Magento/Sales/etc/db_schema.xml: sales_order has send_email, shipping_address_id, shipping_method
  and coupon_rule_name; sales_invoice and sales_creditmemo have send_email, customer_note and
  customer_note_notify; sales_shipment has those three and `packages` (a text column, an array in the API).
* app/code/Magento/GiftMessage/etc/db_schema.xml adds sales_order.gift_message_id.
* app/code/Magento/Paypal/etc/db_schema.xml adds sales_order.paypal_ipn_customer_notified.
* inventory_source_item (GitHub magento/inventory, Inventory/etc/db_schema.xml): source_item_id plus the
  inventory-api-data-source-item-interface fields.

Nested objects of the API (items, addresses, payment, comments, tracks, extension_attributes) live in other
tables and are not columns.
"""

from __future__ import annotations

from functools import cache

from magento_sandbox.schema_validation import load_schema
from magento_sandbox.search_fields import FlatTableFields

_SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})
_FLAT_ONLY = {
    "sales_order": {
        "send_email",
        "shipping_address_id",
        "shipping_method",
        "coupon_rule_name",
        "gift_message_id",
        "paypal_ipn_customer_notified",
    },
    "sales_invoice": {"send_email", "customer_note", "customer_note_notify"},
    "sales_shipment": {"send_email", "customer_note", "customer_note_notify", "packages"},
    "sales_creditmemo": {"send_email", "customer_note", "customer_note_notify"},
    "inventory_source_item": {"source_item_id"},
}
_DEFINITIONS = {
    "sales_order": "sales-data-order-interface",
    "sales_invoice": "sales-data-invoice-interface",
    "sales_shipment": "sales-data-shipment-interface",
    "sales_creditmemo": "sales-data-creditmemo-interface",
    "inventory_source_item": "inventory-api-data-source-item-interface",
}


@cache
def table_fields(table: str) -> FlatTableFields:
    properties = load_schema()["definitions"][_DEFINITIONS[table]]["properties"]
    columns = {name for name, spec in properties.items() if spec.get("type") in _SCALAR_TYPES}
    return FlatTableFields(table, frozenset(columns | _FLAT_ONLY[table]))
