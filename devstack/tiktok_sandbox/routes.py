"""The API routes the sandbox serves, with the scope each needs and whether it takes `shop_cipher`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tiktok_sandbox import catalogue_api, images, order_api, recommend, reverse_api
from tiktok_sandbox.context import Ctx
from tiktok_sandbox.fulfillment import FulfillmentHandlers
from tiktok_sandbox.products import ProductHandlers
from tiktok_sandbox.reverse_api import ReverseHandlers

Handler = Callable[[Ctx], dict[str, Any]]

REQUIRED = "required"
FORBIDDEN = "forbidden"
OPTIONAL = "optional"


@dataclass(frozen=True)
class ApiRoute:
    name: str
    method: str
    rule: str
    handler: Handler
    scope: str
    cipher: str = REQUIRED
    multipart: bool = False


def authorized_shops(ctx: Ctx) -> dict[str, Any]:
    state = ctx.state
    with state.lock:
        shops = [state.shops[s] for s in sorted(ctx.grant.shop_ids) if s not in state.deauthorized_shops]
    return {
        "shops": [
            {
                "id": s.id,
                "name": s.name,
                "region": s.region,
                "seller_type": s.seller_type,
                "cipher": s.cipher,
                "code": s.code,
            }
            for s in shops
        ]
    }


def api_routes(products: ProductHandlers, fulfillment: FulfillmentHandlers, reverse: ReverseHandlers) -> list[ApiRoute]:
    basic, write = "seller.product.basic", "seller.product.write"
    p = "/product/202309"
    rr, rr_scope = "/return_refund/202309", "seller.return_refund.basic"
    return [
        ApiRoute(
            "shops",
            "GET",
            "/authorization/202309/shops",
            authorized_shops,
            "seller.authorization.info",
            FORBIDDEN,
        ),
        ApiRoute("categories", "GET", f"{p}/categories", catalogue_api.get_categories, basic),
        # shop_cipher is optional here (recommend-category spec); without it the seller's base region decides.
        ApiRoute(
            "category_recommend", "POST", f"{p}/categories/recommend", recommend.recommend_category, basic, OPTIONAL
        ),
        ApiRoute(
            "attributes",
            "GET",
            f"{p}/categories/<category_id>/attributes",
            catalogue_api.get_attributes,
            basic,
        ),
        ApiRoute("rules", "GET", f"{p}/categories/<category_id>/rules", catalogue_api.get_category_rules, basic),
        ApiRoute("brands", "GET", f"{p}/brands", catalogue_api.get_brands, basic),
        ApiRoute(
            "image_upload",
            "POST",
            f"{p}/images/upload",
            images.upload_image,
            basic,
            FORBIDDEN,
            multipart=True,
        ),
        ApiRoute("product_create", "POST", f"{p}/products", products.create, write),
        ApiRoute("product_search", "POST", f"{p}/products/search", products.search, basic),
        ApiRoute("product_get", "GET", f"{p}/products/<product_id>", products.get, basic),
        ApiRoute("product_edit", "PUT", f"{p}/products/<product_id>", products.edit, write),
        ApiRoute(
            "product_partial_edit",
            "POST",
            f"{p}/products/<product_id>/partial_edit",
            products.partial_edit,
            write,
        ),
        ApiRoute("price_update", "POST", f"{p}/products/<product_id>/prices/update", products.update_price, write),
        ApiRoute(
            "inventory_update",
            "POST",
            f"{p}/products/<product_id>/inventory/update",
            products.update_inventory,
            write,
        ),
        ApiRoute(
            "warehouses",
            "GET",
            "/logistics/202309/warehouses",
            catalogue_api.get_warehouses,
            "seller.logistics",
        ),
        ApiRoute(
            "delivery_options",
            "GET",
            "/logistics/202309/warehouses/<warehouse_id>/delivery_options",
            catalogue_api.get_delivery_options,
            "seller.logistics",
        ),
        ApiRoute(
            "shipping_providers",
            "GET",
            "/logistics/202309/delivery_options/<delivery_option_id>/shipping_providers",
            catalogue_api.get_shipping_providers,
            "seller.fulfillment.basic",
        ),
        ApiRoute("order_search", "POST", "/order/202309/orders/search", order_api.search_orders, "seller.order.info"),
        ApiRoute("order_detail", "GET", "/order/202309/orders", order_api.get_order_detail, "seller.order.info"),
        ApiRoute(
            "mark_shipped",
            "POST",
            "/fulfillment/202309/orders/<order_id>/packages",
            fulfillment.mark_package_shipped,
            "seller.fulfillment.basic",
        ),
        ApiRoute(
            "ship_package",
            "POST",
            "/fulfillment/202309/packages/<package_id>/ship",
            fulfillment.ship_package,
            "seller.fulfillment.basic",
        ),
        ApiRoute(
            "package_detail",
            "GET",
            "/fulfillment/202309/packages/<package_id>",
            fulfillment.package_detail,
            "seller.fulfillment.basic",
        ),
        ApiRoute("return_search", "POST", f"{rr}/returns/search", reverse_api.search_returns, rr_scope),
        ApiRoute("return_approve", "POST", f"{rr}/returns/<return_id>/approve", reverse.approve_return, rr_scope),
        ApiRoute("return_reject", "POST", f"{rr}/returns/<return_id>/reject", reverse.reject_return, rr_scope),
        ApiRoute(
            "cancellation_search", "POST", f"{rr}/cancellations/search", reverse_api.search_cancellations, rr_scope
        ),
        ApiRoute(
            "cancellation_approve",
            "POST",
            f"{rr}/cancellations/<cancel_id>/approve",
            reverse.approve_cancellation,
            rr_scope,
        ),
        ApiRoute(
            "cancellation_reject",
            "POST",
            f"{rr}/cancellations/<cancel_id>/reject",
            reverse.reject_cancellation,
            rr_scope,
        ),
        ApiRoute("reject_reasons", "GET", f"{rr}/reject_reasons", reverse.reject_reasons, rr_scope),
    ]
