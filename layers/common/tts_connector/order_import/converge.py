"""The per-order state machine: read both sides, do what is missing, record where the order got to.

Every run starts from TikTok's Get Order Detail (the webhook is only a hint) and, once the order is in
Magento, from Magento's order; each step checks the other side before it writes (look before you write), so
duplicate, out-of-order and missing webhooks, retries and crashes all converge to the same Magento state:

* UNPAID, ON_HOLD: recorded as seen (a pending order with `import_at_placement`).
* AWAITING_SHIPMENT, PARTIALLY_SHIPPING: seller shipping - the order is placed and invoiced (Processing) and the
  merchant's Magento shipments are pushed to TikTok; platform shipping - seen (placed and invoiced already with
  `import_platform_orders_at_awaiting_shipment`).
* AWAITING_COLLECTION: platform shipping - placed if missing, invoiced, shipped with TikTok's tracking number per
  package (Complete).
* IN_TRANSIT, DELIVERED, COMPLETED: a comment each; the Magento status stays.
* CANCELLED (webhook 1 says CANCEL): nothing before import; after it, the Magento order is cancelled if nothing
  is invoiced, otherwise a comment leaves it to the refund flow.

Exactly once: the order is placed through the guest cart with an e-mail that contains the TikTok order id,
which Magento stores as the order's `customer_email` in the same call that creates it. A placement is noted
in the record before the call; a later run that finds the note without a Magento order id first searches
Magento (`ext_order_id` or that e-mail) and adopts what it finds, and places again only once the earlier
attempt had `ORDER_PLACEMENT_SETTLE_SECONDS` to show up.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from tts_connector.alerts import AlertPublisher
from tts_connector.errors import ConflictError, InvalidInputError, NotFoundError, TransientError
from tts_connector.events.models import EventOutcome, EventStatus
from tts_connector.listings.store import ListingStore
from tts_connector.magento.client import MagentoClient
from tts_connector.magento.errors import OutcomeUnknownError
from tts_connector.magento.models import Address, ItemQty, Track
from tts_connector.magento.search_criteria import SearchCriteria
from tts_connector.observability import logger, metrics
from tts_connector.order_import.addresses import address_digest, buyer_address, warehouse_address
from tts_connector.order_import.carriers import carrier_key, resolve_provider
from tts_connector.order_import.failures import OrderParked, retry_hint
from tts_connector.order_import.lines import CartLine, cart_lines, live_lines
from tts_connector.order_import.options import CARRIERS_SECTION, ORDERS_SECTION, CarrierMap, OrderSettings
from tts_connector.order_import.records import LineLink, OrderRecord, OrderState, Placement, ShipmentPush
from tts_connector.order_import.store import OrderStore
from tts_connector.order_import.totals import compare_totals, totals_comment
from tts_connector.shop_settings import ShopSettingsStore
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.errors import TikTokApiError
from tts_connector.tiktok.models.order import LineItem, Order

UNPAID = frozenset({"UNPAID", "ON_HOLD"})
COLLECTED = frozenset({"AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED"})
# TikTok accepts Mark Package As Shipped while something is left to ship.
SHIPPABLE = frozenset({"AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"})
COMMENTED = {"IN_TRANSIT": "in transit", "DELIVERED": "delivered", "COMPLETED": "completed"}


def normalized_status(status: str | None) -> str:
    """TikTok's Order API says CANCELLED, webhook 1 says CANCEL (reference §3.4): one name here."""
    value = (status or "").strip().upper()
    return "CANCELLED" if value in ("CANCEL", "CANCELLED") else value


@dataclass(frozen=True)
class Hint:
    """What a trigger saw: TikTok's update_time and status of the order (webhook 1, reconciliation)."""

    update_time: int | None = None
    status: str | None = None


@dataclass
class OrderServices:
    store: OrderStore
    tiktok: TikTokShopApi
    magento: MagentoClient
    listings: ListingStore
    shop_settings: ShopSettingsStore
    # The shop to call TikTok for, or why the connector does not serve it (unknown or not selected).
    shop: Callable[[str], ShopRef | str]
    alerts: AlertPublisher
    clock: Callable[[], float] = time.time
    settle_seconds: int = 120
    warehouses: dict[str, Any] = field(default_factory=dict)


