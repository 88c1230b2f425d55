"""One TikTok return or cancellation converged into Magento: a comment for a status that moves no money, one
credit memo (exactly once, to the cent) when the refund is done.

Exactly once: the credit memo's comment carries a marker (`credit_memos.marker`) written in the same Magento call
that creates it. Before creating, the order's credit memos are searched for the marker, so a duplicate webhook,
a retry after a lost answer or a crash between Magento's commit and the connector's record adopts the credit
memo that exists. The record notes when a credit memo was asked for (`crediting_since`): a run that finds that
note and no credit memo waits `settle_seconds` before asking again, since a proxy's error may come back while
Magento still commits. Every trigger of one order runs in the order's FIFO group, one at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from tts_connector.alerts import AlertPublisher
from tts_connector.errors import ConnectorError, InvalidInputError, NotFoundError, TransientError
from tts_connector.events.models import EventOutcome, EventStatus
from tts_connector.magento.client import MagentoClient
from tts_connector.magento.errors import OutcomeUnknownError
from tts_connector.magento.models import ItemQty, Refund
from tts_connector.observability import logger, metrics
from tts_connector.order_import.records import OrderRecord, OrderState
from tts_connector.order_import.store import OrderRecords
from tts_connector.refunds.amounts import ZERO, CreditMemoPlan, RefundLine, money, plan_credit_memo
from tts_connector.refunds.credit_memos import find_credit_memo, marker
from tts_connector.refunds.options import REFUNDS_SECTION, RefundSettings, ReturnToStock
from tts_connector.refunds.records import CreditMemoLink, RefundKind, RefundRecord, RefundState
from tts_connector.refunds.store import RefundStore
from tts_connector.refunds.tiktok_view import STATUS_TEXT, Ticket, read_ticket
from tts_connector.shop_settings import ShopSettingsStore
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef


class OrderNotInMagento(TransientError):
    """The refund's order is not in Magento (or not invoiced) yet: retried, then parked in the DLQ (replayable)."""

    code = "refund_order_missing"


@dataclass
class RefundServices:
    store: RefundStore
    orders: OrderRecords
    tiktok: TikTokShopApi
    magento: MagentoClient
    shop_settings: ShopSettingsStore
    shop: Callable[[str], ShopRef | str]
    alerts: AlertPublisher
    clock: Callable[[], float] = time.time
    settle_seconds: int = 120


def settle_refund(
    services: RefundServices,
    shop_id: str,
    kind: RefundKind,
    refund_id: str,
    *,
    update_time: int | None = None,
) -> EventOutcome:
    """Bring Magento and the record in line with the return/cancellation as TikTok has it now.

    `update_time`: what a reconciliation saw; nothing to do if the record is already at it.
    """
    record = services.store.get(shop_id, kind, refund_id) or RefundRecord(
        shop_id=shop_id, kind=kind, refund_id=refund_id
    )
    if record.state is RefundState.CREDITED:
        return _outcome(EventStatus.IGNORED, record, f"already credited as credit memo {_memo_id(record)}")
    if update_time is not None and record.version and update_time <= record.tiktok_update_time:
        return _outcome(EventStatus.IGNORED, record, f"already handled at TikTok's update {record.tiktok_update_time}")
    shop = services.shop(shop_id)
    if isinstance(shop, str):
        return EventOutcome(status=EventStatus.IGNORED, detail=shop)
    ticket = read_ticket(services.tiktok, shop, kind, refund_id)
    if ticket is None:
        return EventOutcome(status=EventStatus.IGNORED, detail=f"TikTok Shop has no {kind.value} {refund_id}")
    run = _Run(services, record, ticket)
    return run.converge()


def _memo_id(record: RefundRecord) -> int | None:
    return record.credit_memo.credit_memo_id if record.credit_memo else None


def _outcome(status: EventStatus, record: RefundRecord, note: str) -> EventOutcome:
    return EventOutcome(
        status=status,
        detail=f"TikTok {record.kind.value} {record.refund_id}: {note}",
        result={"state": record.state.value, "credit_memo_id": _memo_id(record)},
    )


