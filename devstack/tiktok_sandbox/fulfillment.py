"""Fulfilment handlers: Mark Package As Shipped (seller shipping), Ship Package, Get Package Detail."""

from __future__ import annotations

from typing import Any

from tiktok_sandbox import catalogue, codes
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.context import Ctx
from tiktok_sandbox.orders import OrderLifecycle
from tiktok_sandbox.state import Order, Package


class FulfillmentHandlers:
    def __init__(self, lifecycle: OrderLifecycle):
        self._orders = lifecycle

    def _order(self, ctx: Ctx, order_id: str) -> Order:
        order = ctx.state.orders.get(order_id)
        if order is None or order.shop_id != ctx.shop.id:
            raise ApiError(codes.ORDER_NOT_FOUND, f"order {order_id} does not exist.", 404)
        return order

    def _package(self, ctx: Ctx, package_id: str) -> Package:
        package = ctx.state.packages.get(package_id)
        if package is None or package.shop_id != ctx.shop.id:
            raise ApiError(codes.PACKAGE_NOT_FOUND, f"package {package_id} does not exist.", 404)
        return package

    def _provider_name(self, ctx: Ctx, order: Order, provider_id: str) -> str:
        option = next(d for d in catalogue.DELIVERY_OPTIONS[ctx.shop.region] if d.id == order.delivery_option_id)
        name = dict(option.providers).get(provider_id)
        if name is None:
            raise ApiError(
                codes.SHIPPING_PROVIDER_INVALID,
                f"shipping_provider_id {provider_id} is not valid for delivery option {option.id}.",
            )
        return name

    def mark_package_shipped(self, ctx: Ctx) -> dict[str, Any]:
        if ctx.shop.region not in catalogue.MARK_SHIPPED_MARKETS:
            raise ApiError(codes.MARKET_NOT_SUPPORTED, "This API is not available in the shop's market.")
        tracking = ctx.body.get("tracking_number")
        provider_id = ctx.body.get("shipping_provider_id")
        if not tracking:
            raise ApiError(codes.INVALID_CREDENTIAL, "param body.tracking_number is missing", 400)
        if not provider_id:
            raise ApiError(codes.INVALID_CREDENTIAL, "param body.shipping_provider_id is missing", 400)
        with ctx.state.lock:
            order = self._order(ctx, ctx.params["order_id"])
            if order.shipping_type != "SELLER":
                raise ApiError(codes.ORDER_STATUS_INVALID, "Mark Package As Shipped is for seller shipping orders.")
            if order.status not in ("AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"):
                raise ApiError(codes.ORDER_STATUS_INVALID, f"order {order.id} is {order.status} and cannot be shipped.")
            provider_name = self._provider_name(ctx, order, str(provider_id))
            open_items = {i.id: i for i in order.line_items if i.display_status == "AWAITING_SHIPMENT"}
            requested = [str(i) for i in ctx.body.get("order_line_item_ids") or list(open_items)]
            for item_id in requested:
                if item_id not in open_items:
                    raise ApiError(codes.LINE_ITEM_INVALID, f"order_line_item_id {item_id} cannot be shipped.")
            package = self._orders.create_package(order, requested, status="FULFILLING")
            package.tracking_number, package.shipping_provider_id = str(tracking), str(provider_id)
            package.shipping_provider_name = provider_name
            self._orders.mark_items_shipped(order, package, "IN_TRANSIT")
            self._orders.after_seller_shipment(order)
            return {"order_id": order.id, "package_id": package.id, "order_line_item_ids": requested}

    def ship_package(self, ctx: Ctx) -> dict[str, Any]:
        with ctx.state.lock:
            package = self._package(ctx, ctx.params["package_id"])
            order = ctx.state.orders[package.order_id]
            if package.status != "PROCESSING" or order.status not in ("AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"):
                raise ApiError(codes.ORDER_STATUS_INVALID, f"package {package.id} is {package.status} and cannot ship.")
            self_shipment = ctx.body.get("self_shipment")
            if package.shipping_type == "TIKTOK":
                if self_shipment:
                    raise ApiError(codes.INVALID_CREDENTIAL, "self_shipment is only for SEND_BY_SELLER packages.", 400)
                method = ctx.body.get("handover_method", "PICKUP")
                if method not in ("PICKUP", "DROP_OFF"):
                    raise ApiError(codes.INVALID_CREDENTIAL, "handover_method must be PICKUP or DROP_OFF", 400)
                self._orders.ship_tiktok_package(package, method)
                return {}
            if not self_shipment or not self_shipment.get("tracking_number"):
                raise ApiError(codes.INVALID_CREDENTIAL, "param body.self_shipment.tracking_number is missing", 400)
            provider_id = str(self_shipment.get("shipping_provider_id", ""))
            package.shipping_provider_name = self._provider_name(ctx, order, provider_id)
            package.tracking_number, package.shipping_provider_id = (
                str(self_shipment["tracking_number"]),
                provider_id,
            )
            package.status = "FULFILLING"
            self._orders.mark_items_shipped(order, package, "IN_TRANSIT")
            self._orders.after_seller_shipment(order)
            return {}

    def package_detail(self, ctx: Ctx) -> dict[str, Any]:
        with ctx.state.lock:
            package = self._package(ctx, ctx.params["package_id"])
            order = ctx.state.orders[package.order_id]
            option = next(d for d in catalogue.DELIVERY_OPTIONS[ctx.shop.region] if d.id == package.delivery_option_id)
            body: dict[str, Any] = {
                "package_id": package.id,
                "package_status": package.status,
                "orders": [{"id": order.id, "skus": []}],
                "order_line_item_ids": package.line_item_ids,
                "shipping_type": package.shipping_type,
                "delivery_option_id": option.id,
                "delivery_option_name": option.name,
                "tracking_number": package.tracking_number,
                "shipping_provider_id": package.shipping_provider_id,
                "shipping_provider_name": package.shipping_provider_name,
                "handover_method": package.handover_method,
                "has_multi_skus": len({i.sku_id for i in order.line_items if i.id in package.line_item_ids}) > 1,
                "recipient_address": order.recipient_address,
                "create_time": package.create_time,
                "update_time": package.update_time,
            }
            return {k: v for k, v in body.items() if v is not None}
