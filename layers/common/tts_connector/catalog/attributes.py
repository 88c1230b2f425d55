"""Which Magento attribute feeds each TikTok attribute of a category, and how values become TikTok's.

Precedence: a manual mapping for the category, else the shop-wide default for that TikTok attribute, else
auto-matching: a Magento attribute whose code or label equals the TikTok attribute's name, ignoring case,
spaces and underscores. Values are matched by option label the same way; an explicit value map wins, and a
TikTok attribute that accepts custom values takes the Magento label as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from tts_connector.catalog.magento_metadata import SYSTEM_ATTRIBUTES, MagentoAttribute
from tts_connector.catalog.records import AttributeMapping, MappingSource
from tts_connector.tiktok.models.catalog import Attribute
from tts_connector.tiktok.models.product import AttributeValueInput, SalesAttribute

SALES = "SALES_PROPERTY"
PRODUCT = "PRODUCT_PROPERTY"


def normalized(name: str) -> str:
    """'Dishwasher Safe', 'dishwasher_safe' and 'DishwasherSafe' are the same name."""
    return "".join(ch for ch in name.casefold() if not ch.isspace() and ch != "_")


class SourceKind(StrEnum):
    CATEGORY = "category mapping"
    GLOBAL = "shop-wide mapping"
    AUTO = "auto-matched by name"
    NONE = "not mapped"


@dataclass(frozen=True)
class AttributeSource:
    tiktok: Attribute
    kind: SourceKind
    mapping: AttributeMapping | None = None
    magento: MagentoAttribute | None = None

    @property
    def magento_code(self) -> str | None:
        if self.magento is not None:
            return self.magento.code
        return self.mapping.magento_attribute if self.mapping else None

    @property
    def fixed(self) -> bool:
        return self.mapping is not None and (self.mapping.fixed_value_id or self.mapping.fixed_value_name) is not None

    @property
    def provided(self) -> bool:
        return self.fixed or self.magento_code is not None

    def describe(self) -> str:
        if self.mapping is not None and self.mapping.fixed_value_id:
            value = next((v.name for v in self.tiktok.values if v.id == self.mapping.fixed_value_id), "")
            return f"always {value or self.mapping.fixed_value_id} ({self.kind.value})"
        if self.mapping is not None and self.mapping.fixed_value_name:
            return f"always '{self.mapping.fixed_value_name}' ({self.kind.value})"
        if self.magento_code:
            return f"Magento '{self.magento_code}' ({self.kind.value})"
        return self.kind.value


def auto_match(name: str, magento: Mapping[str, MagentoAttribute]) -> MagentoAttribute | None:
    """The Magento attribute named like `name`: a code match first, then a label match."""
    wanted = normalized(name)
    candidates = [a for a in magento.values() if a.code not in SYSTEM_ATTRIBUTES]
    by_code = sorted((a for a in candidates if normalized(a.code) == wanted), key=lambda a: a.code)
    if by_code:
        return by_code[0]
    by_label = sorted((a for a in candidates if normalized(a.label) == wanted), key=lambda a: a.code)
    return by_label[0] if by_label else None


def sources_for(
    tiktok_attributes: Iterable[Attribute],
    magento: Mapping[str, MagentoAttribute],
    mappings: Iterable[AttributeMapping],
    category_id: str,
) -> dict[str, AttributeSource]:
    """TikTok attribute id -> where its values come from, for one TikTok category and one attribute set."""
    by_scope = {(m.category_id, m.tiktok_attribute_id, m.source): m for m in mappings}
    # A merchant's mapping beats a saved auto-match, wherever it was made.
    order = (
        (category_id, MappingSource.MANUAL, SourceKind.CATEGORY),
        (None, MappingSource.MANUAL, SourceKind.GLOBAL),
        (category_id, MappingSource.AUTO, SourceKind.AUTO),
        (None, MappingSource.AUTO, SourceKind.AUTO),
    )
    sources: dict[str, AttributeSource] = {}
    for attribute in tiktok_attributes:
        for scope, source, kind in order:
            mapping = by_scope.get((scope, attribute.id, source))
            if mapping is not None:
                found = magento.get(mapping.magento_attribute) if mapping.magento_attribute else None
                sources[attribute.id] = AttributeSource(attribute, kind, mapping, found)
                break
        else:
            matched = auto_match(attribute.name, magento)
            sources[attribute.id] = AttributeSource(
                attribute, SourceKind.AUTO if matched else SourceKind.NONE, magento=matched
            )
    return sources


@dataclass(frozen=True)
class ValueOutcome:
    values: list[AttributeValueInput]
    problem: str | None = None  # why the value cannot be sent (names the Magento attribute and value)


def _match_value(tiktok: Attribute, label: str, value_map: Mapping[str, str]) -> AttributeValueInput | None:
    mapped = value_map.get(label)
    if mapped is None:
        mapped = next((v for k, v in value_map.items() if normalized(k) == normalized(label)), None)
    if mapped is not None:
        if any(v.id == mapped for v in tiktok.values):
            return AttributeValueInput(id=mapped)
        return AttributeValueInput(name=mapped) if tiktok.is_customizable else None
    match = next((v for v in tiktok.values if normalized(v.name) == normalized(label)), None)
    if match is not None:
        return AttributeValueInput(id=match.id)
    return AttributeValueInput(name=label[:2000]) if tiktok.is_customizable else None


def product_values(source: AttributeSource, raw: object) -> ValueOutcome:
    """The TikTok values of one product attribute from the product's stored Magento value."""
    tiktok, mapping = source.tiktok, source.mapping
    if mapping is not None and mapping.fixed_value_id:
        return ValueOutcome([AttributeValueInput(id=mapping.fixed_value_id)])
    if mapping is not None and mapping.fixed_value_name:
        return ValueOutcome([AttributeValueInput(name=mapping.fixed_value_name)])
    if source.magento is None:
        return ValueOutcome([])
    labels = source.magento.labels_of(raw)
    values: list[AttributeValueInput] = []
    for label in labels:
        value = _match_value(tiktok, label, mapping.values if mapping else {})
        if value is None:
            allowed = ", ".join(v.name for v in tiktok.values[:20]) or "none listed"
            return ValueOutcome(
                [],
                f"Magento attribute '{source.magento.code}' has '{label}', which is not one of TikTok's values "
                f"for '{tiktok.name}' ({allowed}) and '{tiktok.name}' takes no custom values",
            )
        values.append(value)
    if len(values) > 1 and not tiktok.is_multiple_selection:
        return ValueOutcome(
            [],
            f"Magento attribute '{source.magento.code}' has {len(values)} values ({', '.join(labels)}) but "
            f"TikTok's '{tiktok.name}' takes one",
        )
    return ValueOutcome(values)


