"""Handlers: categories, attributes, rules, brands, warehouses, delivery options, shipping providers."""

from __future__ import annotations

from typing import Any

from tiktok_sandbox import catalogue, codes
from tiktok_sandbox.catalogue import CategoryNode
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.context import Ctx, paginate


def _version(ctx: Ctx) -> str:
    version = ctx.query.get("category_version", "v1")
    if version not in ("v1", "v2"):
        raise ApiError(codes.INVALID_CREDENTIAL, "param category_version must be v1 or v2", 400)
    return version


def leaf_category(ctx: Ctx, category_id: str, version: str) -> CategoryNode:
    """The leaf category a product may use, enforcing the US-must-use-v2 rule."""
    if ctx.shop.region == "US" and version != "v2":
        raise ApiError(codes.MUST_USE_V2_CATEGORY, "US shops must use V2 categories (category_version=v2).")
    node = catalogue.category_tree(version).get(category_id)
    if node is None:
        raise ApiError(codes.CATEGORY_NOT_FOUND, f"category_id {category_id} does not exist in {version}.")
    if not node.is_leaf or node.kind is None:
        raise ApiError(codes.CATEGORY_NOT_LEAF, f"category_id {category_id} is not a leaf category.")
    return node


def get_categories(ctx: Ctx) -> dict[str, Any]:
    version = _version(ctx)
    keyword = (ctx.query.get("keyword") or "").lower()
    nodes = catalogue.category_tree(version).values()
    return {
        "categories": [
            {
                "id": n.id,
                "parent_id": n.parent_id,
                "local_name": n.name,
                "is_leaf": n.is_leaf,
                "permission_statuses": [n.permission],
            }
            for n in nodes
            if keyword in n.name.lower()
        ]
    }


def _category_for_lookup(ctx: Ctx) -> CategoryNode:
    version = _version(ctx)
    node = catalogue.category_tree(version).get(ctx.params["category_id"])
    if node is None:
        raise ApiError(codes.CATEGORY_NOT_FOUND, f"category_id {ctx.params['category_id']} does not exist.")
    if not node.is_leaf or node.kind is None:
        raise ApiError(codes.CATEGORY_NOT_LEAF, f"category_id {node.id} is not a leaf category.")
    return node


def get_attributes(ctx: Ctx) -> dict[str, Any]:
    node = _category_for_lookup(ctx)
    assert node.kind is not None
    return {"attributes": [catalogue.attribute_json(a) for a in catalogue.ATTRIBUTES[node.kind]]}


def get_category_rules(ctx: Ctx) -> dict[str, Any]:
    node = _category_for_lookup(ctx)
    assert node.kind is not None
    return catalogue.rules_json(catalogue.RULES[node.kind])


def get_brands(ctx: Ctx) -> dict[str, Any]:
    page_size = ctx.page_size(1, 100)
    name = (ctx.query.get("brand_name") or "").lower()
    brands = [dict(b, brand_status="AVAILABLE") for b in catalogue.BRANDS if name in str(b["name"]).lower()]
    page, token = paginate(brands, page_size, ctx.query.get("page_token"))
    return {"brands": page, "total_count": len(brands), "next_page_token": token}


def get_warehouses(ctx: Ctx) -> dict[str, Any]:
    shop = ctx.shop
    return {
        "warehouses": [
            {
                "id": w.id,
                "entity_id": w.id,
                "name": w.name,
                "effect_status": "ENABLED",
                "type": w.type,
                "sub_type": "DOMESTIC_WAREHOUSE",
                "is_default": w.is_default,
                "address": {
                    "region": shop.region,
                    "region_code": shop.region,
                    "state": w.state,
                    "city": w.city,
                    "postal_code": w.postal_code,
                    "full_address": f"1 Warehouse Way, {w.city} {w.postal_code}",
                    "contact_person": "Warehouse Manager",
                },
            }
            for w in catalogue.WAREHOUSES.get(shop.region, ())
        ]
    }


def sales_warehouse_ids(region: str) -> list[str]:
    return [w.id for w in catalogue.WAREHOUSES.get(region, ()) if w.type == "SALES_WAREHOUSE"]


def get_delivery_options(ctx: Ctx) -> dict[str, Any]:
    warehouse_id = ctx.params["warehouse_id"]
    if warehouse_id not in sales_warehouse_ids(ctx.shop.region):
        raise ApiError(codes.WAREHOUSE_INVALID, f"warehouse_id {warehouse_id} is not a sales warehouse of the shop.")
    metric = ctx.shop.region != "US"
    return {
        "delivery_options": [
            {
                "id": d.id,
                "name": d.name,
                "description": f"{d.name} ({d.type})",
                "type": d.type,
                "dimension_limit": {
                    "max_height": 100,
                    "max_length": 100,
                    "max_width": 100,
                    "unit": "CM" if metric else "INCH",
                },
                "weight_limit": {"max_weight": 30000, "min_weight": 1, "unit": "GRAM" if metric else "POUND"},
                "platform": ["TIKTOK_SHOP"],
            }
            for d in catalogue.DELIVERY_OPTIONS.get(ctx.shop.region, ())
        ]
    }


def get_shipping_providers(ctx: Ctx) -> dict[str, Any]:
    option_id = ctx.params["delivery_option_id"]
    option = next((d for d in catalogue.DELIVERY_OPTIONS.get(ctx.shop.region, ()) if d.id == option_id), None)
    if option is None:
        raise ApiError(codes.INVALID_CREDENTIAL, f"delivery_option_id {option_id} is invalid.", 400)
    return {"shipping_providers": [{"id": pid, "name": name} for pid, name in option.providers]}