class _Run:
    def __init__(self, services: RefundServices, record: RefundRecord, ticket: Ticket) -> None:
        self.services = services
        self.record = record
        self.ticket = ticket
        self.magento = services.magento
        record.tiktok_order_id = ticket.order_id
        record.tiktok_status = ticket.status
        record.tiktok_type = ticket.request_type
        record.tiktok_update_time = max(record.tiktok_update_time, ticket.update_time)
        record.currency = ticket.currency
        record.refund_total = str(ticket.refund_total)

    def now(self) -> int:
        return int(self.services.clock())

    def save(self, state: RefundState, note: str) -> RefundRecord:
        self.record.record(state, note, self.now())
        self.record = self.services.store.save(self.record)
        return self.record

    def done(self, state: RefundState, note: str, status: EventStatus = EventStatus.PROCESSED) -> EventOutcome:
        return _outcome(status, self.save(state, note), note)

    # ---------------------------------------------------------------------------------------------------
    def converge(self) -> EventOutcome:
        order = self.services.orders.get(self.record.shop_id, self.ticket.order_id)
        if not self.ticket.refunded:
            return self._no_money(order)
        try:
            return self._credit(order)
        except OrderNotInMagento as waiting:
            # Recorded before the event fails: `ttsc refunds list` shows what it waits for.
            self.record.failure, self.record.failure_hint = waiting.message, waiting.hint
            self.save(RefundState.WAITING_FOR_ORDER, waiting.message)
            raise

    def _no_money(self, order: OrderRecord | None) -> EventOutcome:
        state = RefundState.CLOSED if self.ticket.closed else RefundState.OPEN
        text = STATUS_TEXT.get(self.ticket.status) or (
            "the request was closed; no refund" if self.ticket.closed else f"status {self.ticket.status}"
        )
        if order is not None and order.magento_order_id is not None:
            self._comment_once(order.magento_order_id, f"status:{self.ticket.status}", f"{self.ticket.label}: {text}")
        return self.done(state, f"{self.ticket.status}: {text}")

    def _comment_once(self, magento_order_id: int, key: str, text: str) -> None:
        if key in self.record.comments:
            return
        status = str(self.magento.sales.get_order(magento_order_id)["status"])
        # The order's current status: a comment's status becomes the order's in Magento (reference §3).
        self.magento.sales.add_comment(magento_order_id, text, status=status)
        self.record.comments.append(key)

    # ---------------------------------------------------------------------------------------------------
    def _credit(self, order: OrderRecord | None) -> EventOutcome:
        ticket, record = self.ticket, self.record
        if order is None or order.magento_order_id is None:
            if ticket.kind is RefundKind.CANCELLATION and (order is None or order.state is OrderState.CANCELLED):
                return self.done(RefundState.NOT_CREDITED, "cancelled before it reached Magento: nothing to credit")
            raise OrderNotInMagento(
                f"{ticket.label} refunds TikTok order {ticket.order_id}, which is not in Magento yet",
                hint=f"It is retried until order import has it (`ttsc orders show {ticket.order_id}`); once parked, "
                "`ttsc events replay` or `ttsc refunds retry` runs it again",
                details={"order_id": ticket.order_id},
            )
        record.magento_order_id = order.magento_order_id
        existing = find_credit_memo(self.magento, order.magento_order_id, ticket.kind, ticket.refund_id)
        if existing is not None:
            return self._recorded(existing, adopted=True, uncredited=money(record.uncredited))
        magento_order = self.magento.sales.get_order(order.magento_order_id)
        if money(magento_order.get("total_paid")) <= ZERO:
            if ticket.kind is RefundKind.CANCELLATION:
                return self.done(
                    RefundState.NOT_CREDITED, "nothing is invoiced in Magento: order import cancels the Magento order"
                )
            raise OrderNotInMagento(
                f"{ticket.label}: Magento order {order.magento_increment_id} is not invoiced yet",
                hint=f"Order import invoices it (`ttsc orders show {ticket.order_id}`)",
            )
        since = record.crediting_since if record.state is RefundState.CREDITING else None
        if since is not None and self.now() - since < self.services.settle_seconds:
            raise TransientError(
                f"{ticket.label}: a credit memo was asked for at {record.crediting_since} and is not in Magento "
                "yet; looking again shortly"
            )
        settings = self.services.shop_settings.get(record.shop_id, REFUNDS_SECTION, RefundSettings)
        plan = plan_credit_memo(
            magento_order,
            [
                RefundLine(line.tiktok_line_item_id, _order_item(order, line.tiktok_line_item_id))
                for line in ticket.lines
            ],
            refund_total=ticket.refund_total,
            refund_shipping=ticket.refund_shipping,
            return_to_stock=_returns_stock(settings.return_to_stock, ticket),
        )
        if not plan.worth_crediting:
            record.uncredited = str(plan.uncredited)
            self._comment_once(
                order.magento_order_id,
                "uncredited",
                f"{ticket.label} refunded {ticket.refund_total} {ticket.currency}; Magento has nothing left to "
                "refund on this order, so no credit memo was created",
            )
            return self.done(
                RefundState.NOT_CREDITED, f"Magento has nothing left to refund ({plan.uncredited} not credited)"
            )
        record.crediting_since = self.now()
        self.save(RefundState.CREDITING, f"credit memo of {plan.credited} {ticket.currency} asked for")
        try:
            memo_id = self.magento.sales.refund(order.magento_order_id, _refund(plan, ticket, settings))
        except OutcomeUnknownError:
            found = find_credit_memo(self.magento, order.magento_order_id, ticket.kind, ticket.refund_id)
            if found is None:
                raise
            return self._recorded(found, adopted=True, uncredited=plan.uncredited, stocked=plan.return_to_stock)
        except (InvalidInputError, NotFoundError) as refused:
            return self._park(refused)
        memo = self.magento.sales.get_credit_memo(memo_id)
        return self._recorded(memo, adopted=False, uncredited=plan.uncredited, stocked=plan.return_to_stock)

    def _recorded(
        self, memo: dict[str, Any], *, adopted: bool, uncredited: Decimal, stocked: tuple[int, ...] = ()
    ) -> EventOutcome:
        ticket, record = self.ticket, self.record
        grand_total = money(memo.get("grand_total"))
        record.credit_memo = CreditMemoLink(
            credit_memo_id=int(memo["entity_id"]),
            increment_id=str(memo.get("increment_id") or "") or None,
            grand_total=str(grand_total),
            subtotal=str(money(memo.get("subtotal"))),
            shipping_amount=str(money(memo.get("shipping_amount"))),
            adjustment_positive=str(money(memo.get("adjustment_positive"))),
            adjustment_negative=str(money(memo.get("adjustment_negative"))),
            returned_to_stock=list(stocked),
            adopted=adopted,
        )
        record.crediting_since = None
        record.failure = record.failure_hint = None
        expected = ticket.refund_total - uncredited
        order_id = record.magento_order_id or 0
        if uncredited > ZERO:
            record.uncredited = str(uncredited)
            self._comment_once(
                order_id,
                "uncredited",
                f"{ticket.label} refunded {ticket.refund_total} {ticket.currency}; Magento allowed {grand_total} "
                f"(credit memo {record.credit_memo.increment_id}), so {uncredited} was not credited in Magento",
            )
        if grand_total != expected:
            record.mismatch = (
                f"credit memo total {grand_total}, TikTok refund {ticket.refund_total} (expected {expected})"
            )
            metrics.add_metric(name="RefundAmountMismatch", unit=MetricUnit.Count, value=1)
            self._comment_once(order_id, "mismatch", f"{ticket.label}: {record.mismatch}")
        metrics.add_metric(
            name="CreditMemoCreated" if not adopted else "CreditMemoAdopted", unit=MetricUnit.Count, value=1
        )
        how = "found in Magento" if adopted else "created"
        return self.done(RefundState.CREDITED, f"credit memo {record.credit_memo.increment_id} of {grand_total} {how}")

    def _park(self, refused: ConnectorError) -> EventOutcome:
        text = str(refused.details.get("magento_message") or refused.message)
        record = self.record
        new_failure = record.state is not RefundState.FAILED or record.failure != text
        record.failure = f"Magento refused the credit memo for {self.ticket.label}: {text}"
        record.failure_hint = f"Fix the cause in Magento, then run `ttsc refunds retry {record.refund_id}`"
        record.crediting_since = None
        if new_failure:
            metrics.add_metric(name="RefundFailed", unit=MetricUnit.Count, value=1)
            self.services.alerts.publish(
                f"TikTok {record.kind.value} {record.refund_id} needs attention",
                f"{record.failure}\n\n{record.failure_hint}\n\nShop {record.shop_id}, TikTok order "
                f"{record.tiktok_order_id}.",
            )
        logger.warning("Refund parked as failed", extra={"refund_id": record.refund_id, "reason": text})
        return self.done(RefundState.FAILED, record.failure)


def _order_item(order: OrderRecord, line_item_id: str) -> int | None:
    return order.magento_order_item_id(line_item_id)


def _returns_stock(policy: ReturnToStock, ticket: Ticket) -> bool:
    if policy is ReturnToStock.ALWAYS:
        return True
    return policy is ReturnToStock.ITEM_RETURNED and ticket.item_comes_back


def _refund(plan: CreditMemoPlan, ticket: Ticket, settings: RefundSettings) -> Refund:
    return Refund(
        items=tuple(ItemQty(order_item_id=i, qty=q) for i, q in plan.items.items()),
        shipping_amount=float(plan.shipping_amount),
        adjustment_positive=float(plan.adjustment_positive),
        adjustment_negative=float(plan.adjustment_negative),
        return_to_stock_items=plan.return_to_stock,
        comment=f"{ticket.label} of TikTok order {ticket.order_id}: {ticket.refund_total} {ticket.currency} "
        f"{marker(ticket.kind, ticket.refund_id)}",
        notify=settings.notify_customer,
    )