def sales_attribute(
    magento_attribute: MagentoAttribute,
    tiktok_attributes: Iterable[Attribute],
    mappings: Iterable[AttributeMapping],
    category_id: str,
) -> tuple[Attribute | None, AttributeMapping | None]:
    """The TikTok sales attribute a configurable's super attribute becomes (None: a custom one)."""
    sales = [a for a in tiktok_attributes if a.type == SALES]
    ordered = sorted(
        (m for m in mappings if m.magento_attribute == magento_attribute.code),
        key=lambda m: 0 if m.category_id == category_id else 1 if m.category_id is None else 2,
    )
    for mapping in ordered:
        if mapping.category_id not in (None, category_id):
            continue
        found = next((a for a in sales if a.id == mapping.tiktok_attribute_id), None)
        if found is not None:
            return found, mapping
    for candidate in (magento_attribute.code, magento_attribute.label):
        found = next((a for a in sales if normalized(a.name) == normalized(candidate)), None)
        if found is not None:
            return found, None
    return None, None


def sales_value(
    magento_attribute: MagentoAttribute, tiktok: Attribute | None, mapping: AttributeMapping | None, label: str
) -> SalesAttribute:
    """One SKU's value of a sales attribute: TikTok's value id when a value has that name, else its text."""
    if tiktok is None:
        return SalesAttribute(name=magento_attribute.label[:20], value_name=label[:50])
    value_map = mapping.values if mapping else {}
    mapped = value_map.get(label)
    if mapped is not None and any(v.id == mapped for v in tiktok.values):
        return SalesAttribute(id=tiktok.id, value_id=mapped)
    match = next((v for v in tiktok.values if normalized(v.name) == normalized(mapped or label)), None)
    if match is not None:
        return SalesAttribute(id=tiktok.id, value_id=match.id)
    return SalesAttribute(id=tiktok.id, value_name=(mapped or label)[:50])


def conditionally_required(attribute: Attribute, chosen: Mapping[str, list[AttributeValueInput]]) -> bool:
    """TikTok's `requirement_conditions`: required when any listed attribute has the listed value."""
    if attribute.is_required:
        return True
    for condition in attribute.requirement_conditions:
        values = chosen.get(condition.attribute_id or "", [])
        if any(v.id is not None and v.id == condition.attribute_value_id for v in values):
            return True
    return False
