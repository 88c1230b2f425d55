"""Returns & refunds: each TikTok return or cancellation, its credit memo beside TikTok's refund, buyer requests.

Rows are the refund records `GET /admin/refunds` lists; *Retry* is `POST /admin/refunds/{id}/retry`
(`refunds.admin.queue_retry`). Pending buyer requests are `GET /admin/requests`
(`buyer_requests.list_pending`, read from TikTok per served shop); *Approve* and *Reject* are
`POST /admin/requests/{id}/approve|reject` (`buyer_requests.approve|reject`), which send TikTok an
idempotency key derived from the request and the decision, so a second click is one decision at TikTok.
"""

# No `from __future__ import annotations`: Powertools reads route annotations at runtime.
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from tts_connector import wiring
from tts_connector.console.auth import ConsoleUser, require_operator
from tts_connector.console.badges import Badge, refund_badge
from tts_connector.console.lists import known_shop_ids
from tts_connector.console.responses import current_user, form, fragment, parsed, query
from tts_connector.errors import ConflictError, ConnectorError
from tts_connector.refunds import admin, buyer_requests
from tts_connector.refunds.records import RefundRecord, RefundState
from tts_connector.refunds.store import RefundStore
from tts_connector.tiktok.client import ShopRef

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

PAGE_LIMIT = 100
REQUEST_ID = r"^[0-9]{1,64}$"
SHOP_ID = r"^[A-Za-z0-9_-]{1,64}$"


class RefundFilters(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    state: RefundState | None = None


class DecisionForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shop_id: str = Field(pattern=SHOP_ID)
    request_id: str = Field(pattern=REQUEST_ID)


class RejectForm(DecisionForm):
    reason: str = Field(min_length=1, max_length=200)
    comment: str | None = Field(default=None, max_length=1000)


@dataclass(frozen=True)
class RefundRow:
    record: RefundRecord
    badge: Badge
    credit_memo_total: str | None
    # None: nothing to compare yet (no credit memo, or no TikTok total).
    amounts_equal: bool | None
    fix: str
    can_retry: bool


@dataclass(frozen=True)
class RequestsOfShop:
    shop_id: str
    requests: list[buyer_requests.PendingRequest]
    error: str = ""


def _cents(value: str | None) -> Decimal | None:
    try:
        return Decimal(value).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        return None


def row_of(record: RefundRecord, user: ConsoleUser) -> RefundRow:
    memo = record.credit_memo
    tiktok, magento = _cents(record.refund_total), _cents(memo.grand_total if memo else None)
    failed = record.state is RefundState.FAILED
    badge = refund_badge(record.state)
    return RefundRow(
        record=record,
        badge=badge,
        credit_memo_total=memo.grand_total if memo else None,
        amounts_equal=(tiktok == magento) if tiktok is not None and magento is not None else None,
        fix=(record.failure_hint or "") if failed else badge.fix,
        can_retry=user.can_write and failed,
    )


def list_refunds(user: ConsoleUser, store: RefundStore, filters: RefundFilters) -> list[RefundRow]:
    return [row_of(r, user) for r in store.list(filters.state, limit=PAGE_LIMIT)]


def pending_requests(
    shops: Sequence[ShopRef], list_pending: Callable[[ShopRef], list[buyer_requests.PendingRequest]]
) -> list[RequestsOfShop]:
    """Each served shop's requests waiting for the seller; a shop TikTok cannot answer for is said, not fatal."""
    found = []
    for shop in shops:
        try:
            found.append(RequestsOfShop(shop.shop_id, list_pending(shop)))
        except ConnectorError as exc:
            found.append(RequestsOfShop(shop.shop_id, [], exc.message))
    return found


def _served() -> list[ShopRef]:
    return [ShopRef(s.shop_id, s.cipher) for s in wiring.connect_store().list_shops() if s.selected]


def _refunds_fragment(user: ConsoleUser, filters: RefundFilters, notice: str = "") -> Response[str]:
    tiktok, orders = wiring.tiktok_api(), wiring.order_store()
    return fragment(
        "refunds.html",
        user=user,
        rows=list_refunds(user, wiring.refund_store(), filters),
        pending=pending_requests(_served(), lambda shop: buyer_requests.list_pending(tiktok, shop, orders)),
        filters=filters,
        states=list(RefundState),
        limit=PAGE_LIMIT,
        notice=notice,
    )


_parse = parsed


@router.get("/console/ui/refunds")
def refunds() -> Response[str]:
    event = router.current_event
    return _refunds_fragment(current_user(event), _parse(RefundFilters, query(event)))


@router.post("/console/ui/refunds/retry")
def retry() -> Response[str]:
    """What `ttsc refunds retry` does: settle the return or cancellation again (idempotent on its id)."""
    event = router.current_event
    user = current_user(event)
    require_operator(user)
    refund_id = form(event).get("refund_id", "")
    record = admin.find_record(wiring.refund_store(), known_shop_ids(), refund_id)
    if record.state is not RefundState.FAILED:
        notice = f"{record.kind.value.capitalize()} {refund_id} is {record.state.value}: nothing to retry."
    else:
        admin.queue_retry(record, wiring.event_intake().accept)
        notice = f"{record.kind.value.capitalize()} {refund_id} is queued again: refresh to see the credit memo."
    return _refunds_fragment(user, _parse(RefundFilters, query(event)), notice)


def decide(decision: Callable[[], buyer_requests.DecisionResult], request_id: str) -> str:
    """One decision at TikTok; a request already answered (a second click) is said, not an error."""
    try:
        result = decision()
    except ConflictError as exc:
        return f"Request {request_id} was not changed: {exc.message}."
    return f"Request {request_id}: {result.decision.replace('_', ' ').lower()} sent to TikTok."


@router.post("/console/ui/refunds/requests/approve")
def approve() -> Response[str]:
    event = router.current_event
    user = current_user(event)
    require_operator(user)
    body = _parse(DecisionForm, form(event))
    shop = admin.pick_shop(_served(), body.shop_id)
    notice = decide(
        lambda: buyer_requests.approve(
            wiring.tiktok_api(), shop, body.request_id, buyer_requests.ApproveRequest(shop_id=body.shop_id)
        ),
        body.request_id,
    )
    return _refunds_fragment(user, RefundFilters(), notice)


@router.get("/console/ui/refunds/requests/<request_id>/reject")
def reject_form(request_id: str) -> Response[str]:
    """The reasons TikTok accepts for this request (Get Reject Reasons), as a form."""
    event = router.current_event
    user = current_user(event)
    require_operator(user)
    body = _parse(DecisionForm, {"request_id": request_id, "shop_id": query(event).get("shop", "")})
    shop = admin.pick_shop(_served(), body.shop_id)
    reasons = wiring.tiktok_api().returns.reject_reasons(shop, body.request_id).reasons
    return fragment("refund_reject_form.html", shop_id=body.shop_id, request_id=body.request_id, reasons=reasons)


@router.post("/console/ui/refunds/requests/reject")
def reject() -> Response[str]:
    event = router.current_event
    user = current_user(event)
    require_operator(user)
    body = _parse(RejectForm, form(event))
    shop = admin.pick_shop(_served(), body.shop_id)
    request = buyer_requests.RejectRequest(shop_id=body.shop_id, reason=body.reason, comment=body.comment)
    notice = decide(lambda: buyer_requests.reject(wiring.tiktok_api(), shop, body.request_id, request), body.request_id)
    return _refunds_fragment(user, RefundFilters(), notice)
