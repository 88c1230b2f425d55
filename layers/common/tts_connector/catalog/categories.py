"""Which TikTok category a product goes to: its deepest mapped Magento category, inherited down the tree.

A mapping on a Magento category applies to every category below it. A product's candidates are the
mapped categories on the paths from each of its categories to the root; the deepest one wins. Two mapped
categories at that same depth with different TikTok targets are a conflict the merchant resolves (by
mapping a deeper category or removing one): the connector does not guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tts_connector.catalog.magento_metadata import MagentoCategories
from tts_connector.catalog.records import CategoryMapping


@dataclass(frozen=True)
class CategoryResolution:
    mapping: CategoryMapping | None
    # Mapped categories at the winning depth pointing at different TikTok categories (empty unless conflict).
    conflicts: list[CategoryMapping] = field(default_factory=list)

    @property
    def conflict(self) -> bool:
        return bool(self.conflicts)


def resolve_category(
    category_ids: Iterable[int], tree: MagentoCategories, mappings: dict[int, CategoryMapping]
) -> CategoryResolution:
    candidates: dict[int, CategoryMapping] = {}
    for category_id in category_ids:
        for node in tree.ancestors(category_id) or []:
            mapping = mappings.get(node.id)
            if mapping is not None:
                candidates[node.id] = mapping.model_copy(update={"magento_level": node.level})
        if category_id in mappings and category_id not in tree.nodes:
            # A mapped category Magento no longer lists in the tree still applies to its products.
            candidates[category_id] = mappings[category_id]
    if not candidates:
        return CategoryResolution(mapping=None)
    deepest = max(m.magento_level for m in candidates.values())
    at_depth = sorted(
        (m for m in candidates.values() if m.magento_level == deepest), key=lambda m: m.magento_category_id
    )
    if len({m.tiktok_category_id for m in at_depth}) > 1:
        return CategoryResolution(mapping=None, conflicts=at_depth)
    return CategoryResolution(mapping=at_depth[0])


def effective_mapping(
    category_id: int, tree: MagentoCategories, mappings: dict[int, CategoryMapping]
) -> CategoryMapping | None:
    """The mapping a Magento category uses: its own, else its nearest mapped ancestor's."""
    for node in tree.ancestors(category_id):
        if node.id in mappings:
            return mappings[node.id]
    return None


def same_depth_conflicts(mappings: Iterable[CategoryMapping], levels: Mapping[int, int]) -> list[list[CategoryMapping]]:
    """Mapped categories that share a depth but not a TikTok category, deepest first.

    `resolve_category` refuses a product whose deepest mapped categories are such a pair, so each group is
    where a product in two of its categories (and in no deeper mapped one) would not be pushed. `levels` is
    Magento's tree as it is now (a mapping's own `magento_level` is what it was when saved).
    """
    by_level: dict[int, list[CategoryMapping]] = {}
    for mapping in mappings:
        level = levels.get(mapping.magento_category_id, mapping.magento_level)
        by_level.setdefault(level, []).append(mapping)
    return [
        sorted(group, key=lambda m: m.magento_category_id)
        for _, group in sorted(by_level.items(), reverse=True)
        if len({m.tiktok_category_id for m in group}) > 1
    ]
