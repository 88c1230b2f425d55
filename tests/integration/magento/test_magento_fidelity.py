"""The sandbox answers like Magento 2.4.8 where an earlier version was more lenient or stricter than Magento.

One section per rule of devstack/magento_sandbox/README.md ("Fidelity rules"), each over real HTTP.
"""

from __future__ import annotations

import pytest

from magento_sandbox import MagentoSandbox
from tests.integration.magento.support import signed
from tts_connector.errors import InvalidInputError
from tts_connector.magento import Address, ItemQty, MagentoClient, SearchCriteria, SourceItem

pytestmark = pytest.mark.integration

REQUIRED = {"message": '"%fieldName" is required. Enter and try again.', "parameters": {"fieldName": "searchCriteria"}}
TYPE_ERROR = 'The "{}" value\'s type is invalid. The "{}" type was expected. Verify and try again.'
COLOR, SIZE = "93", "144"  # attribute ids of the seed's configurable attributes
RED, MEDIUM, LARGE = 58, 168, 169


def _filter(field: str, value: str, condition: str = "eq") -> list[tuple[str, str]]:
    prefix = "searchCriteria[filter_groups][0][filters][0]"
    return [(f"{prefix}[field]", field), (f"{prefix}[value]", value), (f"{prefix}[condition_type]", condition)]


# 1. searchCriteria is required where the service method's parameter has no default.
@pytest.mark.parametrize(
    "route",
    [
        "/V1/products",
        "/V1/orders",
        "/V1/invoices",
        "/V1/shipments",
        "/V1/creditmemos",
        "/V1/categories/list",
        "/V1/inventory/source-items",
        "/V1/products/attribute-sets/groups/list",
    ],
)
def test_list_routes_need_search_criteria_but_accept_an_empty_one(sandbox: MagentoSandbox, route: str) -> None:
    missing = signed(sandbox, "GET", f"/rest/default{route}")
    empty = signed(sandbox, "GET", f"/rest/default{route}", query=[("searchCriteria", "")])

    assert (missing.status_code, missing.json()) == (400, REQUIRED)
    assert empty.status_code == 200
    assert "total_count" in empty.json()


def test_sources_tolerate_no_criteria_and_snake_case_criteria_count(sandbox: MagentoSandbox) -> None:
    sources = signed(sandbox, "GET", "/rest/default/V1/inventory/sources")
    snake = signed(sandbox, "GET", "/rest/default/V1/products", query=[("search_criteria[page_size]", "2")])

    assert sources.status_code == 200
    assert sources.json()["total_count"] == 2
    assert snake.status_code == 200
    assert len(snake.json()["items"]) == 2


# 2. An unknown filter field is an error, not "no rows".
def test_products_refuse_a_filter_on_a_field_that_is_not_an_attribute(sandbox: MagentoSandbox) -> None:
    unknown = signed(sandbox, "GET", "/rest/default/V1/products", query=_filter("colour", "58"))
    by_category = signed(sandbox, "GET", "/rest/default/V1/products", query=_filter("category_id", "7"))
    by_entity_id = signed(sandbox, "GET", "/rest/default/V1/products", query=_filter("entity_id", "1"))

    assert (unknown.status_code, unknown.json()) == (
        400,
        {"message": "Invalid attribute name: %1", "parameters": ["colour"]},
    )
    assert [p["sku"] for p in by_category.json()["items"]] == ["BAG-TOTE"]
    assert by_entity_id.json()["total_count"] == 1


@pytest.mark.parametrize(
    ("route", "table"),
    [
        ("/V1/orders", "sales_order"),
        ("/V1/invoices", "sales_invoice"),
        ("/V1/shipments", "sales_shipment"),
        ("/V1/creditmemos", "sales_creditmemo"),
        ("/V1/inventory/source-items", "inventory_source_item"),
    ],
)
def test_flat_tables_refuse_a_column_they_lack_with_a_400_naming_it(
    sandbox: MagentoSandbox, route: str, table: str
) -> None:
    response = signed(sandbox, "GET", f"/rest/default{route}", query=_filter("ext_order_idd", "577"))

    assert response.status_code == 400
    assert response.json()["parameters"] == ["ext_order_idd", "where clause", table]


