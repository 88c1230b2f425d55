"""Building a TikTok product from a Magento snapshot, and the preflight problems that stop it."""

from __future__ import annotations

from typing import Any

import pytest

from tts_connector.catalog.magento_metadata import (
    AttributeSet,
    MagentoAttribute,
    MagentoCategories,
    MagentoCategory,
    StoreFacts,
)
from tts_connector.catalog.records import CategoryMapping, ProductFields
from tts_connector.product_push.builder import ProductBuilder, ShopContext
from tts_connector.product_push.preflight import PreflightFailed
from tts_connector.product_push.snapshot import MediaEntry, ProductSnapshot
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.catalog import Attribute, Brand, CategoryRules

LEAF = "900111"
ATTRIBUTES = [
    Attribute.model_validate(
        {"id": "100000", "name": "Color", "type": "SALES_PROPERTY", "values": [{"id": "1001", "name": "Red"}]}
    ),
    Attribute.model_validate(
        {"id": "100007", "name": "Size", "type": "SALES_PROPERTY", "values": [{"id": "2002", "name": "M"}]}
    ),
    Attribute.model_validate(
        {"id": "101001", "name": "Material", "type": "PRODUCT_PROPERTY", "is_requried": True, "is_customizable": True}
    ),
]
BASE_SET = {
    "tiktok_product_id": MagentoAttribute("tiktok_product_id", "TikTok Shop Product ID", "text"),
    "tiktok_shop_synced": MagentoAttribute("tiktok_shop_synced", "TikTok Shop Synced", "boolean"),
    "color": MagentoAttribute("color", "Color", "select", {"49": "Black", "58": "Red"}, attribute_id="93"),
    "size": MagentoAttribute("size", "Size", "select", {"168": "M"}, attribute_id="144"),
    "material": MagentoAttribute("material", "Material", "text"),
    "brand": MagentoAttribute("brand", "Brand", "select", {"201": "Luxe Maison", "202": "Northwind"}),
    "ean": MagentoAttribute("ean", "EAN", "text"),
    "finish": MagentoAttribute("finish", "Finish", "select", attribute_id="150"),
    "strap": MagentoAttribute("strap", "Strap", "select", attribute_id="151"),
}


class FakeTikTok:
    version = "v2"

    def __init__(self, rules: CategoryRules | None = None, brands: dict[str, Brand] | None = None):
        self._rules = rules or CategoryRules()
        self._brands = brands or {}

    def attributes(self, category_id: str) -> list[Attribute]:
        return ATTRIBUTES

    def rules(self, category_id: str) -> CategoryRules:
        return self._rules

    def brand(self, category_id: str, name: str) -> Brand | None:
        return self._brands.get(name)


class FakeMagento:
    def __init__(self, attributes: dict[str, MagentoAttribute]):
        self._set = AttributeSet(4, attributes)

    def attribute_set(self, attribute_set_id: int) -> AttributeSet:
        return self._set

    def categories(self) -> MagentoCategories:
        return MagentoCategories({5: MagentoCategory(5, 2, "Tees", 4), 7: MagentoCategory(7, 2, "Bags", 2)})


def _context(
    *, tiktok: FakeTikTok | None = None, attributes: dict[str, MagentoAttribute] | None = None, **fields: Any
) -> ShopContext:
    return ShopContext(
        ref=ShopRef("shop", "cipher"),
        region="US",
        warehouse_id="wh",
        sources=["default", "east"],
        facts=StoreFacts(base_currency="USD", weight_unit="kgs", media_base_url="https://m.example/media/"),
        fields=ProductFields(identifier_attribute="ean", identifier_type="EAN", brand_attribute="brand", **fields),
        category_mappings={
            5: CategoryMapping(shop_id="shop", magento_category_id=5, tiktok_category_id=LEAF, magento_level=4)
        },
        attribute_mappings=[],
        tiktok=tiktok or FakeTikTok(),  # type: ignore[arg-type]
        magento=FakeMagento(attributes or BASE_SET),  # type: ignore[arg-type]
    )


def _child(sku: str, product_id: int, **values: Any) -> ProductSnapshot:
    status = values.pop("status", 1)
    return ProductSnapshot(
        sku=sku,
        id=product_id,
        name=sku,
        price=values.pop("price", 20.0),
        weight=values.pop("weight", 0.4),
        visibility=1,
        status=status,
        attributes=values,
        stock={"default": 7, "east": 3, "west": 100},
    )


