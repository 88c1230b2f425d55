"""Building a TikTok product from a Magento product, and checking it first (preflight).

Title and description from the store view; images from the media gallery (the base image first, at most 9);
the category from the deepest mapped Magento category; attributes from the mappings (or exact-name
matches); brand, package weight and dimensions, identifier codes from the shop's product fields; one SKU
for a simple product, one per enabled child of a configurable with its own price, stock, seller SKU,
identifier and sale-attribute values (its super attributes, at most 3). Stock is the sum over the MSI
sources that feed the chosen warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tts_connector.catalog.attributes import (
    PRODUCT,
    conditionally_required,
    product_values,
    sales_attribute,
    sales_value,
    sources_for,
)
from tts_connector.catalog.categories import resolve_category
from tts_connector.catalog.magento_metadata import AttributeSet, MagentoAttribute, MagentoMetadata, StoreFacts
from tts_connector.catalog.records import AttributeMapping, CategoryMapping, ProductFields
from tts_connector.catalog.tiktok_metadata import TikTokCatalog
from tts_connector.connect.magento_setup import CONNECTOR_ATTRIBUTES
from tts_connector.listings.store import MAX_SKUS_PER_LISTING
from tts_connector.product_push.description import SanitisedDescription, sanitise_description
from tts_connector.product_push.identifiers import identifier_problem
from tts_connector.product_push.preflight import PreflightFailed, Problem
from tts_connector.product_push.snapshot import ProductSnapshot
from tts_connector.product_push.units import (
    CURRENCY_BY_REGION,
    dimension_unit,
    package_dimension,
    package_weight,
)
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.catalog import Attribute
from tts_connector.tiktok.models.product import (
    AttributeValueInput,
    Dimensions,
    IdentifierCode,
    InventoryEntry,
    Money,
    ProductAttributeInput,
    SalesAttribute,
    SkuInput,
    Weight,
)

MAX_MAIN_IMAGES = 9
MAX_QUANTITY = 99_999
MAX_SALES_ATTRIBUTES = 3
# Title length [1, 255] in these regions, [25, 255] elsewhere (create-product spec, `title`).
SHORT_TITLE_REGIONS = frozenset({"DE", "ES", "FR", "IE", "IT", "JP", "GB", "UK", "US"})
SETUP_HINT = "Run `ttsc setup magento`: it adds the connector's attributes to every attribute set in use"


@dataclass(frozen=True)
class ShopContext:
    """What a push needs about one shop and its mappings (read once per warm worker and minute)."""

    ref: ShopRef
    region: str
    warehouse_id: str
    sources: list[str]
    facts: StoreFacts
    fields: ProductFields
    category_mappings: dict[int, CategoryMapping]
    attribute_mappings: list[AttributeMapping]
    tiktok: TikTokCatalog
    magento: MagentoMetadata

    @property
    def currency(self) -> str | None:
        return CURRENCY_BY_REGION.get(self.region.upper())


@dataclass
class DraftSku:
    snapshot: ProductSnapshot
    sku: SkuInput


@dataclass
class Draft:
    """A product ready to send once its images are uploaded."""

    snapshot: ProductSnapshot
    category: CategoryMapping
    title: str
    description: SanitisedDescription
    image_urls: list[str]
    skus: list[DraftSku]
    weight: Weight
    dimensions: Dimensions | None
    attributes: list[ProductAttributeInput]
    brand_id: str | None
    warnings: list[str] = field(default_factory=list)


class _Checks:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[str] = []

    def add(self, message: str, attribute: str | None = None, hint: str | None = None) -> None:
        self.problems.append(Problem(message, attribute, hint))


def _money(value: float | None) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None
    return amount if amount > 0 else None


def _number(raw: object) -> float | None:
    try:
        value = float(str(raw))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


class ProductBuilder:
    def __init__(self, ctx: ShopContext):
        self.ctx = ctx

    def build(self, product: ProductSnapshot) -> Draft:
        checks = _Checks()
        ctx = self.ctx
        attribute_set = ctx.magento.attribute_set(product.attribute_set_id)
        self._check_kind(product, checks)
        self._check_write_back_attributes(product, attribute_set, checks)
        category = self._category(product, checks)
        if category is None:
            raise PreflightFailed(product.sku, checks.problems)
        tiktok_attributes = ctx.tiktok.attributes(category.tiktok_category_id)
        rules = ctx.tiktok.rules(category.tiktok_category_id)
        title = self._title(product, checks)
        description = self._description(product, checks)
        images = self._images(product, checks)
        if ctx.currency is None:
            checks.add(f"the shop's region {ctx.region} has no currency the connector knows")
        elif ctx.facts.base_currency.upper() != ctx.currency:
            checks.add(
                f"Magento prices are in {ctx.facts.base_currency} but the TikTok shop sells in {ctx.currency}",
                "price",
                "The connector does not convert currencies: push to a shop of the store's currency",
            )
        skus = self._skus(product, attribute_set, tiktok_attributes, category, checks)
        weight = self._weight(product, checks)
        dimensions = self._dimensions(product, weight, rules.package_dimension.is_required, checks)
        attributes = self._attributes(product, attribute_set, tiktok_attributes, category, checks)
        brand_id = self._brand(product, attribute_set, category, checks)
        if rules.size_chart.is_required:
            checks.add(
                f"TikTok category {category.tiktok_category_name} requires a size chart, which the connector does "
                "not send",
                hint="Add the size chart to the product in TikTok Shop Seller Center, or map another category",
            )
        for certification in rules.product_certifications:
            if certification.is_required:
                checks.add(
                    f"TikTok category {category.tiktok_category_name} requires the certification "
                    f"'{certification.name or certification.id}', which the connector does not send",
                    hint="Add it in TikTok Shop Seller Center, or map another category",
                )
        if checks.problems:
            raise PreflightFailed(product.sku, checks.problems)
        assert weight is not None
        return Draft(
            snapshot=product,
            category=category,
            title=title,
            description=description,
            image_urls=images,
            skus=skus,
            weight=weight,
            dimensions=dimensions,
            attributes=attributes,
            brand_id=brand_id,
            warnings=checks.warnings,
        )

    # ---------- the product ----------
    @staticmethod
    def _check_kind(product: ProductSnapshot, checks: _Checks) -> None:
        if product.type_id not in ("simple", "configurable"):
            checks.add(
                f"is a {product.type_id} product; the connector pushes simple and configurable products",
                "type_id",
            )
        elif product.type_id == "simple" and product.visibility == 1:
            checks.add(
                "is not visible individually (visibility 'Not Visible Individually'): if it is a variant of a "
                "configurable product, push the configurable product",
                "visibility",
            )
        if not product.enabled:
            checks.add("is disabled in Magento", "status", "Enable it (Enable Product = Yes) and push again")

    @staticmethod
    def _check_write_back_attributes(product: ProductSnapshot, attribute_set: AttributeSet, checks: _Checks) -> None:
        missing = [spec.code for spec in CONNECTOR_ATTRIBUTES if spec.code not in attribute_set.attributes]
        if missing:
            checks.add(
                f"its attribute set {product.attribute_set_id} lacks {', '.join(missing)}, so Magento would drop "
                "the TikTok product id written back to it",
                missing[0],
                SETUP_HINT,
            )

    def _category(self, product: ProductSnapshot, checks: _Checks) -> CategoryMapping | None:
        tree = self.ctx.magento.categories()
        resolution = resolve_category(product.category_ids, tree, self.ctx.category_mappings)
        names = ", ".join(tree.path_names(c) for c in product.category_ids) or "none"
        if resolution.conflict:
            clashing = "; ".join(
                f"{m.magento_category_name or m.magento_category_id} → {m.tiktok_category_name or m.tiktok_category_id}"
                for m in resolution.conflicts
            )
            checks.add(
                f"its categories map to different TikTok categories at the same depth ({clashing}); the connector "
                "does not guess",
                "category_ids",
                "Map a deeper Magento category of the product, or unmap one: `ttsc categories map|unmap`",
            )
            return None
        if resolution.mapping is None:
            first = product.category_ids[0] if product.category_ids else None
            checks.add(
                f"none of its Magento categories ({names}) is mapped to a TikTok category",
                "category_ids",
                f"Map one: `ttsc categories map {first or 'MAGENTO_CATEGORY_ID'} TIKTOK_LEAF_ID` "
                f"(suggestion: `ttsc categories recommend {first or 'MAGENTO_CATEGORY_ID'}`)",
            )
            return None
        return resolution.mapping

    def _title(self, product: ProductSnapshot, checks: _Checks) -> str:
        title = " ".join(product.name.split())
        low = 1 if self.ctx.region.upper() in SHORT_TITLE_REGIONS else 25
        if not low <= len(title) <= 255:
            checks.add(f"its name has {len(title)} characters; TikTok wants {low} to 255 here", "name")
        return title

    def _description(self, product: ProductSnapshot, checks: _Checks) -> SanitisedDescription:
        raw = str(product.value("description") or product.value("short_description") or "")
        cleaned = sanitise_description(raw, self.ctx.facts.media_base_url)
        if not cleaned.html:
            checks.add("has no description; TikTok requires one", "description", "Fill in Description in Magento")
        elif cleaned.text_length > 10_000:
            checks.add(
                f"its description is {cleaned.text_length} characters after cleaning; TikTok takes at most 10,000",
                "description",
                "Shorten the description in Magento",
            )
        if cleaned.dropped_images:
            checks.warnings.append(f"{cleaned.dropped_images} description image(s) left out (no URL, or over 30)")
        return cleaned

    def _images(self, product: ProductSnapshot, checks: _Checks) -> list[str]:
        media = [m for m in product.media if not m.disabled]
        # Magento's base image ("image" role) is TikTok's first, main image.
        media.sort(key=lambda m: (0 if "image" in m.types else 1, m.position))
        if not media:
            media = [m for child in product.children for m in child.media if not m.disabled][:1]
        if not media:
            checks.add("has no images; TikTok needs at least one", "media_gallery", "Add a product image in Magento")
        base = self.ctx.facts.media_base_url.rstrip("/")
        urls = list(dict.fromkeys(f"{base}/catalog/product/{m.file.lstrip('/')}" for m in media))
        if len(urls) > MAX_MAIN_IMAGES:
            checks.warnings.append(f"{len(urls) - MAX_MAIN_IMAGES} image(s) beyond TikTok's 9 left out")
        return urls[:MAX_MAIN_IMAGES]

    # ---------- SKUs ----------
    def _skus(
        self,
        product: ProductSnapshot,
        attribute_set: AttributeSet,
        tiktok_attributes: list[Attribute],
        category: CategoryMapping,
        checks: _Checks,
    ) -> list[DraftSku]:
        if not product.configurable:
            return [DraftSku(product, self._sku(product, [], checks))]
        supers: list[MagentoAttribute] = []
        for attribute_id in product.super_attribute_ids:
            found = attribute_set.by_id(attribute_id)
            if found is None:
                checks.add(f"its configurable attribute {attribute_id} is not in its attribute set", "attribute_set_id")
            else:
                supers.append(found)
        if len(supers) > MAX_SALES_ATTRIBUTES:
            checks.add(
                f"varies by {len(supers)} attributes ({', '.join(a.code for a in supers)}); TikTok allows at most 3 "
                "sales attributes",
                supers[3].code,
            )
            supers = supers[:MAX_SALES_ATTRIBUTES]
        children = [c for c in product.children if c.enabled]
        if not children:
            checks.add("is configurable but has no enabled child product", "configurable_product_links")
        if len(children) > MAX_SKUS_PER_LISTING:
            checks.add(f"has {len(children)} variants; the connector lists at most {MAX_SKUS_PER_LISTING} per product")
        sales = [
            (
                magento,
                *sales_attribute(magento, tiktok_attributes, self.ctx.attribute_mappings, category.tiktok_category_id),
            )
            for magento in supers
        ]
        drafted: list[DraftSku] = []
        for child in children:
            values: list[SalesAttribute] = []
            for magento, tiktok, mapping in sales:
                labels = magento.labels_of(child.value(magento.code))
                if not labels:
                    checks.add(f"its variant {child.sku} has no {magento.label}", magento.code)
                    continue
                values.append(sales_value(magento, tiktok, mapping, labels[0]))
            drafted.append(DraftSku(child, self._sku(child, values, checks)))
        return drafted

    def _sku(self, product: ProductSnapshot, sales: list[SalesAttribute], checks: _Checks) -> SkuInput:
        price = _money(product.price)
        if price is None:
            checks.add(f"{product.sku}: its price ({product.price}) is not above 0", "price")
        chosen = [s for s in self.ctx.sources if s in product.stock]
        quantity = int(sum(product.stock.get(s, 0.0) for s in chosen))
        if quantity > MAX_QUANTITY:
            checks.warnings.append(f"{product.sku}: stock {quantity} sent as TikTok's maximum {MAX_QUANTITY}")
        quantity = max(0, min(quantity, MAX_QUANTITY))
        seller_sku: str | None = product.sku
        if len(product.sku) > 50 or any(ch.isspace() for ch in product.sku):
            seller_sku = None
            checks.warnings.append(f"{product.sku}: seller SKU not sent (TikTok takes 1-50 characters without spaces)")
        identifier = self._identifier(product, checks)
        return SkuInput(
            seller_sku=seller_sku,
            external_sku_id=str(product.id),
            price=Money(amount=price or Decimal("0.01"), currency=self.ctx.currency or "USD"),
            inventory=[InventoryEntry(warehouse_id=self.ctx.warehouse_id, quantity=quantity)],
            sales_attributes=sales,
            identifier_code=identifier,
        )

    def _identifier(self, product: ProductSnapshot, checks: _Checks) -> IdentifierCode | None:
        fields = self.ctx.fields
        if fields.identifier_attribute is None or fields.identifier_type is None:
            return None
        raw = product.value(fields.identifier_attribute)
        code = str(raw).strip() if raw not in (None, "") else ""
        if not code:
            return None
        problem = identifier_problem(code, fields.identifier_type)
        if problem is not None:
            checks.add(
                f"{product.sku}: {fields.identifier_attribute} {problem}",
                fields.identifier_attribute,
                "TikTok keeps the identifier once the product is reviewed: correct it in Magento first",
            )
            return None
        return IdentifierCode(code=code, type=fields.identifier_type)

    # ---------- package ----------
    def _weight(self, product: ProductSnapshot, checks: _Checks) -> Weight | None:
        weights = [w for w in [product.weight, *(c.weight for c in product.children if c.enabled)] if w]
        heaviest = max(weights) if weights else None
        if heaviest is None or heaviest <= 0:
            checks.add("has no weight; TikTok requires the package weight", "weight", "Set Weight in Magento")
            return None
        value, unit = package_weight(heaviest, self.ctx.facts.weight_unit, self.ctx.region)
        return Weight(value=Decimal(value), unit=unit)

    def _dimensions(
        self, product: ProductSnapshot, weight: Weight | None, required: bool, checks: _Checks
    ) -> Dimensions | None:
        fields = self.ctx.fields
        codes = fields.dimension_attributes
        if not all(codes):
            if required:
                checks.add(
                    "its TikTok category requires package dimensions, and no Magento attributes are mapped to them",
                    "package dimensions",
                    "Map them: `ttsc attributes map --package-length CODE --package-width CODE --package-height CODE`",
                )
            return None
        sources = [product, *[c for c in product.children if c.enabled]]
        sides: list[float] = []
        for code in codes:
            assert code is not None
            found = next((v for p in sources if (v := _number(p.value(code))) is not None), None)
            if found is None:
                if required:
                    checks.add(f"has no {code}; its TikTok category requires package dimensions", code)
                return None
            sides.append(found)
        unit = weight.unit if weight is not None else "KILOGRAM"
        length, width, height = (package_dimension(s, fields.package_dimension_unit, unit) for s in sides)
        return Dimensions(length=length, width=width, height=height, unit=dimension_unit(unit))

    # ---------- attributes and brand ----------
    def _attributes(
        self,
        product: ProductSnapshot,
        attribute_set: AttributeSet,
        tiktok_attributes: list[Attribute],
        category: CategoryMapping,
        checks: _Checks,
    ) -> list[ProductAttributeInput]:
        product_attributes = [a for a in tiktok_attributes if a.type == PRODUCT]
        sources = sources_for(
            product_attributes, attribute_set.attributes, self.ctx.attribute_mappings, category.tiktok_category_id
        )
        chosen: dict[str, list[AttributeValueInput]] = {}
        for attribute_id, source in sources.items():
            raw = product.value(source.magento_code) if source.magento_code else None
            if raw in (None, "") and source.magento_code:
                # A configurable's own value may be empty while its variants share one.
                raw = next(
                    (c.value(source.magento_code) for c in product.children if c.value(source.magento_code)), None
                )
            outcome = product_values(source, raw)
            if outcome.problem:
                checks.add(
                    outcome.problem,
                    source.magento_code,
                    f"Change the value in Magento, or map it: `ttsc attributes map {attribute_id} "
                    f"--magento-attribute {source.magento_code} --value LABEL=VALUE_ID`",
                )
            elif outcome.values:
                chosen[attribute_id] = outcome.values
        for attribute in product_attributes:
            if attribute.id in chosen or not conditionally_required(attribute, chosen):
                continue
            source = sources[attribute.id]
            if source.magento_code and source.magento_code in attribute_set.attributes:
                checks.add(
                    f"TikTok requires '{attribute.name}' in {category.tiktok_category_name} and the product's "
                    f"'{source.magento_code}' is empty",
                    source.magento_code,
                    f"Fill in {source.magento_code} in Magento",
                )
            else:
                checks.add(
                    f"TikTok requires '{attribute.name}' (attribute {attribute.id}) in "
                    f"{category.tiktok_category_name or category.tiktok_category_id}, and no Magento attribute of its "
                    f"attribute set provides it",
                    f"mapping for TikTok attribute {attribute.id}",
                    f"Map it: `ttsc attributes map {attribute.id} --magento-attribute CODE --category "
                    f"{category.tiktok_category_id}` (or name a Magento attribute '{attribute.name}')",
                )
        return [ProductAttributeInput(id=k, values=v) for k, v in chosen.items()]

    def _brand(
        self, product: ProductSnapshot, attribute_set: AttributeSet, category: CategoryMapping, checks: _Checks
    ) -> str | None:
        code = self.ctx.fields.brand_attribute
        if code is None:
            return None
        magento = attribute_set.attributes.get(code)
        labels = magento.labels_of(product.value(code)) if magento else []
        if not labels:
            return None
        brand = self.ctx.tiktok.brand(category.tiktok_category_id, labels[0])
        if brand is None:
            checks.warnings.append(f"brand '{labels[0]}' is not in TikTok's brand list; pushed without a brand")
            return None
        if (brand.authorized_status or "").upper() != "AUTHORIZED":
            if brand.is_t1_brand:
                checks.add(
                    f"its brand '{brand.name}' is a TikTok T1 brand the shop is not authorized to sell",
                    code,
                    "Apply for the brand authorization in TikTok Shop Seller Center, or clear the brand",
                )
                return None
            checks.warnings.append(f"brand '{brand.name}' is not authorized for the shop on TikTok")
        return brand.id