def test_a_misspelt_idempotency_lookup_fails_loudly_instead_of_finding_nothing(
    magento: MagentoClient, sandbox: MagentoSandbox
) -> None:
    by_column_not_in_the_interface = signed(sandbox, "GET", "/rest/default/V1/orders", query=_filter("send_email", "1"))
    sorted_by_typo = signed(
        sandbox,
        "GET",
        "/rest/default/V1/orders",
        query=[
            ("searchCriteria[sortOrders][0][field]", "created"),
            ("searchCriteria[sortOrders][0][direction]", "ASC"),
        ],
    )

    assert magento.sales.find_order_by_ext_order_id("577000112233445566") is None
    with pytest.raises(InvalidInputError, match="Unknown column 'ext_order_idd'"):
        magento.sales.search_orders(SearchCriteria().where("ext_order_idd", "577000112233445566"))
    assert by_column_not_in_the_interface.status_code == 200
    assert sorted_by_typo.json()["parameters"] == ["created", "order clause", "sales_order"]


# 3. Values of attributes outside the product's attribute set are dropped.
def test_a_value_for_an_attribute_outside_the_set_is_dropped_until_it_is_assigned(magento: MagentoClient) -> None:
    magento.catalog.create_attribute("tiktok_product_id", "TikTok Product ID")

    answered = magento.catalog.update_custom_attributes("BAG-TOTE", {"tiktok_product_id": "1729"})
    stored = magento.catalog.get_product("BAG-TOTE", global_scope=True)
    magento.catalog.assign_attribute_to_set("tiktok_product_id", attribute_set_id=4, attribute_group_id=7)
    assigned = magento.catalog.update_custom_attributes("BAG-TOTE", {"tiktok_product_id": "1729"})

    def codes(product: dict[str, object]) -> set[object]:
        custom = product["custom_attributes"]
        assert isinstance(custom, list)
        return {a["attribute_code"] for a in custom}

    assert "tiktok_product_id" not in codes(answered) | codes(stored)
    assert {"attribute_code": "tiktok_product_id", "value": "1729"} in assigned["custom_attributes"]


# 4. A source item for a SKU the catalogue lacks is saved, as in Magento (README: deviation from the brief).
def test_a_source_item_for_an_unknown_sku_is_saved_as_magento_does(
    magento: MagentoClient, sandbox: MagentoSandbox
) -> None:
    magento.inventory.save_source_items([SourceItem("NOT-IN-CATALOG", "default", 4)])

    assert magento.inventory.source_items_for(["NOT-IN-CATALOG"]) == [SourceItem("NOT-IN-CATALOG", "default", 4.0, 1)]
    assert sandbox.salable_quantity("BAG-TOTE") == 3.0  # nothing else changed


# 5. Numeric strings are cast; only values PHP cannot cast are refused.
def test_numeric_strings_are_cast_like_magento_does(sandbox: MagentoSandbox) -> None:
    cart = signed(sandbox, "POST", "/rest/default/V1/guest-carts").json()
    item = signed(
        sandbox, "POST", f"/rest/default/V1/guest-carts/{cart}/items", {"cartItem": {"sku": "BAG-TOTE", "qty": "2"}}
    )
    stock = signed(
        sandbox,
        "POST",
        "/rest/default/V1/inventory/source-items",
        {"sourceItems": [{"sku": "MUG-SOLDOUT", "source_code": "default", "quantity": "40", "status": "1"}]},
    )
    price = signed(sandbox, "PUT", "/rest/all/V1/products/BAG-TOTE", {"product": {"price": "19.5"}})

    assert item.status_code == 200
    assert item.json()["qty"] == 2.0
    assert stock.status_code == 200
    assert sandbox.source_quantity("MUG-SOLDOUT") == 40.0
    assert price.json()["price"] == 19.5