def converge_order(
    services: OrderServices, shop_id: str, order_id: str, *, hint: Hint | None = None, force: bool = False
) -> EventOutcome:
    """Bring Magento and the record in line with the order as TikTok has it now."""
    record = services.store.get(shop_id, order_id) or OrderRecord(shop_id=shop_id, tiktok_order_id=order_id)
    if not force and hint is not None and _already_converged(record, hint):
        return EventOutcome(
            status=EventStatus.IGNORED,
            detail=f"Order {order_id} already handled at TikTok's update {record.tiktok_update_time} "
            f"({record.tiktok_status}, {record.state.value})",
        )
    shop = services.shop(shop_id)
    if isinstance(shop, str):
        return EventOutcome(status=EventStatus.IGNORED, detail=shop)
    found = services.tiktok.orders.details(shop, [order_id])
    if not found:
        return EventOutcome(status=EventStatus.IGNORED, detail=f"TikTok Shop has no order {order_id} in shop {shop_id}")
    settings = services.shop_settings.get(shop_id, ORDERS_SECTION, OrderSettings)
    run = _Run(services, shop, record, found[0], settings)
    try:
        note = run.converge()
    except OrderParked as parked:
        return _park(run, parked)
    saved = run.finish(note)
    return EventOutcome(
        status=EventStatus.PROCESSED,
        detail=f"Order {order_id}: {saved.state.value} ({note})",
        result={"state": saved.state.value, "magento_order_id": saved.magento_order_id},
    )


def _already_converged(record: OrderRecord, hint: Hint) -> bool:
    if record.version == 0 or record.state is OrderState.FAILED or record.placement is not None:
        return False
    if hint.update_time is None:
        return False
    if hint.update_time != record.tiktok_update_time:
        return hint.update_time < record.tiktok_update_time
    return hint.status is None or normalized_status(hint.status) == record.tiktok_status


def _park(run: _Run, parked: OrderParked) -> EventOutcome:
    record = run.record
    new_failure = record.state is not OrderState.FAILED or record.failure != parked.message
    record.failure, record.failure_hint = parked.message, parked.hint
    record.tiktok_update_time = run.order.update_time
    record.record(OrderState.FAILED, parked.message, run.now())
    if new_failure:
        # Before the save: if publishing fails the event is retried and still sees a new failure (at least once).
        metrics.add_metric(name="OrderFailed", unit=MetricUnit.Count, value=1)
        run.services.alerts.publish(
            f"TikTok order {record.tiktok_order_id} needs attention",
            f"{parked.message}\n\n{parked.hint or ''}\n\nShop {record.shop_id}. `ttsc orders show "
            f"{record.tiktok_order_id}` shows the order and its history.",
        )
    run.save()
    logger.warning("Order parked as failed", extra={"order_id": record.tiktok_order_id, "reason": parked.message})
    return EventOutcome(
        status=EventStatus.PROCESSED,
        detail=f"Order {record.tiktok_order_id} parked as failed: {parked.message}",
        result={"state": OrderState.FAILED.value},
    )


def _refusal(order_id: str, exc: InvalidInputError | NotFoundError, sku: str | None = None) -> OrderParked:
    """A Magento refusal during creation, said so that the merchant knows what to fix."""
    text = str(exc.details.get("magento_message") or exc.message)
    lowered = text.lower()
    about = f" for SKU {sku}" if sku else ""
    if "qty is not available" in lowered or "not all of your products are available" in lowered:
        reason, fix = "out_of_stock", f"Add stock{about} in Magento (or enable backorders)"
    elif "not available" in lowered and "product" in lowered:
        reason, fix = "product_disabled", f"Enable the product{about} in Magento (and for the store view)"
    elif "doesn't exist" in lowered or "does not exist" in lowered or isinstance(exc, NotFoundError):
        reason, fix = "product_missing", f"Create the product{about} in Magento or map the TikTok SKU to another"
    elif "payment method" in lowered:
        reason, fix = "payment_method", "Enable the order settings' payment_method in Magento, or change it"
    elif "carrier" in lowered or "shipping method" in lowered:
        reason, fix = "shipping_method", "Enable the order settings' shipping method in Magento, or change it"
    elif "guest checkout" in lowered:
        reason, fix = "guest_checkout", "Allow guest checkout (Stores > Configuration > Sales > Checkout)"
    else:
        reason, fix = "magento_refused", "Fix the cause in Magento"
    return OrderParked(
        f"Magento refused TikTok order {order_id}{about}: {text}",
        hint=retry_hint(order_id, fix),
        details={"order_id": order_id, "reason": reason, "sku": sku},
    )


