"""Orders: each TikTok order beside the Magento order it became, both statuses, totals to the cent, failures.

The rows come from the order records `GET /admin/orders` lists (`OrderStore.list`); *Retry* is what
`POST /admin/orders/{id}/retry` does (`order_import.admin.queue_retry`: an `orders:converge` event in the
order's FIFO group, so a second click runs the same convergence again and changes nothing once imported).
Open buyer cancellations come from the refund records (`RefundStore.list(OPEN)`), as `ttsc refunds list`.
"""

# No `from __future__ import annotations`: Powertools reads route annotations at runtime.
from collections.abc import Sequence
from dataclasses import dataclass

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from tts_connector import wiring
from tts_connector.console.auth import ConsoleUser, require_operator
from tts_connector.console.badges import Badge, order_badge
from tts_connector.console.lists import known_shop_ids, list_fragment
from tts_connector.console.responses import current_user, form, parsed, query
from tts_connector.console.slots import SlotValue
from tts_connector.errors import InvalidInputError
from tts_connector.order_import import admin
from tts_connector.order_import.records import OrderRecord, OrderState
from tts_connector.order_import.store import OrderStore
from tts_connector.refunds.records import RefundKind, RefundRecord, RefundState

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

PAGE_LIMIT = 100
DAY = 86400
# Every failure a retry can clear ends with `failures.retry_hint`'s instruction; the one that cannot (the
# Magento order was deleted: the connector never places an order twice by itself) does not.
RETRY_INSTRUCTION = ", then run `ttsc orders retry"


class OrderFilters(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    state: OrderState | None = None
    shop: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class TotalLine:
    name: str
    tiktok: str
    magento: str
    differs: bool


@dataclass(frozen=True)
class OrderRow:
    record: OrderRecord
    badge: Badge
    stage: str
    fix: str
    can_retry: bool
    totals: list[TotalLine]
    currency: str
    totals_differ: bool
    cancellation_requested: bool


def failure_stage(record: OrderRecord) -> str:
    """Where the order stopped, from what the record already holds in Magento."""
    if record.magento_order_id is None:
        return "Creating the Magento order"
    if record.invoice_id is None:
        return "Invoicing the Magento order"
    return "Fulfilment (shipments and tracking)"


def retryable(record: OrderRecord) -> bool:
    return record.state is OrderState.FAILED and RETRY_INSTRUCTION in (record.failure_hint or "")


def console_fix(record: OrderRecord) -> str:
    """The record's fix in the console's words: *Retry* instead of the command."""
    hint = record.failure_hint or ""
    if RETRY_INSTRUCTION in hint:
        return hint.split(RETRY_INSTRUCTION, 1)[0] + ", then press Retry."
    return hint


def totals_of(record: OrderRecord) -> list[TotalLine]:
    if record.totals is None:
        return []
    names = list(dict.fromkeys([*record.totals.tiktok, *record.totals.magento]))
    return [
        TotalLine(
            name=name,
            tiktok=record.totals.tiktok.get(name, "—"),
            magento=record.totals.magento.get(name, "—"),
            differs=record.totals.tiktok.get(name) != record.totals.magento.get(name),
        )
        for name in names
    ]


def row_of(record: OrderRecord, user: ConsoleUser, cancellations: set[tuple[str, str]]) -> OrderRow:
    failed = record.state is OrderState.FAILED
    totals = record.totals
    return OrderRow(
        record=record,
        badge=order_badge(record.state),
        stage=failure_stage(record) if failed else "",
        fix=console_fix(record) if failed else "",
        can_retry=user.can_write and retryable(record),
        totals=totals_of(record),
        currency=totals.tiktok_currency if totals else "",
        totals_differ=bool(totals and not totals.matches),
        cancellation_requested=(record.shop_id, record.tiktok_order_id) in cancellations,
    )


def open_cancellations(refunds: Sequence[RefundRecord]) -> set[tuple[str, str]]:
    return {
        (r.shop_id, r.tiktok_order_id)
        for r in refunds
        if r.kind is RefundKind.CANCELLATION and r.state is RefundState.OPEN
    }


def list_orders(
    user: ConsoleUser, store: OrderStore, filters: OrderFilters, refunds: Sequence[RefundRecord]
) -> list[OrderRow]:
    cancellations = open_cancellations(refunds)
    records = store.list(filters.state, limit=PAGE_LIMIT)
    return [row_of(r, user, cancellations) for r in records if filters.shop is None or r.shop_id == filters.shop]


def failed_orders_slot(store: OrderStore, shop_id: str, now: int) -> SlotValue:
    """Overview: the shop's orders parked as failed that changed in the last 24 hours."""
    count = sum(
        1 for r in store.list(OrderState.FAILED, limit=500) if r.shop_id == shop_id and r.updated_at >= now - DAY
    )
    return SlotValue(str(count), link=f"#/orders?state=failed&shop={shop_id}")


def parse_filters(params: dict[str, str]) -> OrderFilters:
    return parsed(OrderFilters, params, "Filter ")


def _orders_fragment(user: ConsoleUser, filters: OrderFilters, notice: str = "") -> Response[str]:
    rows = list_orders(
        user, wiring.order_store(), filters, wiring.refund_store().list(RefundState.OPEN, limit=PAGE_LIMIT)
    )
    return list_fragment("orders.html", user, rows, filters, limit=PAGE_LIMIT, notice=notice, states=list(OrderState))


@router.get("/console/ui/orders")
def orders() -> Response[str]:
    event = router.current_event
    return _orders_fragment(current_user(event), parse_filters(query(event)))


def retry_order(store: OrderStore, shop_ids: Sequence[str], order_id: str) -> str:
    """What `ttsc orders retry` does, for an order a retry can help; anything else is said, not queued."""
    if not order_id.isdigit() or len(order_id) > 64:
        raise InvalidInputError(f"{order_id!r} is not a TikTok order id (digits)")
    record = admin.find_record(store, shop_ids, order_id)
    if record.state is not OrderState.FAILED:
        return f"Order {order_id} is {record.state.value}: nothing to retry."
    if not retryable(record):
        return f"Order {order_id} cannot be fixed by a retry: {record.failure_hint or record.failure}"
    admin.queue_retry(record, wiring.event_intake().accept)
    return f"Order {order_id} is queued again: it runs once more; refresh to see the result."


@router.post("/console/ui/orders/retry")
def retry() -> Response[str]:
    event = router.current_event
    user = current_user(event)
    require_operator(user)
    notice = retry_order(wiring.order_store(), known_shop_ids(), form(event).get("order_id", ""))
    return _orders_fragment(user, parse_filters(query(event)), notice)