def test_uncastable_values_are_refused_with_magentos_rendered_message(sandbox: MagentoSandbox) -> None:
    nested = signed(sandbox, "POST", "/rest/default/V1/order/1/ship", {"items": [{"order_item_id": "abc", "qty": 1}]})
    top_level = signed(
        sandbox,
        "POST",
        "/rest/default/V1/products/attribute-sets/attributes",
        {"attributeSetId": "abc", "attributeGroupId": 7, "attributeCode": "ean", "sortOrder": 1},
    )
    deep = signed(
        sandbox, "POST", "/rest/default/V1/orders", {"entity": {"entity_id": 1, "items": [{"qty_ordered": "many"}]}}
    )
    page = signed(sandbox, "GET", "/rest/default/V1/products", query=[("searchCriteria[pageSize]", "ten")])

    assert nested.json() == {
        "message": 'Error occurred during "order_item_id" processing. ' + TYPE_ERROR.format("abc", "int")
    }
    assert (top_level.status_code, top_level.json()) == (400, {"message": TYPE_ERROR.format("abc", "int")})
    assert deep.json()["message"] == (
        'Error occurred during "items" processing. Error occurred during "qty_ordered" processing. '
        + TYPE_ERROR.format("many", "float")
    )
    assert page.status_code == 400
    assert page.json()["message"].endswith(TYPE_ERROR.format("ten", "int"))


# 6. A configurable parent goes into the cart with its options and resolves to the matching child.
def test_a_configurable_parent_with_options_orders_the_matching_child(
    magento: MagentoClient, sandbox: MagentoSandbox, buyer: Address
) -> None:
    cart = magento.checkout.create_guest_cart()

    item = magento.checkout.add_item(cart, "MS-TEE", 2, configurable_options={COLOR: RED, SIZE: MEDIUM})
    again = magento.checkout.add_item(cart, "MS-TEE", 1, configurable_options={COLOR: RED, SIZE: MEDIUM})
    magento.checkout.set_shipping_information(cart, buyer, buyer, carrier_code="flatrate", method_code="flatrate")
    order_id = magento.checkout.place_order(cart, email=buyer.email, payment_method="checkmo")

    assert (item["sku"], item["name"], item["price"], item["product_type"]) == (
        "MS-TEE-M-RED",
        "Classic Tee",
        25.0,
        "configurable",
    )
    assert again["item_id"] == item["item_id"]
    assert again["qty"] == 3.0
    options = item["product_option"]["extension_attributes"]["configurable_item_options"]
    assert options == [{"option_id": COLOR, "option_value": RED}, {"option_id": SIZE, "option_value": MEDIUM}]
    order = magento.sales.get_order(order_id)
    parent, child = order["items"]
    assert (parent["product_type"], parent["sku"], parent["qty_ordered"], parent["row_total"]) == (
        "configurable",
        "MS-TEE-M-RED",
        3.0,
        75.0,
    )
    assert (child["product_type"], child["sku"], child["parent_item_id"]) == (
        "simple",
        "MS-TEE-M-RED",
        parent["item_id"],
    )
    assert order["subtotal"] == 75.0
    assert order["total_qty_ordered"] == 3.0
    assert magento.inventory.salable_quantity("MS-TEE-M-RED") == 12.0  # 10 + 5 on two sources, 3 reserved

    magento.sales.invoice(order_id)
    magento.sales.ship(order_id, [ItemQty(parent["item_id"], 3)])

    shipped = magento.sales.get_order(order_id)
    assert shipped["state"] == "complete"
    assert [i["qty_shipped"] for i in shipped["items"]] == [3.0, 3.0]
    assert sandbox.source_quantity("MS-TEE-M-RED") == 7.0
    assert magento.inventory.salable_quantity("MS-TEE-M-RED") == 12.0  # the deduction replaced the reservation


def test_missing_or_unmatched_options_and_the_childs_stock_are_checked(
    magento: MagentoClient, sandbox: MagentoSandbox
) -> None:
    cart = magento.checkout.create_guest_cart()
    sandbox.set_source_quantity("MS-TEE-L-RED", 0)

    with pytest.raises(InvalidInputError, match="You need to choose options for your item"):
        magento.checkout.add_item(cart, "MS-TEE", 1)
    with pytest.raises(InvalidInputError, match="You need to choose options for your item"):
        magento.checkout.add_item(cart, "MS-TEE", 1, configurable_options={COLOR: RED})
    with pytest.raises(InvalidInputError, match="You need to choose options for your item"):
        magento.checkout.add_item(cart, "MS-TEE", 1, configurable_options={COLOR: RED, SIZE: 999})
    with pytest.raises(InvalidInputError, match="The requested qty is not available"):
        magento.checkout.add_item(cart, "MS-TEE", 1, configurable_options={COLOR: RED, SIZE: LARGE})
    assert magento.checkout.add_item(cart, "MS-TEE", 1, configurable_options={SIZE: LARGE, COLOR: 49})["sku"] == (
        "MS-TEE-L-BLA"
    )
