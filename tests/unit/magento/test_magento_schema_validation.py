"""The strict validator derived from Adobe's 2.4.8 schema, and path matching on raw paths."""

from __future__ import annotations

from magento_sandbox.schema_validation import match_path, php_class_for, validate_body


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