def _tee(**overrides: Any) -> ProductSnapshot:
    product: dict[str, Any] = {
        "sku": "TEE",
        "id": 10,
        "name": "Classic Tee",
        "type_id": "configurable",
        "attributes": {"description": "<p>Soft</p>", "material": "Cotton", "brand": "202"},
        "category_ids": [5],
        "media": [MediaEntry(file="/t/e/tee.png", types=["image"])],
        "super_attribute_ids": ["93", "144"],
        "children": [
            _child("TEE-M-RED", 11, color="58", size="168", ean="4006381333931"),
            _child("TEE-M-BLA", 12, color="49", size="168", ean="4000000000013", weight=0.9),
            _child("TEE-OFF", 13, color="49", size="168", status=2),
        ],
    }
    return ProductSnapshot.model_validate(product | overrides)


def test_a_configurable_becomes_one_sku_per_enabled_child_with_its_own_values() -> None:
    draft = ProductBuilder(_context()).build(_tee())

    assert [d.snapshot.sku for d in draft.skus] == ["TEE-M-RED", "TEE-M-BLA"]
    red = draft.skus[0].sku
    assert [a.model_dump(exclude_none=True) for a in red.sales_attributes] == [
        {"id": "100000", "value_id": "1001"},
        {"id": "100007", "value_id": "2002"},
    ]
    assert next(a.model_dump(exclude_none=True) for a in draft.skus[1].sku.sales_attributes) == {
        "id": "100000",
        "value_name": "Black",
    }
    assert red.inventory[0].quantity == 10  # the warehouse's sources only: default + east, not west
    assert (red.seller_sku, red.external_sku_id, str(red.price.amount)) == ("TEE-M-RED", "11", "20.00")
    assert red.identifier_code is not None and red.identifier_code.code == "4006381333931"
    assert (str(draft.weight.value), draft.weight.unit) == ("0.9", "KILOGRAM")  # the heaviest variant
    assert draft.attributes[0].model_dump(exclude_none=True) == {"id": "101001", "values": [{"name": "Cotton"}]}
    assert draft.image_urls == ["https://m.example/media/catalog/product/t/e/tee.png"]
    assert any("brand 'Northwind' is not in TikTok's brand list" in w for w in draft.warnings)


def test_preflight_names_each_problem_and_the_attribute_to_fix() -> None:
    attributes = {k: v for k, v in BASE_SET.items() if k != "tiktok_shop_synced"}
    rules = CategoryRules.model_validate({"package_dimension": {"is_required": True}})
    t1 = Brand(id="7", name="Luxe Maison", authorized_status="UNAUTHORIEZD", is_t1_brand=True)
    product = _tee(
        attributes={"brand": "201"},
        super_attribute_ids=["93", "144", "150", "151"],
        children=[
            _child("TEE-X", 11, color="58", size="168", finish="1", strap="2", ean="12345", price=0.0, weight=None)
        ],
    )

    with pytest.raises(PreflightFailed) as raised:
        ProductBuilder(_context(tiktok=FakeTikTok(rules, {"Luxe Maison": t1}), attributes=attributes)).build(product)

    failure = raised.value.failure()
    problems = {p.magento_attribute: p.message for p in raised.value.problems}
    assert failure.message.startswith("Magento product TEE: its attribute set 4 lacks tiktok_shop_synced")
    assert "ttsc setup magento" in (failure.hint or "")
    assert "has no description" in problems["description"]
    assert "TikTok allows at most 3 sales attributes" in problems["strap"]
    assert "its price (0.0) is not above 0" in problems["price"]
    assert "'12345' is not a valid EAN" in problems["ean"]
    assert "has no weight" in problems["weight"]
    assert "requires package dimensions" in problems["package dimensions"]
    assert "T1 brand the shop is not authorized to sell" in problems["brand"]
    assert "TikTok requires 'Material'" in problems["material"] and "is empty" in problems["material"]


def test_an_unmapped_or_conflicting_category_stops_the_product_first() -> None:
    unmapped = _tee(category_ids=[7])

    with pytest.raises(PreflightFailed) as raised:
        ProductBuilder(_context()).build(unmapped)

    [problem] = raised.value.problems
    assert problem.magento_attribute == "category_ids"
    assert "none of its Magento categories (Bags) is mapped" in problem.message
    assert "ttsc categories recommend 7" in (problem.hint or "")
