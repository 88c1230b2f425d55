"""A product's TikTok category: its deepest mapped Magento category, inherited down; a tie is a conflict."""

from __future__ import annotations

from tts_connector.catalog.categories import effective_mapping, resolve_category
from tts_connector.catalog.magento_metadata import MagentoCategories, MagentoCategory
from tts_connector.catalog.records import CategoryMapping

TREE = MagentoCategories(
    {
        1: MagentoCategory(1, 0, "Root Catalog", 0),
        2: MagentoCategory(2, 1, "Default Category", 1),
        3: MagentoCategory(3, 2, "Women", 2),
        4: MagentoCategory(4, 3, "Tops", 3),
        5: MagentoCategory(5, 4, "Tees", 4),
        6: MagentoCategory(6, 2, "Gear", 2),
        7: MagentoCategory(7, 6, "Bags", 3),
        8: MagentoCategory(8, 6, "Drinkware", 3),
    }
)


def _map(category: int, tiktok: str) -> CategoryMapping:
    return CategoryMapping(shop_id="s", magento_category_id=category, tiktok_category_id=tiktok)


def test_a_parent_mapping_applies_below_it_and_the_deepest_mapping_wins() -> None:
    mappings = {3: _map(3, "plain"), 5: _map(5, "graphic")}

    assert resolve_category([4], TREE, mappings).mapping.tiktok_category_id == "plain"  # type: ignore[union-attr]
    assert resolve_category([3, 4, 5], TREE, mappings).mapping.tiktok_category_id == "graphic"  # type: ignore[union-attr]
    assert resolve_category([5, 7], TREE, mappings).mapping.tiktok_category_id == "graphic"  # type: ignore[union-attr]
    assert effective_mapping(4, TREE, mappings) == mappings[3]
    assert resolve_category([7], TREE, mappings).mapping is None


def test_two_mappings_at_the_same_depth_are_a_conflict_unless_they_agree() -> None:
    clash = resolve_category([7, 8], TREE, {7: _map(7, "cases"), 8: _map(8, "mugs")})
    agree = resolve_category([7, 8], TREE, {7: _map(7, "mugs"), 8: _map(8, "mugs")})
    deeper = resolve_category([5, 7, 8], TREE, {5: _map(5, "tees"), 7: _map(7, "cases"), 8: _map(8, "mugs")})

    assert clash.conflict and clash.mapping is None
    assert [m.magento_category_id for m in clash.conflicts] == [7, 8]
    assert agree.mapping is not None and not agree.conflict
    assert deeper.mapping is not None and deeper.mapping.tiktok_category_id == "tees"