class _Run:
    """One convergence of one order; holds what this run read so each side is read once."""

    def __init__(
        self, services: OrderServices, shop: ShopRef, record: OrderRecord, order: Order, settings: OrderSettings
    ) -> None:
        self.services = services
        self.shop = shop
        self.record = record
        self.order = order
        self.settings = settings
        self.notes: list[str] = []
        self._magento_order: dict[str, Any] | None = None
        self._stale = False  # a write may have changed the Magento order's status since it was read
        self._shipments: list[dict[str, Any]] | None = None
        self.placed_now = False

    @property
    def order_id(self) -> str:
        return self.record.tiktok_order_id

    @property
    def platform(self) -> bool:
        return (self.order.shipping_type or "").upper() == "TIKTOK"

    def now(self) -> int:
        return int(self.services.clock())

    def save(self) -> None:
        """Save; the same record object carries on (callers may hold it), with the stored version."""
        saved = self.services.store.save(self.record)
        self.record.version, self.record.updated_at, self.record.created_at = (
            saved.version,
            saved.updated_at,
            saved.created_at,
        )

    # ---------- the decision ----------
    def converge(self) -> str:
        record, order = self.record, self.order
        record.tiktok_status = normalized_status(order.status)
        record.shipping_type = order.shipping_type
        record.delivery_option_id = order.delivery_option_id
        status = record.tiktok_status
        if status == "CANCELLED":
            return self.cancelled()
        paid = status not in UNPAID
        collected = status in COLLECTED or (self.platform and any(self._tracked_lines()))
        early = self.settings.import_platform_orders_at_awaiting_shipment
        wants_invoice = paid and (not self.platform or early or collected)
        wants_order = wants_invoice or self.settings.import_at_placement
        if record.magento_order_id is None and not wants_order:
            if not paid:
                return self.note(OrderState.SEEN, f"{status.lower()} in TikTok: imported once paid")
            return self.note(OrderState.SEEN, "platform shipping: imported when TikTok's carrier collects it")
        self.ensure_order()
        self.sync_address()
        if wants_invoice:
            self.ensure_invoice()
        if self.platform and wants_invoice:
            self.ship_platform_packages()
        elif not self.platform:
            self.push_seller_shipments()
        if status in COMMENTED:
            self.comment_once(
                f"status:{status}", f"TikTok Shop order {self.order_id} is {COMMENTED[status]} in TikTok."
            )
        return self.settle()

    def note(self, state: OrderState, text: str) -> str:
        self.record.record(state, text, self.now())
        return text

    def finish(self, note: str) -> OrderRecord:
        record = self.record
        record.tiktok_update_time = self.order.update_time
        record.failure = record.failure_hint = None
        self.save()
        if self.notes:
            logger.info("Order notes", extra={"order_id": self.order_id, "notes": self.notes})
        return self.record

    def settle(self) -> str:
        """The state the order reached, from what both sides now hold (noted in the history when it changed)."""
        state, note = self._settled()
        if state is not self.record.state:
            self.record.record(state, note, self.now())
        return note

    def _settled(self) -> tuple[OrderState, str]:
        record = self.record
        if record.invoice_id is None:
            return OrderState.PENDING, "placed, awaiting payment in TikTok"
        live = {line.id for line in live_lines(self.order.line_items)}
        if self.platform:
            shipped = {
                line.id for line in self._tracked_lines() if self._package_key(line) in record.platform_shipments
            }
        else:
            shipped = record.pushed_line_item_ids() | {
                line.id for line in self.order.line_items if line.tracking_number and line.id in live
            }
        shipped &= live
        if live and shipped >= live:
            return OrderState.SHIPPED, "every line shipped"
        if shipped:
            return OrderState.PARTIALLY_SHIPPED, f"{len(shipped)} of {len(live)} units shipped"
        return OrderState.IMPORTED, "invoiced, awaiting shipment"

    # ---------- Magento order ----------
    def magento_order(self) -> dict[str, Any]:
        assert self.record.magento_order_id is not None
        if self._magento_order is None or self._stale:
            try:
                self._magento_order = self.services.magento.sales.get_order(self.record.magento_order_id)
            except NotFoundError as exc:
                raise OrderParked(
                    f"Magento order #{self.record.magento_increment_id} (id {self.record.magento_order_id}) of TikTok "
                    f"order {self.order_id} no longer exists in Magento",
                    hint="It was deleted in Magento; the connector will not place the order again by itself. "
                    "Fulfil it in TikTok Seller Center, or restore the Magento order",
                    details={"order_id": self.order_id, "reason": "magento_order_missing"},
                ) from exc
            self._stale = False
        return self._magento_order

    def email(self) -> str:
        placement = self.record.placement
        return placement.customer_email if placement else self.settings.email_for(self.order_id)

    def find_placed(self, email: str) -> dict[str, Any] | None:
        found = self.services.magento.sales.find_orders_by_marketplace_id(self.order_id, email)
        return found[0] if found else None

    def ensure_order(self) -> None:
        record = self.record
        if record.magento_order_id is not None:
            return
        email = self.email()
        lines = self.cart_lines()
        if record.placement is not None:
            found = self.find_placed(email)
            if found is not None:
                self.adopt(found, lines, self.address(email), "found in Magento after an interrupted placement")
                return
            age = self.now() - record.placement.started_at
            if age < self.services.settle_seconds:
                raise TransientError(
                    f"An earlier placement of TikTok order {self.order_id} ({age}s ago) has not shown up in Magento "
                    "yet; checking again before placing it again",
                    retry_after=float(self.services.settle_seconds - age),
                )
        address = self.address(email)
        order_id = self.place(lines, address, email)
        placed = self.services.magento.sales.get_order(order_id)
        self.placed_now = True
        self.adopt(placed, lines, address, "placed")

    def cart_lines(self) -> list[CartLine]:
        def product_type(sku: str) -> str | None:
            try:
                return str(self.services.magento.catalog.get_product(sku).get("type_id") or "simple")
            except NotFoundError:
                return None

        return cart_lines(
            self.record.shop_id,
            self.order_id,
            self.order.line_items,
            listings=self.services.listings,
            product_type=product_type,
        )

    def address(self, email: str) -> Address:
        regions = self.services.magento.store.country_regions
        if self.order.recipient_address is not None:
            return buyer_address(self.order.recipient_address, email=email, regions=regions, order_id=self.order_id)
        return warehouse_address(self.warehouse(), email=email, regions=regions, order_id=self.order_id)

    def warehouse(self) -> Any:
        cache = self.services.warehouses
        warehouse_id = self.order.warehouse_id or ""
        if warehouse_id not in cache:
            for warehouse in self.services.tiktok.logistics.warehouses(self.shop):
                cache[warehouse.id] = warehouse
        if warehouse_id not in cache:
            raise OrderParked(
                f"TikTok order {self.order_id} names warehouse {warehouse_id!r}, which the shop does not list",
                hint=retry_hint(self.order_id, "Check the shop's warehouses (`ttsc warehouses list`)"),
                details={"order_id": self.order_id, "reason": "address"},
            )
        return cache[warehouse_id]

    def place(self, lines: list[CartLine], address: Address, email: str) -> int:
        checkout, settings = self.services.magento.checkout, self.settings
        sku: str | None = None
        try:
            cart = checkout.create_guest_cart()
            for line in lines:
                sku = line.magento_sku
                checkout.add_item(cart, line.magento_sku, line.qty)
            sku = None
            checkout.set_shipping_information(
                cart,
                address,
                address,
                carrier_code=settings.shipping_carrier_code,
                method_code=settings.shipping_method_code,
            )
        except (InvalidInputError, NotFoundError) as exc:
            raise _refusal(self.order_id, exc, sku) from exc
        # From here Magento may create the order even if its answer never arrives: note it first.
        self.record.placement = Placement(started_at=self.now(), customer_email=email)
        self.save()
        try:
            return checkout.place_order(cart, email=email, payment_method=settings.payment_method, billing=address)
        except OutcomeUnknownError as exc:
            found = self.find_placed(email)
            if found is not None:
                return int(found["entity_id"])
            raise TransientError(
                f"Magento did not confirm placing TikTok order {self.order_id} and shows no such order yet; the "
                "connector looks again before it places it again",
                retry_after=float(self.services.settle_seconds),
            ) from exc
        except (InvalidInputError, NotFoundError) as exc:
            # Magento refused before creating anything: there is no placement to find later.
            self.record.placement = None
            self.save()
            raise _refusal(self.order_id, exc) from exc

    def adopt(self, placed: dict[str, Any], lines: list[CartLine], address: Address, how: str) -> None:
        """Record the Magento order (the mapping first, so a crash after this finds it), then finish it."""
        record = self.record
        items = {str(i["sku"]): int(i["item_id"]) for i in placed.get("items", []) if i.get("parent_item_id") is None}
        record.magento_order_id = int(placed["entity_id"])
        record.magento_increment_id = str(placed["increment_id"])
        record.lines = [
            LineLink(
                tiktok_line_item_id=line_item_id,
                tiktok_sku_id=line.tiktok_sku_id,
                magento_sku=line.magento_sku,
                magento_order_item_id=items.get(line.magento_sku),
            )
            for line in lines
            for line_item_id in line.tiktok_line_item_ids
        ]
        record.placement = None
        record.address_digest = address_digest(address)
        record.record(OrderState.PENDING, f"Magento order #{record.magento_increment_id} {how}", self.now())
        self.save()
        self._magento_order = placed
        metrics.add_metric(name="OrderImported", unit=MetricUnit.Count, value=1)
        if placed.get("ext_order_id") != self.order_id:
            saved = self.services.magento.sales.set_ext_order_id(placed, self.order_id)
            self._magento_order = saved if saved.get("entity_id") else None
        totals = compare_totals(self.order.payment, self.magento_order())
        record.totals = totals
        shipping = "TikTok shipping" if self.platform else "seller shipping"
        text = f"TikTok Shop order {self.order_id} (TTS order: Yes; {shipping}). Imported by the TikTok Shop connector."
        if not totals.matches:
            metrics.add_metric(name="OrderTotalsDiffer", unit=MetricUnit.Count, value=1)
            # One comment, one call: what the order is and how its totals differ.
            text += " " + totals_comment(totals)
        self.comment_once("imported", text)

    def sync_address(self) -> None:
        """Apply the buyer's address when TikTok has a newer one (webhook 3, or revealed after payment)."""
        record = self.record
        if self.order.recipient_address is None or record.address_digest is None:
            return
        address = self.address(self.email())
        digest = address_digest(address)
        if digest == record.address_digest:
            return
        order = self.magento_order()
        if any(float(i.get("qty_shipped") or 0) > 0 for i in order.get("items", [])):
            self.comment_once(
                f"address:{digest}",
                f"TikTok Shop order {self.order_id}: the buyer's address "
                "changed in TikTok after shipment; Magento's address is left as shipped.",
            )
            record.address_digest = digest
            return
        fields = address.to_magento()
        shipping = _shipping_address(order)
        for current in [a for a in (shipping, order.get("billing_address")) if a and a.get("entity_id")]:
            entity = {"entity_id": int(current["entity_id"]), "address_type": current.get("address_type"), **fields}
            self.services.magento.sales.update_order_address(record.magento_order_id or 0, entity)
        self._stale = True
        self.comment_once(
            f"address:{digest}", f"TikTok Shop order {self.order_id}: shipping address updated from TikTok."
        )
        record.address_digest = digest

    def ensure_invoice(self) -> None:
        record = self.record
        if record.invoice_id is not None:
            return
        order = self.magento_order()
        if float(order.get("total_invoiced") or 0) > 0:
            invoices = self.services.magento.sales.search_invoices(
                SearchCriteria(page_size=1).where("order_id", record.magento_order_id)
            ).items
            record.invoice_id = int(invoices[0]["entity_id"]) if invoices else 0
            return
        try:
            record.invoice_id = self.services.magento.sales.invoice(record.magento_order_id or 0, capture=True)
        except OutcomeUnknownError as exc:
            raise TransientError(
                f"Magento did not confirm the invoice of TikTok order {self.order_id}; checked again before retrying"
            ) from exc
        except InvalidInputError as exc:
            raise OrderParked(
                f"Magento refused to invoice TikTok order {self.order_id}: {exc.message}",
                hint=retry_hint(self.order_id, "Fix the order in Magento"),
                details={"order_id": self.order_id, "reason": "invoice"},
            ) from exc
        self._stale = True
        record.record(OrderState.IMPORTED, f"invoiced (invoice {record.invoice_id})", self.now())

    def comment_once(self, key: str, text: str) -> None:
        """Add a status-history comment unless this order has it (checked in Magento, not only here)."""
        record = self.record
        if key in record.comments:
            return
        order = self.magento_order()
        if not any(h.get("comment") == text for h in order.get("status_histories") or []):
            self.services.magento.sales.add_comment(record.magento_order_id or 0, text, status=str(order["status"]))
        record.comments.append(key)

    # ---------- cancellation ----------
    def cancelled(self) -> str:
        record = self.record
        if record.magento_order_id is None:
            return self.note(OrderState.CANCELLED, "cancelled in TikTok before import: nothing created in Magento")
        order = self.magento_order()
        reason = self.order.cancel_reason or "no reason given"
        if order.get("state") == "canceled":
            return self.note(OrderState.CANCELLED, "cancelled in TikTok and in Magento")
        invoiced = float(order.get("total_invoiced") or 0) > 0 or record.invoice_id is not None
        if not invoiced:
            try:
                self.services.magento.sales.cancel(record.magento_order_id)
            except ConflictError:
                invoiced = True
            else:
                self._stale = True
                self.comment_once(
                    "cancelled",
                    f"TikTok Shop order {self.order_id} was cancelled in TikTok "
                    f"({reason}); the Magento order is cancelled.",
                )
                return self.note(OrderState.CANCELLED, "cancelled in TikTok; Magento order cancelled")
        self.comment_once(
            "cancelled_after_invoice",
            f"TikTok Shop order {self.order_id} was cancelled in TikTok ({reason}) after it was invoiced; the "
            "credit memo comes with TikTok's refund.",
        )
        return self.note(OrderState.AWAITING_REFUND, "cancelled in TikTok after invoicing: left to the refund flow")

    # ---------- platform shipping ----------
    def _tracked_lines(self) -> list[LineItem]:
        return [line for line in live_lines(self.order.line_items) if line.tracking_number]

    @staticmethod
    def _package_key(line: LineItem) -> str:
        return line.package_id or f"tracking:{line.tracking_number}"

    def shipments(self) -> list[dict[str, Any]]:
        if self._shipments is None:
            criteria = SearchCriteria(page_size=100).where("order_id", self.record.magento_order_id)
            self._shipments = self.services.magento.sales.search_shipments(criteria).items
        return self._shipments

    def ship_platform_packages(self) -> None:
        record = self.record
        packages: dict[str, list[LineItem]] = {}
        for line in self._tracked_lines():
            packages.setdefault(self._package_key(line), []).append(line)
        for key, lines in packages.items():
            if key in record.platform_shipments:
                continue
            number = str(lines[0].tracking_number)
            provider = lines[0].shipping_provider_name or self.order.shipping_provider or "TikTok Shipping"
            existing = next((s for s in self.shipments() if number in _track_numbers(s)), None)
            if existing is not None:
                record.platform_shipments[key] = int(existing["entity_id"])
                continue
            wanted = Counter(record.magento_order_item_id(line.id) for line in lines)
            items = [ItemQty(item_id, float(qty)) for item_id, qty in sorted(wanted.items()) if item_id is not None]
            try:
                shipment_id = self.services.magento.sales.ship(
                    record.magento_order_id or 0,
                    items,
                    tracks=[Track(number, provider, "custom")],
                    source_code=self.settings.shipment_source_code,
                )
            except OutcomeUnknownError as exc:
                raise TransientError(
                    f"Magento did not confirm the shipment of TikTok package {key}; checked again before retrying"
                ) from exc
            except InvalidInputError as exc:
                raise OrderParked(
                    f"Magento refused the shipment of TikTok package {key} (tracking {number}) of order "
                    f"{self.order_id}: {exc.message}",
                    hint=retry_hint(self.order_id, "Fix the cause in Magento (the source's stock, for example)"),
                    details={"order_id": self.order_id, "reason": "shipment"},
                ) from exc
            self._stale, self._shipments = True, None
            record.platform_shipments[key] = shipment_id
            record.record(
                record.state, f"shipment {shipment_id}: TikTok package {key}, {provider} {number}", self.now()
            )
            self.save()

    # ---------- seller shipping back to TikTok ----------
    def push_seller_shipments(self) -> None:
        record = self.record
        if record.tiktok_status in UNPAID or record.magento_order_id is None:
            return
        if self.placed_now:
            return  # placed in this very run: the merchant cannot have shipped it yet
        pushed = {push.magento_shipment_id for push in record.pushed_shipments}
        for shipment in self.shipments():
            if int(shipment["entity_id"]) not in pushed:
                self.push_shipment(shipment)

    def push_shipment(self, shipment: dict[str, Any]) -> None:
        record, order = self.record, self.order
        shipment_id = int(shipment["entity_id"])
        label = f"Magento shipment #{shipment.get('increment_id') or shipment_id}"
        tracks = shipment.get("tracks") or []
        if not tracks:
            self.notes.append(f"{label} has no tracking number yet")
            return
        track = tracks[0]
        number, title = str(track["track_number"]), str(track.get("title") or "")
        code = str(track.get("carrier_code") or "custom")
        tiktok_lines = {line.id: line for line in order.line_items}
        taken = record.pushed_line_item_ids()
        already: list[str] = []
        chosen: list[str] = []
        for item in shipment.get("items") or []:
            qty = int(float(item.get("qty") or 0))
            candidates = [
                link.tiktok_line_item_id
                for link in record.lines
                if link.magento_order_item_id == int(item["order_item_id"]) and link.tiktok_line_item_id not in taken
            ]
            same = [c for c in candidates if tiktok_lines.get(c) and tiktok_lines[c].tracking_number == number]
            already += same[:qty]
            open_lines = [c for c in candidates if c not in same and _open(tiktok_lines.get(c))]
            chosen += open_lines[: max(0, qty - len(same))]
        providers = self.services.tiktok.logistics.shipping_providers(self.shop, order.delivery_option_id or "")
        carriers = self.services.shop_settings.get(record.shop_id, CARRIERS_SECTION, CarrierMap)
        provider, how = resolve_provider(carriers, code, title, providers)
        if provider is None:
            names = ", ".join(f"{p.name} ({p.id})" for p in providers) or "none"
            raise OrderParked(
                f"{label} of TikTok order {self.order_id} uses carrier {title or code!r} (Magento code {code}), "
                f"which is {how} to a TikTok shipping provider",
                hint=retry_hint(
                    self.order_id,
                    f"Map it with `ttsc carriers map --shop {record.shop_id} {carrier_key(code, title)!r} "
                    f"PROVIDER_ID` (providers of this order's delivery option: {names})",
                ),
                details={"order_id": self.order_id, "reason": "carrier_unmapped", "carrier": carrier_key(code, title)},
            )
        package_id = next((tiktok_lines[c].package_id for c in already if tiktok_lines[c].package_id), None)
        if chosen and record.tiktok_status in SHIPPABLE:
            try:
                result = self.services.tiktok.fulfillment.mark_package_shipped(
                    self.shop,
                    self.order_id,
                    order_line_item_ids=chosen,
                    tracking_number=number,
                    shipping_provider_id=provider.id,
                )
            except TikTokApiError as exc:
                raise OrderParked(
                    f"TikTok refused the tracking of {label} (order {self.order_id}): {exc.tiktok_message or exc}",
                    hint=retry_hint(self.order_id, "Check the shipment's lines and tracking number"),
                    details={"order_id": self.order_id, "reason": "tracking_refused"},
                ) from exc
            package_id = result.package_id
        elif chosen:
            self.notes.append(f"{label}: TikTok shows {record.tiktok_status}, nothing to mark shipped")
        lines = already + (chosen if package_id else [])
        record.pushed_shipments.append(
            ShipmentPush(
                magento_shipment_id=shipment_id,
                tracking_number=number,
                magento_carrier=carrier_key(code, title),
                shipping_provider_id=provider.id,
                tiktok_package_id=package_id,
                tiktok_line_item_ids=lines,
                at=self.now(),
            )
        )
        record.record(
            record.state,
            f"{label} pushed to TikTok: {len(lines)} unit(s), {provider.name} ({how}) {number}",
            self.now(),
        )
        self.save()


def _open(line: LineItem | None) -> bool:
    return line is not None and (line.display_status or "").upper() in SHIPPABLE and not line.tracking_number


def _track_numbers(shipment: dict[str, Any]) -> set[str]:
    return {str(t.get("track_number")) for t in shipment.get("tracks") or []}


def _shipping_address(order: dict[str, Any]) -> dict[str, Any] | None:
    for assignment in (order.get("extension_attributes") or {}).get("shipping_assignments") or []:
        address = (assignment.get("shipping") or {}).get("address")
        if address:
            return dict(address)
    return None


# ---------- event handlers ----------
def notification_hint(data: dict[str, Any]) -> Hint:
    raw = str(data.get("update_time") or "")
    status = data.get("order_status")
    return Hint(update_time=int(raw) if raw.isdigit() else None, status=str(status) if status else None)
