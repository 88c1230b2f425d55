"""Orders: the buyer/seller/carrier lifecycle the control API drives, and what it changes on packages.

Each line item is one unit (TikTok has no quantity field); a quantity of 3 becomes three line items.
Every status change emits webhook 1, which spells CANCELLED as `CANCEL` like TikTok does.
"""

from __future__ import annotations

from typing import Any

from tiktok_sandbox import catalogue, codes
from tiktok_sandbox.addresses import seeded_address
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.money import cents
from tiktok_sandbox.pricing import OrderCharges, payment_json, price_lines
from tiktok_sandbox.state import LineItem, Order, Package, Product, SandboxState, Sku
from tiktok_sandbox.webhooks import WebhookDispatcher

CANCELLABLE = frozenset({"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT"})
ORDER_WIDE_STATUSES = frozenset({"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "DELIVERED", "COMPLETED"})


def _sku_name(product: Product, sku: Sku) -> str:
    """ "Red, S": the SKU's sales attribute values, by name (TikTok's sku_name)."""
    tree = catalogue.category_tree(str(product.body.get("category_version") or "v1"))
    node = tree.get(str(product.body["category_id"]))
    kind = node.kind if node is not None else None
    names = {vid: name for a in catalogue.ATTRIBUTES.get(kind or "", ()) for vid, name in a.values}
    return ", ".join(
        str(a.get("value_name") or names.get(str(a.get("value_id")), a.get("value_id"))) for a in sku.sales_attributes
    )


def _reserve(sku: Sku, quantity: int) -> None:
    """Reserve stock like TikTok: drain the SKU's warehouses in order."""
    remaining = quantity
    for warehouse_id in sku.inventory:
        take = min(remaining, sku.inventory[warehouse_id])
        sku.inventory[warehouse_id] -= take
        remaining -= take


class OrderLifecycle:
    def __init__(self, state: SandboxState, webhooks: WebhookDispatcher):
        self.state = state
        self.webhooks = webhooks

    def get(self, order_id: str) -> Order:
        order = self.state.orders.get(order_id)
        if order is None:
            raise ApiError(codes.ORDER_NOT_FOUND, f"order {order_id} does not exist.", 404)
        return order

    def set_status(self, order: Order, status: str) -> None:
        order.status = status
        order.update_time = max(int(self.state.now()), order.update_time + 1)
        if status == "IN_TRANSIT" and order.collection_time is None:
            order.collection_time = order.update_time
        for item in order.line_items:
            # Shipping statuses are set per item by the fulfilment code; these apply to every live item.
            if status == "CANCELLED" or (item.display_status != "CANCELLED" and status in ORDER_WIDE_STATUSES):
                item.display_status = status
        self.webhooks.emit(
            1,
            order.shop_id,
            {
                "order_id": order.id,
                "order_status": "CANCEL" if status == "CANCELLED" else status,
                "is_on_hold_order": order.is_on_hold_order,
                "update_time": order.update_time,
            },
        )

    def place(
        self,
        shop_id: str,
        items: list[tuple[str, int]],
        *,
        shipping_type: str = "SELLER",
        charges: OrderCharges | None = None,
        buyer_message: str = "",
    ) -> Order:
        """Create an UNPAID order for (sku_id, quantity) pairs of live SKUs in `shop_id`."""
        if shipping_type not in ("SELLER", "TIKTOK"):
            raise ApiError(codes.INVALID_CREDENTIAL, "shipping_type must be SELLER or TIKTOK", 400)
        charges = charges or OrderCharges()
        with self.state.lock:
            shop = self.state.shop(shop_id)
            # Buyers buy the live version: a post-live edit under review is not on sale yet.
            skus = {s.id: (p, s) for p in self.state.products.values() if p.shop_id == shop_id for s in p.skus}
            line_items: list[LineItem] = []
            reservations: dict[str, tuple[Sku, int]] = {}
            warehouse_id = ""
            for sku_id, quantity in items:
                if sku_id not in skus:
                    raise ApiError(codes.SKU_NOT_FOUND, f"sku {sku_id} is not sold in shop {shop_id}.")
                product, sku = skus[sku_id]
                if product.status != "ACTIVATE":
                    raise ApiError(codes.PRODUCT_NOT_ACTIVE, f"product {product.id} is not live ({product.status}).")
                warehouse_id = warehouse_id or next(iter(sku.inventory))
                available = sum(sku.inventory.values())
                wanted = quantity + reservations.get(sku_id, (sku, 0))[1]
                if quantity < 1 or wanted > available:
                    raise ApiError(codes.INVALID_PRODUCT_FIELD, f"sku {sku_id} has {available} units, {wanted} asked.")
                line_items.extend(self._line(product, sku, shop.currency) for _ in range(quantity))
                reservations[sku_id] = (sku, wanted)
            price_lines(line_items, charges)  # refuses discounts larger than the prices before stock is taken
            for sku, quantity in reservations.values():
                _reserve(sku, quantity)
            option = next(
                d
                for d in catalogue.DELIVERY_OPTIONS[shop.region]
                if (d.type == "SEND_BY_SELLER") == (shipping_type == "SELLER")
            )
            now = int(self.state.now())
            order = Order(
                id=self.state.new_id(57648631695),
                shop_id=shop_id,
                status="UNPAID",
                user_id="7021436810468230477",
                shipping_type=shipping_type,
                delivery_option_id=option.id,
                delivery_option_name=option.name,
                warehouse_id=warehouse_id,
                line_items=line_items,
                payment=payment_json(line_items, charges, shop.currency),
                recipient_address=seeded_address(shop.region),
                buyer_email="v2b2V5@chat.seller.tiktok.com",
                buyer_message=buyer_message,
                create_time=now,
                update_time=now,
            )
            self.state.orders[order.id] = order
            self.webhooks.emit(
                1,
                shop_id,
                {
                    "order_id": order.id,
                    "order_status": "UNPAID",
                    "is_on_hold_order": False,
                    "update_time": now,
                },
            )
            return order

    def _line(self, product: Product, sku: Sku, currency: str) -> LineItem:
        images: list[dict[str, Any]] = product.body.get("main_images") or []
        stored = self.state.images.get(str(images[0].get("uri"))) if images else None
        return LineItem(
            id=self.state.new_id(57648631694),
            sku_id=sku.id,
            product_id=product.id,
            product_name=str(product.body["title"]),
            sku_name=_sku_name(product, sku),
            seller_sku=sku.seller_sku,
            sku_image=stored.url if stored is not None else None,
            original_price=cents(sku.price["amount"], "price.amount"),
            seller_discount=0,
            platform_discount=0,
            tax=0,
            currency=currency,
        )

    def pay(self, order_id: str, *, on_hold: bool = False) -> Order:
        with self.state.lock:
            order = self.get(order_id)
            self._expect(order, {"UNPAID"})
            order.paid_time = int(self.state.now())
            order.is_on_hold_order = on_hold
            # One package per order to start with; Mark Package As Shipped splits line items out of it.
            self.create_package(order, [i.id for i in order.line_items], status="PROCESSING")
            self.set_status(order, "ON_HOLD" if on_hold else "AWAITING_SHIPMENT")
            return order

    def update_address(self, order_id: str, changes: dict[str, Any]) -> Order:
        """The buyer changes the delivery address before shipment: webhook 3 (RECIPIENT_ADDRESS_UPDATE) with
        `order_id` and `update_time` (reference §3.4), and the order shows `has_updated_recipient_address`."""
        with self.state.lock:
            order = self.get(order_id)
            self._expect(order, {"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT"})
            order.recipient_address = {**order.recipient_address, **changes}
            order.has_updated_recipient_address = True
            order.update_time = max(int(self.state.now()), order.update_time + 1)
            self.webhooks.emit(3, order.shop_id, {"order_id": order.id, "update_time": order.update_time})
            return order

    def release_hold(self, order_id: str) -> Order:
        with self.state.lock:
            order = self.get(order_id)
            self._expect(order, {"ON_HOLD"})
            order.is_on_hold_order = False
            self.set_status(order, "AWAITING_SHIPMENT")
            return order

    def arrange_shipment(self, order_id: str) -> Order:
        """TikTok shipping: the seller arranged pick-up in Seller Center; carrier yet to collect."""
        with self.state.lock:
            order = self.get(order_id)
            self._expect(order, {"AWAITING_SHIPMENT"})
            if order.shipping_type != "TIKTOK":
                raise ApiError(codes.ORDER_STATUS_INVALID, "arrange_shipment is for TikTok shipping orders.")
            for package_id in order.package_ids:
                self.ship_tiktok_package(self.state.packages[package_id], "PICKUP")
            return order

    def ship_tiktok_package(self, package: Package, handover_method: str) -> None:
        order = self.state.orders[package.order_id]
        provider_id, provider_name = next(
            d.providers[0]
            for d in catalogue.DELIVERY_OPTIONS[self.state.shop(order.shop_id).region]
            if d.id == package.delivery_option_id
        )
        package.status = "FULFILLING"
        package.handover_method = handover_method
        package.tracking_number = f"TT{package.id[-10:]}"
        package.shipping_provider_id, package.shipping_provider_name = provider_id, provider_name
        package.update_time = int(self.state.now())
        self.mark_items_shipped(order, package, "AWAITING_COLLECTION")
        self.set_status(order, "AWAITING_COLLECTION")

    def mark_items_shipped(self, order: Order, package: Package, display_status: str) -> None:
        """The package's line items take its tracking number and provider; their rts_time is now."""
        now = int(self.state.now())
        package.shipped_time = package.shipped_time or now
        order.rts_time = order.rts_time or now
        for item in order.line_items:
            if item.id in package.line_item_ids:
                item.display_status, item.package_status = display_status, "FULFILLING"
                item.tracking_number = package.tracking_number
                item.shipping_provider_id = package.shipping_provider_id
                item.shipping_provider_name = package.shipping_provider_name
                item.rts_time = now

    def ship(self, order_id: str) -> Order:
        """Whatever ships the whole order outside the API: Seller Center for seller shipping, or pick-up
        arranged and collected for TikTok shipping. Ends IN_TRANSIT."""
        with self.state.lock:
            order = self.get(order_id)
            self._expect(order, {"AWAITING_SHIPMENT", "PARTIALLY_SHIPPING", "AWAITING_COLLECTION"})
            if order.shipping_type == "TIKTOK":
                if order.status == "AWAITING_SHIPMENT":
                    self.arrange_shipment(order_id)
                return self.carrier_collect(order_id)
            region = self.state.shop(order.shop_id).region
            option = next(d for d in catalogue.DELIVERY_OPTIONS[region] if d.id == order.delivery_option_id)
            provider_id, provider_name = option.providers[0]
            open_items = [i for i in order.line_items if i.display_status == "AWAITING_SHIPMENT"]
            package = self.create_package(order, [i.id for i in open_items], status="FULFILLING")
            package.tracking_number = f"SC{package.id[-12:]}"
            package.shipping_provider_id, package.shipping_provider_name = provider_id, provider_name
            self.mark_items_shipped(order, package, "IN_TRANSIT")
            self.after_seller_shipment(order)
            return order

    def after_seller_shipment(self, order: Order) -> None:
        """Order status once some (PARTIALLY_SHIPPING) or all (IN_TRANSIT) live items are shipped."""
        still_open = any(i.display_status == "AWAITING_SHIPMENT" for i in order.line_items)
        self.set_status(order, "PARTIALLY_SHIPPING" if still_open else "IN_TRANSIT")

    def carrier_collect(self, order_id: str) -> Order:
        """The carrier scanned the parcels: AWAITING_COLLECTION -> IN_TRANSIT."""
        with self.state.lock:
            order = self.get(order_id)
            self._expect(order, {"AWAITING_COLLECTION"})
            for item in order.line_items:
                if item.display_status == "AWAITING_COLLECTION":
                    item.display_status = "IN_TRANSIT"
            self.set_status(order, "IN_TRANSIT")
            return order

    def deliver(self, order_id: str) -> Order:
        with self.state.lock:
            order = self.get(order_id)
            self._expect(order, {"IN_TRANSIT"})
            order.delivery_time = int(self.state.now())
            for package_id in order.package_ids:
                self.state.packages[package_id].status = "COMPLETED"
            for item in order.line_items:
                if item.display_status != "CANCELLED":
                    item.package_status = "COMPLETED"
            self.set_status(order, "DELIVERED")
            return order

    def complete(self, order_id: str) -> Order:
        with self.state.lock:
            order = self.get(order_id)
            self._expect(order, {"DELIVERED"})
            self.set_status(order, "COMPLETED")
            return order

    def _expect(self, order: Order, allowed: set[str]) -> None:
        if order.status not in allowed:
            raise ApiError(
                codes.ORDER_STATUS_INVALID,
                f"order {order.id} is {order.status}; expected one of {sorted(allowed)}.",
            )

    def create_package(self, order: Order, line_item_ids: list[str], *, status: str) -> Package:
        now = int(self.state.now())
        package = Package(
            id=self.state.new_id(11529021229),
            shop_id=order.shop_id,
            order_id=order.id,
            line_item_ids=list(line_item_ids),
            status=status,
            shipping_type=order.shipping_type,
            delivery_option_id=order.delivery_option_id,
            create_time=now,
            update_time=now,
        )
        self.state.packages[package.id] = package
        order.package_ids.append(package.id)
        # A line item lives in one package: take it out of the one it was in (split shipping).
        for other_id in list(order.package_ids):
            other = self.state.packages[other_id]
            if other is not package:
                other.line_item_ids = [i for i in other.line_item_ids if i not in line_item_ids]
                if not other.line_item_ids:
                    order.package_ids.remove(other_id)
                    del self.state.packages[other_id]
        for item in order.line_items:
            if item.id in line_item_ids:
                item.package_id = package.id
                item.package_status = status
        return package
