"""Catalog mapping through the local stack: TikTok's trees cached with their version, category mappings
validated, inherited and in conflict, recommendations, auto-matched and manual attribute mappings, reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local_stack import LocalStack
from tests.integration.product_push import support as s

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with LocalStack(s.stack_config(Path(tmp_path_factory.mktemp("state")))) as running:
        s.tiktok(running).core.config.webhook_retry_scale = 0.01
        s.connect(running)
        yield running


def _get(stack: LocalStack, path: str, **params: Any) -> Any:
    return s.ok(s.admin(stack, "GET", path, params=params))


def test_the_shops_tiktok_tree_is_read_once_and_cached_with_its_version(stack: LocalStack) -> None:
    before = s.route_calls(stack).get("categories", 0)

    tree = _get(stack, "/admin/catalog/tiktok-categories", depth=5)
    again = _get(stack, "/admin/catalog/tiktok-categories", parent="910001", depth=5)

    assert tree["category_version"] == "v2"  # a US shop
    assert [c["id"] for c in again["categories"]] == ["910010", "910100", "910110"]
    assert again["categories"][-1]["path"] == ["Home Supplies", "Kitchen & Dining", "Drinkware", "Coffee Mugs"]
    assert s.route_calls(stack).get("categories", 0) - before == 1
    cached = stack.client("dynamodb").get_item(
        TableName=stack.physical("MappingsTable"),
        Key={"pk": {"S": f"TTMETA#{s.US_SHOP}#v2"}, "sk": {"S": "TREE#all"}},
    )["Item"]
    assert int(cached["fetched_at"]["N"]) == tree["fetched_at"]
    _get(stack, "/admin/catalog/tiktok-categories", refresh="true")
    assert s.route_calls(stack).get("categories", 0) - before == 2
    found = _get(stack, "/admin/catalog/tiktok-categories/search", keyword="tees")
    assert [c["id"] for c in found] == ["900111", "900112"]


def test_a_category_mapping_must_name_a_tiktok_leaf_and_a_magento_category(stack: LocalStack) -> None:
    def put(magento: int, tiktok: Any) -> Any:
        return s.admin(stack, "PUT", f"/admin/catalog/category-mappings/{magento}", json={"tiktok_category_id": tiktok})

    not_leaf = put(s.TEES, "900110")
    unknown = put(s.TEES, "123456")
    v1_id = put(s.TEES, "601226")  # a v1 (non-US) leaf
    no_category = put(999, s.GRAPHIC_TEES)
    not_a_string = put(s.TEES, 900111)

    assert not_leaf.status_code == 400 and "is not a leaf" in not_leaf.json()["message"]
    assert unknown.status_code == 400 and "not in shop" in unknown.json()["message"]
    assert v1_id.status_code == 400
    assert no_category.status_code == 404
    assert not_a_string.status_code == 422
    tree = _get(stack, "/admin/catalog/magento-categories")
    assert all(c["mapping"] is None for c in tree)


def test_mappings_are_inherited_down_the_tree_and_listed_with_their_source(stack: LocalStack) -> None:
    s.map_category(stack, s.WOMEN, "900112")
    s.map_category(stack, s.TEES, s.GRAPHIC_TEES)

    tree = {c["id"]: c for c in _get(stack, "/admin/catalog/magento-categories")}

    assert tree[s.TOPS]["mapping"] is None
    assert (tree[s.TOPS]["inherited_from"], tree[s.TOPS]["inherited"]["tiktok_category_id"]) == (s.WOMEN, "900112")
    assert tree[s.TEES]["mapping"]["tiktok_category_path"][-1] == "Graphic Tees"
    assert tree[s.BAGS]["inherited"] is None
    s.ok(s.admin(stack, "DELETE", f"/admin/catalog/category-mappings/{s.WOMEN}"))
    assert s.admin(stack, "DELETE", f"/admin/catalog/category-mappings/{s.WOMEN}").status_code == 404


def test_recommendation_from_a_sample_product(stack: LocalStack) -> None:
    found = s.ok(s.admin(stack, "POST", f"/admin/catalog/category-mappings/{s.TOPS}/recommend"))

    assert found["sample_sku"] == "MS-TEE"
    assert found["recommended"]["is_leaf"] and found["recommended"]["id"] in ("900111", "900112")
    # The sample's image went to TikTok once (remembered for the push) and was sent with the title.
    assert s.route_calls(stack).get("category_recommend", 0) >= 1
    applied = s.ok(
        s.admin(stack, "POST", f"/admin/catalog/category-mappings/{s.TOPS}/recommend", params={"apply": "true"})
    )
    assert applied["applied"]["tiktok_category_id"] == found["recommended"]["id"]
    s.ok(s.admin(stack, "DELETE", f"/admin/catalog/category-mappings/{s.TOPS}"))
    empty = s.ok(s.admin(stack, "POST", f"/admin/catalog/category-mappings/{s.GEAR}/recommend"))
    assert empty["recommended"] is None and empty["message"]


def test_auto_mapping_matches_names_and_fills_the_product_fields(stack: LocalStack) -> None:
    report = _get(stack, f"/admin/catalog/attributes/{s.GRAPHIC_TEES}")
    rows = {r["name"]: r for r in report["attributes"]}
    # Color and Size match Magento's color and size by name even before they are saved.
    assert (rows["Color"]["magento_attribute"], rows["Color"]["source"]) == (
        "color",
        "Magento 'color' (auto-matched by name)",
    )
    assert not rows["Material"]["mapped"]
    assert any("required attribute 'Material' (101001)" in m for m in report["missing"])

    saved = s.ok(s.admin(stack, "POST", f"/admin/catalog/attributes/{s.GRAPHIC_TEES}/auto"))

    fields = saved["product_fields"]
    assert fields["brand_attribute"] == "brand"
    assert (fields["identifier_attribute"], fields["identifier_type"]) == ("ean", "EAN")
    assert (fields["package_length_attribute"], fields["package_height_attribute"]) == (
        "package_length",
        "package_height",
    )
    mappings = _get(stack, "/admin/catalog/attribute-mappings")
    assert {(m["tiktok_attribute_name"], m["magento_attribute"], m["source"]) for m in mappings} >= {
        ("Color", "color", "auto"),
        ("Size", "size", "auto"),
    }


def test_attribute_mappings_are_checked_against_tiktoks_metadata(stack: LocalStack) -> None:
    def put(**body: Any) -> Any:
        return s.admin(stack, "PUT", "/admin/catalog/attribute-mappings", json=body)

    cases = {
        "unknown attribute": put(tiktok_attribute_id="999999", category_id=s.GRAPHIC_TEES, magento_attribute="brand"),
        "unknown magento code": put(
            tiktok_attribute_id=s.MATERIAL_APPAREL, category_id=s.GRAPHIC_TEES, magento_attribute="fabric"
        ),
        "not a value of it": put(tiktok_attribute_id=s.MATERIAL_MUG, category_id=s.COFFEE_MUGS, fixed_value_id="5001"),
        "no custom values": put(
            tiktok_attribute_id=s.MATERIAL_MUG, category_id=s.COFFEE_MUGS, fixed_value_name="Steel"
        ),
        "two sources": put(
            tiktok_attribute_id=s.MATERIAL_APPAREL,
            category_id=s.GRAPHIC_TEES,
            magento_attribute="brand",
            fixed_value_id="5001",
        ),
        "value map to a foreign id": put(
            tiktok_attribute_id="101002", category_id=s.GRAPHIC_TEES, magento_attribute="brand", values={"Acme": "9"}
        ),
    }

    assert {name: r.status_code for name, r in cases.items()} == dict.fromkeys(cases, 400)
    assert "no attribute 999999" in cases["unknown attribute"].json()["message"]
    assert "no product attribute with code 'fabric'" in cases["unknown magento code"].json()["message"]
    assert "Steel" not in str(_get(stack, "/admin/catalog/attribute-mappings"))
    # A shop-wide default, then a per-category override that wins in its category.
    s.map_attribute(stack, tiktok_attribute_id=s.MATERIAL_APPAREL, fixed_value_id="5002")
    s.map_attribute(
        stack, tiktok_attribute_id=s.MATERIAL_APPAREL, category_id=s.GRAPHIC_TEES, fixed_value_name="Organic cotton"
    )
    rows = {r["name"]: r for r in _get(stack, f"/admin/catalog/attributes/{s.GRAPHIC_TEES}")["attributes"]}
    assert rows["Material"]["source"] == "always 'Organic cotton' (category mapping)"
    rows = {r["name"]: r for r in _get(stack, "/admin/catalog/attributes/900112")["attributes"]}
    assert rows["Material"]["source"] == "always Polyester (shop-wide mapping)"


def test_the_report_names_the_category_rules_still_unmet(stack: LocalStack) -> None:
    s.map_category(stack, s.DRINKWARE, s.COFFEE_MUGS)
    s.set_fields(stack, package_length_attribute=None, package_width_attribute=None, package_height_attribute=None)

    report = _get(stack, f"/admin/catalog/attributes/{s.COFFEE_MUGS}")

    missing = " | ".join(report["missing"])
    assert "required attribute 'Material' (101010)" in missing
    assert "package dimensions: not mapped" in missing
    s.map_attribute(stack, tiktok_attribute_id=s.MATERIAL_MUG, category_id=s.COFFEE_MUGS, fixed_value_id=s.GLASS)
    partial = s.admin(
        stack, "PUT", "/admin/catalog/product-fields", json={"package_length_attribute": "package_length"}
    )
    assert partial.status_code == 400 and "all three" in partial.json()["message"]
    s.set_fields(
        stack,
        package_length_attribute="package_length",
        package_width_attribute="package_width",
        package_height_attribute="package_height",
    )
    assert _get(stack, f"/admin/catalog/attributes/{s.COFFEE_MUGS}")["missing"] == []
