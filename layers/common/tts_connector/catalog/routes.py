"""Catalog mapping's admin routes: category trees and search, category mappings, recommendations,
attribute reports and mappings, the shop's fixed product fields."""

# No `from __future__ import annotations`: Powertools reads the route annotations at runtime for validation.
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from tts_connector import wiring
from tts_connector.catalog import service
from tts_connector.catalog.records import AttributeMapping, CategoryMapping, ProductFields

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

ShopQuery = Annotated[str | None, Query(description="TikTok shop id (default: the one shop the connector serves)")]


@router.get("/admin/catalog/magento-categories", summary="Magento's category tree with each category's mapping")
def magento_categories(shop: ShopQuery = None) -> list[service.MagentoCategoryView]:
    return service.magento_tree(wiring.catalog_context(shop))


@router.get("/admin/catalog/tiktok-categories", summary="The shop's TikTok category tree (cached with its version)")
def tiktok_categories(
    shop: ShopQuery = None,
    parent: Annotated[str, Query(max_length=32, description="Show the tree below this category")] = "0",
    depth: Annotated[int, Query(ge=1, le=10)] = 3,
    refresh: Annotated[bool, Query(description="Read the tree from TikTok again")] = False,
) -> service.TikTokTreeView:
    return service.tiktok_tree(wiring.catalog_context(shop), parent=parent, depth=depth, refresh=refresh)


@router.get("/admin/catalog/tiktok-categories/search", summary="TikTok leaf categories whose name contains a keyword")
def search_tiktok_categories(
    keyword: Annotated[str, Query(min_length=1, max_length=100)],
    shop: ShopQuery = None,
    leaves_only: Annotated[bool, Query()] = True,
) -> list[service.TikTokCategoryView]:
    return service.search_tiktok(wiring.catalog_context(shop), keyword, leaves_only=leaves_only)


@router.put("/admin/catalog/category-mappings/<magento_category_id>", summary="Map a Magento category to a TikTok leaf")
def map_category(magento_category_id: int, request: Annotated[service.CategoryMapRequest, Body()]) -> CategoryMapping:
    return service.map_category(
        wiring.catalog_context(request.shop_id), magento_category_id, request.tiktok_category_id
    )


@router.delete("/admin/catalog/category-mappings/<magento_category_id>", summary="Remove a category mapping")
def unmap_category(magento_category_id: int, shop: ShopQuery = None) -> dict[str, str]:
    service.unmap_category(wiring.catalog_context(shop), magento_category_id)
    return {"status": "unmapped"}


@router.post(
    "/admin/catalog/category-mappings/<magento_category_id>/recommend",
    summary="TikTok's recommended category for a Magento category, from a sample product",
)
def recommend_category(
    magento_category_id: int,
    shop: ShopQuery = None,
    apply: Annotated[bool, Query(description="Also map the category to the recommendation")] = False,
) -> service.RecommendationView:
    return service.recommend(wiring.catalog_context(shop), magento_category_id, apply=apply)


@router.get(
    "/admin/catalog/attributes/<category_id>",
    summary="A TikTok category's attributes, their mappings and what is still missing",
)
def attribute_report(category_id: str, shop: ShopQuery = None) -> service.AttributeReport:
    return service.attribute_report(wiring.catalog_context(shop), category_id)


@router.post(
    "/admin/catalog/attributes/<category_id>/auto",
    summary="Save the exact-name matches of a TikTok category's attributes",
)
def auto_map(category_id: str, shop: ShopQuery = None) -> service.AttributeReport:
    ctx = wiring.catalog_context(shop)
    service.auto_map(ctx, category_id)
    return service.attribute_report(ctx, category_id)


@router.get("/admin/catalog/attribute-mappings", summary="The shop's attribute mappings")
def attribute_mappings(shop: ShopQuery = None) -> list[AttributeMapping]:
    ctx = wiring.catalog_context(shop)
    return ctx.store.attribute_mappings(ctx.shop.shop_id)


@router.put("/admin/catalog/attribute-mappings", summary="Map a TikTok attribute (shop-wide or for one category)")
def map_attribute(request: Annotated[service.AttributeMapRequest, Body()]) -> AttributeMapping:
    return service.map_attribute(wiring.catalog_context(request.shop_id), request)


@router.delete("/admin/catalog/attribute-mappings/<tiktok_attribute_id>", summary="Remove an attribute mapping")
def unmap_attribute(
    tiktok_attribute_id: str,
    shop: ShopQuery = None,
    category: Annotated[
        str | None, Query(max_length=32, description="The category's mapping (default: shop-wide)")
    ] = None,
) -> dict[str, str]:
    service.unmap_attribute(wiring.catalog_context(shop), tiktok_attribute_id, category)
    return {"status": "unmapped"}


@router.get("/admin/catalog/product-fields", summary="Where brand, package and identifier come from in Magento")
def product_fields(shop: ShopQuery = None) -> ProductFields:
    return wiring.catalog_context(shop).product_fields()


@router.put("/admin/catalog/product-fields", summary="Change where brand, package and identifier come from")
def set_product_fields(request: Annotated[service.ProductFieldsRequest, Body()]) -> ProductFields:
    return service.set_product_fields(wiring.catalog_context(request.shop_id), request)
