"""Catalog mapping for the admin API: trees, search, recommendations, mappings (validated), reports.

Every change is checked against TikTok's metadata for the shop's category version before it is saved: a
category mapping must name a leaf the shop may use, an attribute mapping a TikTok attribute of the
category (or, shop-wide, of a mapped category) and values TikTok lists, and the Magento attribute must exist.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from tts_connector.catalog.attributes import SALES, AttributeSource, auto_match, sources_for
from tts_connector.catalog.categories import effective_mapping
from tts_connector.catalog.images import ImageUploader
from tts_connector.catalog.magento_metadata import MagentoAttribute, MagentoMetadata
from tts_connector.catalog.records import (
    PRODUCT_FIELDS_SECTION,
    AttributeMapping,
    CategoryMapping,
    MappingSource,
    ProductFields,
)
from tts_connector.catalog.store import CatalogStore
from tts_connector.catalog.tiktok_metadata import TikTokCatalog
from tts_connector.connect.records import Shop
from tts_connector.errors import ConnectorError, InvalidInputError, NotFoundError
from tts_connector.magento.client import MagentoClient
from tts_connector.magento.search_criteria import SearchCriteria
from tts_connector.shop_settings import ShopSettingsStore
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.catalog import Attribute

DEFAULT_ATTRIBUTE_SETS = [4]


@dataclass
class CatalogContext:
    """Everything catalog operations need for one shop."""

    shop: Shop
    tiktok: TikTokCatalog
    magento: MagentoMetadata
    magento_client: MagentoClient
    store: CatalogStore
    settings: ShopSettingsStore
    # Attribute sets products use (from `ttsc setup magento`), for reports and validation.
    attribute_sets: list[int]
    images: ImageUploader | None = None

    @property
    def ref(self) -> ShopRef:
        return ShopRef(self.shop.shop_id, self.shop.cipher)

    def category_mappings(self) -> dict[int, CategoryMapping]:
        return {m.magento_category_id: m for m in self.store.category_mappings(self.shop.shop_id)}

    def product_fields(self) -> ProductFields:
        return self.settings.get(self.shop.shop_id, PRODUCT_FIELDS_SECTION, ProductFields)

    def magento_attributes(self) -> dict[str, MagentoAttribute]:
        merged: dict[str, MagentoAttribute] = {}
        for set_id in self.attribute_sets or DEFAULT_ATTRIBUTE_SETS:
            merged |= self.magento.attribute_set(set_id).attributes
        return merged


# ---------- views ----------
class MagentoCategoryView(BaseModel):
    id: int
    name: str
    level: int
    parent_id: int
    path: str
    mapping: CategoryMapping | None = None
    # The mapping this category uses when it has none of its own (from this ancestor).
    inherited_from: int | None = None
    inherited: CategoryMapping | None = None


class TikTokCategoryView(BaseModel):
    id: str
    name: str
    parent_id: str
    is_leaf: bool
    depth: int
    path: list[str]
    permission_statuses: list[str] = Field(default_factory=list)


class TikTokTreeView(BaseModel):
    shop_id: str
    category_version: str
    fetched_at: int
    categories: list[TikTokCategoryView]
    truncated: bool = False


class RecommendationView(BaseModel):
    magento_category_id: int
    sample_sku: str | None
    recommended: TikTokCategoryView | None
    message: str
    applied: CategoryMapping | None = None


class AttributeRow(BaseModel):
    id: str
    name: str
    type: str
    required: bool
    required_when: list[str] = Field(default_factory=list)
    customizable: bool
    multiple: bool
    values: list[str]
    source: str
    magento_attribute: str | None
    mapped: bool


class RuleRow(BaseModel):
    rule: str
    required: bool
    satisfied: bool
    detail: str


class AttributeReport(BaseModel):
    shop_id: str
    category_id: str
    category_path: list[str]
    attributes: list[AttributeRow]
    rules: list[RuleRow]
    product_fields: ProductFields
    # What products of this category still need before TikTok takes them.
    missing: list[str]


class CategoryMapRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    tiktok_category_id: str = Field(min_length=1, max_length=32)
    shop_id: str | None = None


class AttributeMapRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    shop_id: str | None = None
    tiktok_attribute_id: str = Field(min_length=1, max_length=32)
    # The TikTok category the mapping is for; omitted: the shop-wide default for this TikTok attribute.
    category_id: str | None = Field(default=None, max_length=32)
    magento_attribute: str | None = Field(default=None, min_length=1, max_length=60)
    values: dict[str, str] = Field(default_factory=dict, max_length=500)
    fixed_value_id: str | None = Field(default=None, max_length=32)
    fixed_value_name: str | None = Field(default=None, min_length=1, max_length=2000)


class ProductFieldsRequest(ProductFields):
    model_config = ConfigDict(extra="forbid", strict=True)

    shop_id: str | None = None


# ---------- categories ----------
def magento_tree(ctx: CatalogContext) -> list[MagentoCategoryView]:
    tree = ctx.magento.categories()
    mappings = ctx.category_mappings()
    views = []
    for node in sorted(tree.nodes.values(), key=lambda n: (tree.path_names(n.id), n.id)):
        own = mappings.get(node.id)
        inherited = None if own else effective_mapping(node.id, tree, mappings)
        views.append(
            MagentoCategoryView(
                id=node.id,
                name=node.name,
                level=node.level,
                parent_id=node.parent_id,
                path=tree.path_names(node.id),
                mapping=own,
                inherited_from=inherited.magento_category_id if inherited else None,
                inherited=inherited,
            )
        )
    return views


def _tiktok_view(ctx: CatalogContext, category_id: str) -> TikTokCategoryView:
    tree = ctx.tiktok.tree()
    node = tree.nodes[category_id]
    path = tree.path_names(category_id)
    return TikTokCategoryView(
        id=node.id,
        name=node.local_name,
        parent_id=node.parent_id,
        is_leaf=node.is_leaf,
        depth=len(path),
        path=path,
        permission_statuses=node.permission_statuses,
    )


def tiktok_tree(ctx: CatalogContext, parent: str = "0", depth: int = 3, refresh: bool = False) -> TikTokTreeView:
    tree = ctx.tiktok.tree(refresh=refresh)
    if parent != "0" and parent not in tree.nodes:
        raise NotFoundError(f"TikTok category {parent} is not in the shop's {tree.version} tree")
    found: list[TikTokCategoryView] = []
    limit = 2000
    frontier = [(child, 1) for child in sorted(tree.children.get(parent, []))]
    while frontier and len(found) < limit:
        category_id, level = frontier.pop(0)
        found.append(_tiktok_view(ctx, category_id))
        if level < depth:
            frontier[0:0] = [(c, level + 1) for c in sorted(tree.children.get(category_id, []))]
    return TikTokTreeView(
        shop_id=ctx.shop.shop_id,
        category_version=tree.version,
        fetched_at=tree.fetched_at,
        categories=found,
        truncated=bool(frontier),
    )


def search_tiktok(ctx: CatalogContext, keyword: str, leaves_only: bool = True) -> list[TikTokCategoryView]:
    tree = ctx.tiktok.tree()
    matches = tree.search(keyword, leaves_only=leaves_only)
    return [_tiktok_view(ctx, c.id) for c in sorted(matches, key=lambda c: tree.path_names(c.id))][:200]


def _usable_leaf(ctx: CatalogContext, tiktok_category_id: str) -> TikTokCategoryView:
    tree = ctx.tiktok.tree()
    if tiktok_category_id not in tree.nodes:
        raise InvalidInputError(
            f"TikTok category {tiktok_category_id} is not in shop {ctx.shop.shop_id}'s {tree.version} category tree",
            hint="Find the id with `ttsc categories search KEYWORD`",
        )
    view = _tiktok_view(ctx, tiktok_category_id)
    if not view.is_leaf:
        raise InvalidInputError(
            f"TikTok category {view.name} ({view.id}) is not a leaf; TikTok lists products only in leaf categories",
            hint=f"Pick one below it: `ttsc categories tree --tiktok --parent {view.id}`",
        )
    blocked = [s for s in view.permission_statuses if s != "AVAILABLE"]
    if blocked:
        raise InvalidInputError(
            f"The shop may not list in TikTok category {view.name} ({view.id}): {', '.join(blocked)}",
            hint="Choose another category, or apply for this one in TikTok Shop Seller Center",
        )
    return view


def map_category(ctx: CatalogContext, magento_category_id: int, tiktok_category_id: str) -> CategoryMapping:
    tree = ctx.magento.categories(refresh=True)
    node = tree.nodes.get(magento_category_id)
    if node is None:
        raise NotFoundError(
            f"Magento has no category {magento_category_id}", hint="List them with `ttsc categories tree`"
        )
    leaf = _usable_leaf(ctx, tiktok_category_id)
    return ctx.store.save_category_mapping(
        CategoryMapping(
            shop_id=ctx.shop.shop_id,
            magento_category_id=node.id,
            magento_category_name=tree.path_names(node.id),
            magento_level=node.level,
            tiktok_category_id=leaf.id,
            tiktok_category_name=leaf.name,
            tiktok_category_path=leaf.path,
            category_version=ctx.tiktok.version,
        )
    )


def unmap_category(ctx: CatalogContext, magento_category_id: int) -> None:
    if not ctx.store.delete_category_mapping(ctx.shop.shop_id, magento_category_id):
        raise NotFoundError(f"Magento category {magento_category_id} is not mapped for shop {ctx.shop.shop_id}")


def _plain_text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def recommend(ctx: CatalogContext, magento_category_id: int, *, apply: bool = False) -> RecommendationView:
    """TikTok's recommendation for a Magento category, from a sample product's title, description, image."""
    tree = ctx.magento.categories()
    if magento_category_id not in tree.nodes:
        raise NotFoundError(f"Magento has no category {magento_category_id}")
    criteria = (
        SearchCriteria(page_size=1)
        .where("category_id", magento_category_id)
        .where("type_id", ["simple", "configurable"], "in")
        .where("visibility", 1, "neq")
        .sort_by("entity_id")
    )
    sample = next(iter(ctx.magento_client.catalog.search_products(criteria).items), None)
    if sample is None:
        return RecommendationView(
            magento_category_id=magento_category_id,
            sample_sku=None,
            recommended=None,
            message=f"Magento category {tree.path_names(magento_category_id)} has no product to learn from",
        )
    custom = {c["attribute_code"]: c.get("value") for c in sample.get("custom_attributes") or []}
    description = _plain_text(str(custom.get("description") or custom.get("short_description") or ""))[:2000]
    image_uris: list[str] = []
    media = [m for m in sample.get("media_gallery_entries") or [] if not m.get("disabled")]
    if media and ctx.images is not None:
        try:
            url = ctx.magento_client.store.product_image_url(str(media[0]["file"]))
            image_uris.append(ctx.images.image_for_url(ctx.ref, url).uri)
        except ConnectorError:
            pass  # the title and description still make a recommendation
    found = ctx.tiktok.recommend(
        str(sample.get("name") or sample["sku"]), description=description or None, image_uris=image_uris
    )
    if found is None or found.leaf_category_id not in ctx.tiktok.tree().nodes:
        return RecommendationView(
            magento_category_id=magento_category_id,
            sample_sku=str(sample["sku"]),
            recommended=None,
            message="TikTok has no category recommendation for this product; search with `ttsc categories search`",
        )
    view = _tiktok_view(ctx, found.leaf_category_id)
    applied = map_category(ctx, magento_category_id, view.id) if apply else None
    return RecommendationView(
        magento_category_id=magento_category_id,
        sample_sku=str(sample["sku"]),
        recommended=view,
        message=f"TikTok recommends {' > '.join(view.path)} for {sample.get('name') or sample['sku']}",
        applied=applied,
    )


# ---------- attributes ----------
def _category_attributes(ctx: CatalogContext, category_id: str) -> list[Attribute]:
    _usable_leaf(ctx, category_id)
    return ctx.tiktok.attributes(category_id)


def attribute_sources(ctx: CatalogContext, category_id: str) -> dict[str, AttributeSource]:
    mappings = ctx.store.attribute_mappings(ctx.shop.shop_id)
    return sources_for(_category_attributes(ctx, category_id), ctx.magento_attributes(), mappings, category_id)


def _rules(ctx: CatalogContext, category_id: str, fields: ProductFields) -> list[RuleRow]:
    rules = ctx.tiktok.rules(category_id)
    dims = all(fields.dimension_attributes)
    rows = [
        RuleRow(
            rule="package dimensions",
            required=rules.package_dimension.is_required,
            satisfied=dims or not rules.package_dimension.is_required,
            detail="from Magento " + ", ".join(str(a) for a in fields.dimension_attributes)
            if dims
            else "not mapped: `ttsc attributes map --package-length CODE --package-width CODE --package-height CODE`",
        ),
        RuleRow(
            rule="size chart",
            required=rules.size_chart.is_required,
            satisfied=not rules.size_chart.is_required,
            detail="the connector does not send size charts; add them in TikTok Shop Seller Center"
            if rules.size_chart.is_supported
            else "not used in this category",
        ),
    ]
    for certification in rules.product_certifications:
        rows.append(
            RuleRow(
                rule=f"certification {certification.name or certification.id}",
                required=certification.is_required,
                satisfied=not certification.is_required,
                detail="the connector does not send certifications; add them in TikTok Shop Seller Center",
            )
        )
    return rows


def attribute_report(ctx: CatalogContext, category_id: str) -> AttributeReport:
    sources = attribute_sources(ctx, category_id)
    fields = ctx.product_fields()
    rows: list[AttributeRow] = []
    missing: list[str] = []
    for source in sources.values():
        tiktok = source.tiktok
        when = [f"{c.attribute_id}={c.attribute_value_id}" for c in tiktok.requirement_conditions if c.attribute_id]
        rows.append(
            AttributeRow(
                id=tiktok.id,
                name=tiktok.name,
                type=tiktok.type,
                required=tiktok.is_required,
                required_when=when,
                customizable=tiktok.is_customizable,
                multiple=tiktok.is_multiple_selection,
                values=[v.name for v in tiktok.values[:50]],
                source=source.describe(),
                magento_attribute=source.magento_code,
                mapped=source.provided,
            )
        )
        if tiktok.type != SALES and tiktok.is_required and not source.provided:
            missing.append(
                f"required attribute '{tiktok.name}' ({tiktok.id}): map it with `ttsc attributes map {tiktok.id} "
                f"--magento-attribute CODE --category {category_id}` (or a fixed value with --value-id/--value-name)"
            )
    rules = _rules(ctx, category_id, fields)
    missing += [f"{r.rule}: {r.detail}" for r in rules if r.required and not r.satisfied]
    return AttributeReport(
        shop_id=ctx.shop.shop_id,
        category_id=category_id,
        category_path=ctx.tiktok.tree().path_names(category_id),
        attributes=rows,
        rules=rules,
        product_fields=fields,
        missing=missing,
    )


def _require_magento_attribute(ctx: CatalogContext, code: str) -> MagentoAttribute:
    found = ctx.magento.attribute(code, ctx.attribute_sets or DEFAULT_ATTRIBUTE_SETS)
    if found is None:
        raise InvalidInputError(
            f"Magento has no product attribute with code '{code}'",
            hint="Use the attribute code (Stores > Attributes > Product), not its label",
        )
    return found


def _known_attribute(ctx: CatalogContext, attribute_id: str, category_id: str | None) -> Attribute:
    if category_id is not None:
        found = next((a for a in _category_attributes(ctx, category_id) if a.id == attribute_id), None)
        if found is None:
            raise InvalidInputError(
                f"TikTok category {category_id} has no attribute {attribute_id}",
                hint=f"See its attributes with `ttsc attributes show {category_id}`",
            )
        return found
    mapped = sorted({m.tiktok_category_id for m in ctx.store.category_mappings(ctx.shop.shop_id)})
    if not mapped:
        raise InvalidInputError(
            "A shop-wide attribute mapping is checked against the mapped categories, and none is mapped yet",
            hint="Map a category first (`ttsc categories map`), or give --category",
        )
    for tiktok_category in mapped:
        found = next((a for a in ctx.tiktok.attributes(tiktok_category) if a.id == attribute_id), None)
        if found is not None:
            return found
    raise InvalidInputError(
        f"None of the mapped TikTok categories ({', '.join(mapped)}) has attribute {attribute_id}",
        hint="See a category's attributes with `ttsc attributes show CATEGORY`",
    )


def map_attribute(
    ctx: CatalogContext, request: AttributeMapRequest, source: MappingSource = MappingSource.MANUAL
) -> AttributeMapping:
    chosen = [request.magento_attribute, request.fixed_value_id, request.fixed_value_name]
    if sum(v is not None for v in chosen) != 1:
        raise InvalidInputError(
            "Give exactly one of: a Magento attribute, a fixed TikTok value id, or a fixed custom value"
        )
    tiktok = _known_attribute(ctx, request.tiktok_attribute_id, request.category_id)
    value_ids = {v.id for v in tiktok.values}
    if request.magento_attribute is not None:
        _require_magento_attribute(ctx, request.magento_attribute)
    if request.fixed_value_id is not None and request.fixed_value_id not in value_ids:
        raise InvalidInputError(
            f"{request.fixed_value_id} is not a value of TikTok's '{tiktok.name}'",
            hint="Values: " + ", ".join(f"{v.id} {v.name}" for v in tiktok.values[:30]),
        )
    if request.fixed_value_name is not None and not tiktok.is_customizable and tiktok.type != SALES:
        raise InvalidInputError(
            f"TikTok's '{tiktok.name}' takes no custom values; pick one of its values with --value-id",
            hint="Values: " + ", ".join(f"{v.id} {v.name}" for v in tiktok.values[:30]),
        )
    for label, target in request.values.items():
        if target not in value_ids and not tiktok.is_customizable:
            raise InvalidInputError(
                f"Value map {label!r} -> {target!r}: {target!r} is not a value id of TikTok's '{tiktok.name}'",
                hint="Values: " + ", ".join(f"{v.id} {v.name}" for v in tiktok.values[:30]),
            )
    return ctx.store.save_attribute_mapping(
        AttributeMapping(
            shop_id=ctx.shop.shop_id,
            tiktok_attribute_id=tiktok.id,
            tiktok_attribute_name=tiktok.name,
            category_id=request.category_id,
            magento_attribute=request.magento_attribute,
            values=request.values,
            fixed_value_id=request.fixed_value_id,
            fixed_value_name=request.fixed_value_name,
            source=source,
        )
    )


def unmap_attribute(ctx: CatalogContext, tiktok_attribute_id: str, category_id: str | None) -> None:
    if not ctx.store.delete_attribute_mapping(ctx.shop.shop_id, tiktok_attribute_id, category_id):
        where = f"category {category_id}" if category_id else "the whole shop"
        raise NotFoundError(f"TikTok attribute {tiktok_attribute_id} has no mapping for {where}")


def auto_map(ctx: CatalogContext, category_id: str) -> list[AttributeMapping]:
    """Save, for the category, every exact-name match not already mapped by the merchant."""
    saved: list[AttributeMapping] = []
    magento = ctx.magento_attributes()
    for source in attribute_sources(ctx, category_id).values():
        if source.mapping is not None and source.mapping.source is MappingSource.MANUAL:
            continue
        matched = auto_match(source.tiktok.name, magento)
        if matched is None:
            continue
        saved.append(
            map_attribute(
                ctx,
                AttributeMapRequest(
                    shop_id=ctx.shop.shop_id,
                    tiktok_attribute_id=source.tiktok.id,
                    category_id=category_id,
                    magento_attribute=matched.code,
                ),
                source=MappingSource.AUTO,
            )
        )
    fields = ctx.product_fields()
    updates: dict[str, str] = {}
    if fields.brand_attribute is None and (brand := auto_match("brand", magento)) is not None:
        updates["brand_attribute"] = brand.code
    for side in ("length", "width", "height"):
        if getattr(fields, f"package_{side}_attribute") is None:
            found = auto_match(f"package {side}", magento)
            if found is not None:
                updates[f"package_{side}_attribute"] = found.code
    if fields.identifier_attribute is None:
        for kind in ("GTIN", "EAN", "UPC", "ISBN", "JAN"):
            found = auto_match(kind, magento)
            if found is not None:
                updates |= {"identifier_attribute": found.code, "identifier_type": kind}
                break
    if updates:
        ctx.settings.save(ctx.shop.shop_id, PRODUCT_FIELDS_SECTION, fields.model_copy(update=updates))
    return saved


def set_product_fields(ctx: CatalogContext, request: ProductFieldsRequest) -> ProductFields:
    """Change the fields named in the request (null clears one); the others keep their mapping."""
    changes = {k: getattr(request, k) for k in request.model_fields_set if k != "shop_id"}
    fields = ProductFields.model_validate(ctx.product_fields().model_dump() | changes)
    for code in (fields.brand_attribute, *fields.dimension_attributes, fields.identifier_attribute):
        if code is not None:
            _require_magento_attribute(ctx, code)
    if (fields.identifier_attribute is None) != (fields.identifier_type is None):
        raise InvalidInputError(
            "An identifier attribute needs its type (GTIN, EAN, UPC, ISBN or JAN), and the other way round"
        )
    dims = [a for a in fields.dimension_attributes if a is not None]
    if dims and len(dims) != 3:
        raise InvalidInputError("Package dimensions need all three attributes: length, width and height")
    ctx.settings.save(ctx.shop.shop_id, PRODUCT_FIELDS_SECTION, fields)
    return fields
