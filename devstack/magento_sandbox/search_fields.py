"""Which fields a list route can filter and sort on, and Magento's answer for the others.

Products are an EAV collection: `addAttributeToFilter` on a code that is neither an attribute nor a column
of catalog_product_entity throws `Invalid attribute name: %1` (GitHub magento/magento2,
app/code/Magento/Eav/Model/Entity/Collection/AbstractCollection.php, `_addAttributeJoin` /
`_getAttributeFieldName`), a LocalizedException, so 400 with the field as parameter.

Orders, invoices, shipments, credit memos and MSI source items are flat tables: a filter or sort on a column
the table lacks makes MySQL fail ("Column not found: 1054 Unknown column ..."), which Magento masks as a 500
"Internal Error ... Report ID". The sandbox answers 400 naming the field instead, deliberately: a typo such as
a misspelt `ext_order_id` in an idempotency lookup then fails loudly in tests instead of reading as "no such
order", and a 500 would be retried as if Magento were down. The column lists are in flat_tables.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from magento_sandbox import api_errors as err

# catalog_product_entity's own columns, which the EAV collection accepts as "static" attributes
# (Catalog ResourceModel\Product::_getDefaultAttributes plus the static sku/has_options/required_options).
PRODUCT_STATIC_FIELDS = frozenset(
    {"entity_id", "attribute_set_id", "type_id", "sku", "has_options", "required_options", "created_at", "updated_at"}
)
# Fields ProductRepository's collection processor handles itself (Catalog etc/di.xml, ProductFilterProcessor:
# ProductCategoryFilter, ProductStoreFilter, ProductWebsiteFilter).
PRODUCT_CUSTOM_FILTERS = frozenset({"category_id", "store_id", "website_id"})


@dataclass(frozen=True)
class EavFields:
    """An EAV collection: attribute codes (looked up when asked, attributes can be created) and static fields."""

    attribute_codes: Callable[[], Collection[str]]
    static_fields: frozenset[str] = PRODUCT_STATIC_FIELDS | PRODUCT_CUSTOM_FILTERS

    def check_filter(self, field: str) -> None:
        if field not in self.static_fields and field not in self.attribute_codes():
            raise err.bad_request("Invalid attribute name: %1", [field])

    def check_sort(self, field: str) -> None:
        # Not checked: how the EAV collection orders by a code it does not know was not confirmed.
        return


@dataclass(frozen=True)
class FlatTableFields:
    table: str
    columns: frozenset[str]

    def check_filter(self, field: str) -> None:
        self._check(field, "where clause")

    def check_sort(self, field: str) -> None:
        self._check(field, "order clause")

    def _check(self, field: str, clause: str) -> None:
        if field not in self.columns:
            # What MySQL tells Magento (which logs it and answers 500); here a 400 that names the field.
            raise err.bad_request(
                "Column not found: 1054 Unknown column '%1' in '%2' (table %3).", [field, clause, self.table]
            )
