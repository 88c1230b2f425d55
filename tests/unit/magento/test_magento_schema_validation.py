"""The strict validator derived from Adobe's 2.4.8 schema, and path matching on raw paths."""

from __future__ import annotations

import pytest

from magento_sandbox.php_types import UncastableValue, cast_scalar
from magento_sandbox.schema_validation import deserialize_body, match_path, php_class_for, validate_body


def test_unknown_keys_are_refused_at_any_depth_with_the_php_class() -> None:
    body = {"product": {"sku": "A", "extension_attributes": {"not_a_field": 1}}}

    problems = validate_body("PUT", "/V1/products/{sku}", body)

    assert [(p.kind, p.field, p.php_class) for p in problems] == [
        (
            "unknown_property",
            "product.extension_attributes.not_a_field",
            "Magento\\Catalog\\Api\\Data\\ProductExtensionInterface",
        )
    ]


def test_nested_required_is_relaxed_but_top_level_required_is_enforced() -> None:
    # quote-data-address-interface "requires" region, region_id, email...: Magento does not.
    address = {"firstname": "J", "lastname": "D", "street": ["1"], "city": "C", "country_id": "DE"}
    body = {"addressInformation": {"shipping_address": address, "shipping_carrier_code": "flatrate"}}
    assert validate_body("POST", "/V1/guest-carts/{cartId}/shipping-information", body) == []

    missing = validate_body("POST", "/V1/guest-carts/{cartId}/payment-information", {"email": "a@b.c"})
    assert [(p.kind, p.field) for p in missing] == [("missing", "paymentMethod")]


def test_types_are_checked() -> None:
    problems = validate_body("POST", "/V1/order/{orderId}/ship", {"items": [{"order_item_id": "3", "qty": 1}]})

    assert [(p.kind, p.field, p.expected_type) for p in problems] == [("type", "items.0.order_item_id", "integer")]


def test_raw_paths_keep_encoded_slashes_in_one_segment_and_literals_win() -> None:
    product = [(op.path_template, params) for op, params in match_path("/V1/products/WB%2F01%20750ml")]
    assert product[0] == ("/V1/products/{sku}", {"sku": "WB/01 750ml"})
    assert match_path("/V1/orders/items")[0][0].path_template == "/V1/orders/items"
    assert match_path("/V1/no/such/route") == []


def test_php_class_names_follow_magento_namespaces() -> None:
    assert php_class_for("quote-data-cart-item-interface") == "Magento\\Quote\\Api\\Data\\CartItemInterface"
    assert (
        php_class_for("inventory-api-data-source-item-interface")
        == "Magento\\InventoryApi\\Api\\Data\\SourceItemInterface"
    )


def test_magento_casts_scalars_before_checking_them() -> None:
    body = {"sourceItems": [{"sku": 4711, "source_code": "default", "quantity": "40", "status": "1"}]}

    casted, problems = deserialize_body("POST", "/V1/inventory/source-items", body)

    assert problems == []
    assert casted == {"sourceItems": [{"sku": "4711", "source_code": "default", "quantity": 40.0, "status": 1}]}


def test_uncastable_values_name_the_data_object_properties_they_sit_in() -> None:
    body = {"entity": {"entity_id": "x", "items": [{"qty_ordered": "many"}]}}

    _, problems = deserialize_body("POST", "/V1/orders", body)

    assert [(p.field, p.expected_type, p.value, p.within) for p in problems] == [
        ("entity.entity_id", "int", "x", ("entity_id",)),
        ("entity.items.0.qty_ordered", "float", "many", ("items", "qty_ordered")),
    ]


@pytest.mark.parametrize(
    ("value", "json_type", "expected"),
    [
        ("4", "integer", 4),
        (" 12 ", "integer", 12),
        ("1e3", "integer", 1000),
        (19.5, "integer", 19),
        ("19.5", "number", 19.5),
        (5, "string", "5"),
        (2.0, "string", "2"),
        (True, "string", "1"),
        ("yes", "boolean", True),
        ("no", "boolean", False),
        (None, "integer", None),
    ],
)
def test_php_casts(value: object, json_type: str, expected: object) -> None:
    assert cast_scalar(value, json_type) == expected


@pytest.mark.parametrize(("value", "shown"), [("abc", "abc"), ("", ""), ("0x1A", "0x1A"), (True, "1"), ([1], "array")])
def test_values_php_will_not_cast_to_a_number(value: object, shown: str) -> None:
    with pytest.raises(UncastableValue) as caught:
        cast_scalar(value, "integer")
    assert caught.value.shown == shown
