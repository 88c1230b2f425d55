"""Attribute sources (manual per category > manual shop-wide > saved auto > live auto) and value matching."""

from __future__ import annotations

from tts_connector.catalog.attributes import (
    SourceKind,
    auto_match,
    conditionally_required,
    normalized,
    product_values,
    sales_value,
    sources_for,
)
from tts_connector.catalog.magento_metadata import MagentoAttribute
from tts_connector.catalog.records import AttributeMapping, MappingSource
from tts_connector.tiktok.models.catalog import Attribute
from tts_connector.tiktok.models.product import AttributeValueInput

MATERIAL = Attribute.model_validate(
    {
        "id": "101001",
        "name": "Material",
        "type": "PRODUCT_PROPERTY",
        "is_requried": True,
        "is_customizable": False,
        "values": [{"id": "5001", "name": "Cotton"}, {"id": "5002", "name": "Polyester"}],
    }
)
DISHWASHER = Attribute.model_validate(
    {
        "id": "101011",
        "name": "Dishwasher Safe",
        "type": "PRODUCT_PROPERTY",
        "values": [{"id": "5301", "name": "Yes"}, {"id": "5302", "name": "No"}],
        "requirement_conditions": [
            {"condition_type": "VALUE_ID_MATCH", "attribute_id": "101001", "attribute_value_id": "5002"}
        ],
    }
)
COLOR = Attribute.model_validate(
    {"id": "100000", "name": "Color", "type": "SALES_PROPERTY", "values": [{"id": "1001", "name": "Red"}]}
)
MAGENTO = {
    "fabric": MagentoAttribute("fabric", "Material", "select", {"11": "cotton ", "12": "Wool"}),
    "dishwasher_safe": MagentoAttribute("dishwasher_safe", "Dishwasher", "boolean"),
    "colour": MagentoAttribute("colour", "Color", "select", {"49": "Black", "58": "Red"}),
    "name": MagentoAttribute("name", "Material", "text"),
}


def _mapping(
    attribute: str, *, category: str | None = None, source: MappingSource = MappingSource.MANUAL, **kw: object
) -> AttributeMapping:
    return AttributeMapping(shop_id="s", tiktok_attribute_id=attribute, category_id=category, source=source, **kw)  # type: ignore[arg-type]


def test_names_match_ignoring_case_spaces_and_underscores_code_before_label() -> None:
    assert normalized("Dishwasher Safe") == normalized("dishwasher_safe") == normalized("DishwasherSafe")
    assert auto_match("Dishwasher Safe", MAGENTO) == MAGENTO["dishwasher_safe"]  # by code
    assert auto_match("Material", MAGENTO) == MAGENTO["fabric"]  # by label; `name` is the connector's own
    assert auto_match("Pattern", MAGENTO) is None


def test_a_merchants_mapping_beats_a_saved_match_and_a_category_beats_the_shop() -> None:
    mappings = [
        _mapping("101001", fixed_value_id="5002"),
        _mapping("101001", category="leaf", magento_attribute="fabric"),
        _mapping("101011", category="leaf", source=MappingSource.AUTO, magento_attribute="colour"),
        _mapping("101011", magento_attribute="dishwasher_safe"),
    ]

    here = sources_for([MATERIAL, DISHWASHER], MAGENTO, mappings, "leaf")
    elsewhere = sources_for([MATERIAL, DISHWASHER], MAGENTO, mappings, "other")

    assert (here["101001"].kind, here["101001"].magento_code) == (SourceKind.CATEGORY, "fabric")
    assert (here["101011"].kind, here["101011"].magento_code) == (SourceKind.GLOBAL, "dishwasher_safe")
    assert elsewhere["101001"].kind is SourceKind.GLOBAL and elsewhere["101001"].fixed
    assert sources_for([MATERIAL], MAGENTO, [], "leaf")["101001"].kind is SourceKind.AUTO


def test_values_match_by_option_label_and_a_value_tiktok_lacks_is_named() -> None:
    source = sources_for([MATERIAL], MAGENTO, [], "leaf")["101001"]

    assert product_values(source, "11").values == [AttributeValueInput(id="5001")]
    refused = product_values(source, "12")
    assert refused.values == [] and refused.problem is not None
    assert "Magento attribute 'fabric' has 'Wool'" in refused.problem and "Cotton, Polyester" in refused.problem
    mapped = sources_for(
        [MATERIAL], MAGENTO, [_mapping("101001", magento_attribute="fabric", values={"Wool": "5002"})], "x"
    )
    assert product_values(mapped["101001"], "12").values == [AttributeValueInput(id="5002")]
    boolean = sources_for([DISHWASHER], MAGENTO, [], "leaf")["101011"]
    assert product_values(boolean, "1").values == [AttributeValueInput(id="5301")]


def test_requirement_conditions_and_sales_values() -> None:
    assert conditionally_required(DISHWASHER, {"101001": [AttributeValueInput(id="5002")]})
    assert not conditionally_required(DISHWASHER, {"101001": [AttributeValueInput(id="5001")]})
    colour = MAGENTO["colour"]
    assert sales_value(colour, COLOR, None, "Red").model_dump(exclude_none=True) == {"id": "100000", "value_id": "1001"}
    assert sales_value(colour, COLOR, None, "Black").model_dump(exclude_none=True) == {
        "id": "100000",
        "value_name": "Black",
    }
    custom = sales_value(MagentoAttribute("finish", "Surface finish type", "select"), None, None, "Matte")
    assert custom.model_dump(exclude_none=True) == {"name": "Surface finish type", "value_name": "Matte"}
