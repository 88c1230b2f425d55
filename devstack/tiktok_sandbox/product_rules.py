"""Create/edit product validation, applying TikTok's documented rules in the order TikTok reports them."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from tiktok_sandbox import catalogue, codes
from tiktok_sandbox.catalogue import AttributeDef, CategoryNode
from tiktok_sandbox.catalogue_api import leaf_category, sales_warehouse_ids
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.config import ShopSeed
from tiktok_sandbox.context import Ctx

# Title length [1,255] in these regions, [25,255] elsewhere.
SHORT_TITLE_REGIONS = frozenset({"DE", "ES", "FR", "IE", "IT", "JP", "GB", "UK", "US"})
SKU_LIMIT_300_REGIONS = frozenset({"BR", "DE", "ES", "FR", "IE", "IT", "JP", "MX", "GB", "UK", "US"})
IDENTIFIER_PATTERNS = {
    "GTIN": re.compile(r"^\d{14}$"),
    "EAN": re.compile(r"^(\d{8}|\d{13}|\d{14})$"),
    "UPC": re.compile(r"^\d{12}$"),
    "ISBN": re.compile(r"^(\d{13}|\d{9}[\dX])$"),
    "JAN": re.compile(r"^(\d{8}|\d{13})$"),
}


def _invalid(message: str, code: int = codes.INVALID_PRODUCT_FIELD) -> ApiError:
    return ApiError(code, message)


def _require(body: dict[str, Any], name: str) -> Any:
    value = body.get(name)
    if value in (None, "", []):
        raise ApiError(codes.INVALID_CREDENTIAL, f"param body.{name} is missing", 400)
    return value


def _decimal(raw: Any, field: str) -> Decimal:
    if not isinstance(raw, str):
        raise _invalid(f"{field} must be a string decimal")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _invalid(f"{field} is not a valid number: {raw}") from None
    if not value.is_finite():
        raise _invalid(f"{field} is not a valid number: {raw}")
    return value


def validate_product(ctx: Ctx, body: dict[str, Any]) -> CategoryNode:
    """Raise the first TikTok-style error in `body`; return the leaf category on success."""
    shop = ctx.shop
    title = _require(body, "title")
    description = _require(body, "description")
    category_id = str(_require(body, "category_id"))
    main_images = _require(body, "main_images")
    skus = _require(body, "skus")
    weight = _require(body, "package_weight")
    low = 1 if shop.region in SHORT_TITLE_REGIONS else 25
    if not isinstance(title, str) or not low <= len(title) <= 255:
        raise _invalid(f"title length must be within [{low}, 255]")
    if not isinstance(description, str) or len(description) > 10000:
        raise _invalid("description must be at most 10000 characters")
    if body.get("save_mode", "LISTING") not in ("LISTING", "AS_DRAFT"):
        raise _invalid("save_mode must be LISTING or AS_DRAFT")
    node = leaf_category(ctx, category_id, str(body.get("category_version") or "v1"))
    assert node.kind is not None
    _check_images(ctx, main_images)
    _check_weight_and_dimensions(shop, weight, body.get("package_dimensions"), node.kind)
    _check_product_attributes(body.get("product_attributes") or [], catalogue.ATTRIBUTES[node.kind])
    _check_skus(ctx, shop, skus, catalogue.ATTRIBUTES[node.kind])
    return node


def resolve_brand(body: dict[str, Any]) -> list[dict[str, str]]:
    """Clear an unknown `brand_id` from `body` and return TikTok's warning for it (Create/Edit Product answer
    code 0 with `data.warnings[]`, create-product and edit-product specs' response samples); an unauthorized
    T1 brand is still refused ("You cannot create products with unauthorized T1 brands", get-brands spec)."""
    brand_id = body.get("brand_id")
    if brand_id is None:
        return []
    if not isinstance(brand_id, str | int) or isinstance(brand_id, bool):
        raise _invalid("brand_id must be a string")
    brand = next((b for b in catalogue.BRANDS if b["id"] == str(brand_id)), None)
    if brand is None:
        del body["brand_id"]
        return [
            {
                "message": f"The [brand_id]:{brand_id} field is incorrect and has been automatically cleared by the "
                "system. Reason: [Brand does not exist]. You can edit it later."
            }
        ]
    if brand["is_t1_brand"] and brand["authorized_status"] != "AUTHORIZED":
        raise _invalid(
            f"You cannot create products with the unauthorized T1 brand {brand['name']}.",
            codes.BRAND_UNAUTHORIZED,
        )
    return []


def _check_images(ctx: Ctx, images: Any) -> None:
    if not isinstance(images, list) or not 1 <= len(images) <= 9:
        raise _invalid("main_images must contain 1 to 9 images")
    for image in images:
        uri = image.get("uri") if isinstance(image, dict) else None
        if uri not in ctx.state.images:
            raise _invalid(
                f"main_images uri {uri} was not uploaded through the Upload Product Image API.",
                codes.INVALID_IMAGE,
            )


def _check_weight_and_dimensions(shop: ShopSeed, weight: Any, dimensions: Any, kind: str) -> None:
    if not isinstance(weight, dict):
        raise _invalid("package_weight must be an object")
    units = catalogue.WEIGHT_UNITS.get(shop.region, frozenset({"KILOGRAM"}))
    if weight.get("unit") not in units:
        raise _invalid(f"package_weight.unit must be one of {sorted(units)}")
    if _decimal(weight.get("value"), "package_weight.value") <= 0:
        raise _invalid("The package weight must be greater than 0.", codes.WEIGHT_ZERO)
    if dimensions is None:
        if catalogue.RULES[kind].package_dimension_required:
            raise _invalid("package_dimensions is required for this category.")
        return
    dim_units = catalogue.DIMENSION_UNITS.get(shop.region, frozenset({"CENTIMETER"}))
    if dimensions.get("unit") not in dim_units:
        raise _invalid(f"package_dimensions.unit must be one of {sorted(dim_units)}")
    for side in ("length", "width", "height"):
        raw = dimensions.get(side)
        if not isinstance(raw, str) or not raw.isdigit() or int(raw) <= 0:
            raise _invalid(f"package_dimensions.{side} must be a positive whole number string")
    if (weight["unit"] == "POUND") != (dimensions["unit"] == "INCH"):
        raise _invalid("package_weight and package_dimensions must use the same measurement system")


def _check_product_attributes(given: list[Any], defs: tuple[AttributeDef, ...]) -> None:
    product_defs = {a.id: a for a in defs if a.type == "PRODUCT_PROPERTY"}
    seen: set[str] = set()
    for attr in given:
        attr_id = str(attr.get("id"))
        definition = product_defs.get(attr_id)
        if definition is None:
            raise _invalid(f"product_attributes id {attr_id} is not a product attribute of this category")
        values = attr.get("values") or []
        if not values:
            raise _invalid(f"product_attributes {attr_id} has no values")
        if len(values) > 1 and not definition.multiple:
            raise _invalid(f"product_attributes {attr_id} does not allow multiple values")
        for value in values:
            value_id = value.get("id")
            if value_id is not None and str(value_id) not in definition.value_ids():
                raise _invalid(f"product_attributes {attr_id} value id {value_id} is invalid")
            if value_id is None and not (definition.customizable and value.get("name")):
                raise _invalid(f"product_attributes {attr_id} needs a value id (custom values are not allowed)")
        seen.add(attr_id)
    for definition in product_defs.values():
        if definition.required and definition.id not in seen:
            raise _invalid(
                f"The required attribute [{definition.name}] (id {definition.id}) is missing.",
                codes.MISSING_REQUIRED_ATTRIBUTE,
            )


def _check_skus(ctx: Ctx, shop: ShopSeed, skus: Any, defs: tuple[AttributeDef, ...]) -> None:
    limit = 300 if shop.region in SKU_LIMIT_300_REGIONS else 100
    if not isinstance(skus, list) or not 1 <= len(skus) <= limit:
        raise _invalid(f"skus must contain 1 to {limit} SKUs")
    sales_defs = {a.id: a for a in defs if a.type == "SALES_PROPERTY"}
    warehouses = set(sales_warehouse_ids(shop.region))
    seller_skus: set[str] = set()
    identifiers: set[str] = set()
    attribute_sets: set[tuple[str, ...]] = set()
    combinations: set[tuple[str, ...]] = set()
    for index, sku in enumerate(skus):
        where = f"skus[{index}]"
        seller_sku = sku.get("seller_sku")
        if seller_sku is not None:
            if not isinstance(seller_sku, str) or not 1 <= len(seller_sku) <= 50 or " " in seller_sku:
                raise _invalid(f"{where}.seller_sku must be 1-50 characters without spaces")
            if seller_sku in seller_skus:
                raise _invalid(f"seller_sku {seller_sku} is duplicated.", codes.DUPLICATE_SELLER_SKU)
            seller_skus.add(seller_sku)
        _check_price(shop, sku.get("price"), where)
        _check_inventory(sku.get("inventory"), warehouses, where)
        _check_identifier(sku.get("identifier_code"), identifiers, where)
        attrs = sku.get("sales_attributes") or []
        if len(skus) > 1 and not attrs:
            raise _invalid(
                f"{where}.sales_attributes is required when a product has several SKUs",
                codes.SALES_ATTRIBUTE_MISMATCH,
            )
        if len(attrs) > 3:
            raise _invalid("A product can have at most 3 sales attributes.", codes.SALES_ATTRIBUTE_MISMATCH)
        keys: list[str] = []
        combo: list[str] = []
        for attr in attrs:
            key = str(attr.get("id") or attr.get("name") or "")
            if not key:
                raise _invalid(f"{where}.sales_attributes needs an id or a name", codes.SALES_ATTRIBUTE_MISMATCH)
            definition = sales_defs.get(key)
            if attr.get("id") is not None and definition is None:
                raise _invalid(
                    f"sales attribute id {key} is not a sales attribute of this category",
                    codes.SALES_ATTRIBUTE_MISMATCH,
                )
            value_id, value_name = attr.get("value_id"), attr.get("value_name")
            if value_id is None and not value_name:
                raise _invalid(f"{where}.sales_attributes needs value_id or value_name", codes.SALES_ATTRIBUTE_MISMATCH)
            if definition is not None and value_id is not None and str(value_id) not in definition.value_ids():
                raise _invalid(f"sales attribute {key} value id {value_id} is invalid", codes.SALES_ATTRIBUTE_MISMATCH)
            keys.append(key)
            combo.append(f"{key}={value_id or value_name}")
        if len(set(keys)) != len(keys):
            raise _invalid(f"{where} repeats a sales attribute", codes.SALES_ATTRIBUTE_MISMATCH)
        attribute_sets.add(tuple(sorted(keys)))
        if len(attribute_sets) > 1:
            raise _invalid("All SKUs must have the same sales attributes.", codes.SALES_ATTRIBUTE_MISMATCH)
        key_combo = tuple(sorted(combo))
        if key_combo and key_combo in combinations:
            raise _invalid(
                f"{where} duplicates the sales attribute values of another SKU",
                codes.SALES_ATTRIBUTE_MISMATCH,
            )
        combinations.add(key_combo)


def _check_price(shop: ShopSeed, price: Any, where: str) -> None:
    if not isinstance(price, dict):
        raise ApiError(codes.INVALID_CREDENTIAL, f"param body.{where}.price is missing", 400)
    if price.get("currency") != shop.currency:
        raise _invalid(f"{where}.price.currency must be {shop.currency} for this shop")
    if _decimal(price.get("amount"), f"{where}.price.amount") <= 0:
        raise _invalid(f"{where}.price.amount must be greater than 0")


def _check_inventory(inventory: Any, warehouses: set[str], where: str) -> None:
    if not isinstance(inventory, list) or not inventory:
        raise ApiError(codes.INVALID_CREDENTIAL, f"param body.{where}.inventory is missing", 400)
    for entry in inventory:
        if str(entry.get("warehouse_id")) not in warehouses:
            raise _invalid(
                f"{where}.inventory warehouse_id {entry.get('warehouse_id')} is invalid",
                codes.WAREHOUSE_INVALID,
            )
        quantity = entry.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 <= quantity <= 99999:
            raise _invalid(f"{where}.inventory quantity must be within [0, 99999]")


def _check_identifier(identifier: Any, seen: set[str], where: str) -> None:
    if identifier is None:
        return
    kind, code = identifier.get("type"), str(identifier.get("code", ""))
    pattern = IDENTIFIER_PATTERNS.get(str(kind))
    if pattern is None:
        raise _invalid(f"{where}.identifier_code.type {kind} is invalid", codes.INVALID_IDENTIFIER_CODE)
    if not pattern.match(code):
        raise _invalid(f"{where}.identifier_code {code} is not a valid {kind}", codes.INVALID_IDENTIFIER_CODE)
    if code in seen:
        raise _invalid(f"identifier_code {code} must be unique per SKU", codes.INVALID_IDENTIFIER_CODE)
    seen.add(code)
