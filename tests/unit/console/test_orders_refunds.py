"""Orders and Returns & refunds: escaping, badges and fixes, retry only where it can help, viewers read only."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest

from tests.unit.console.test_fragments import OPERATOR, VIEWER, WRITE_CONTROL, _Context, claims, ui_event
from tests.unit.order_import.fakes import InMemoryOrderStore
from tts_connector.console import orders, refunds
from tts_connector.console.app import build_console_app
from tts_connector.console.auth import ConsoleUser
from tts_connector.console.rendering import render
from tts_connector.errors import ConflictError, InvalidInputError, TransientError
from tts_connector.order_import.failures import retry_hint
from tts_connector.order_import.records import OrderRecord, OrderState, TotalsComparison
from tts_connector.refunds.buyer_requests import DecisionResult, PendingRequest
from tts_connector.refunds.records import CreditMemoLink, RefundKind, RefundRecord, RefundState
from tts_connector.tiktok.client import ShopRef

NOW = int(time.time())


def order(order_id: str, state: OrderState, **fields: Any) -> OrderRecord:
    return OrderRecord(shop_id="1001", tiktok_order_id=order_id, state=state, updated_at=NOW - 60, **fields)


def order_store() -> InMemoryOrderStore:
    store = InMemoryOrderStore()
    store.save(
        order(
            "5001",
            OrderState.FAILED,
            tiktok_status="AWAITING_SHIPMENT",
            failure="TikTok order 5001 has lines without a Magento product: <b>TikTok SKU 77</b>",
            failure_hint=retry_hint("5001", "Push the product from Magento"),
        )
    )
    store.save(
        order(
            "5002",
            OrderState.FAILED,
            magento_order_id=12,
            magento_increment_id="000000012",
            invoice_id=4,
            failure="Magento order #000000012 (id 12) of TikTok order 5002 no longer exists in Magento",
            failure_hint="It was deleted in Magento; the connector will not place the order again by itself.",
        )
    )
    store.save(
        order(
            "5003",
            OrderState.IMPORTED,
            tiktok_status="AWAITING_SHIPMENT",
            magento_order_id=13,
            magento_increment_id="000000013",
            invoice_id=5,
            totals=TotalsComparison(
                tiktok_currency="USD",
                magento_currency="USD",
                tiktok={"products": "50.00", "total": "57.00"},
                magento={"products": "50.00", "total": "57.01"},
                differences=["total: TikTok 57.00, Magento 57.01 (Magento +0.01)"],
            ),
        )
    )
    return store


def orders_html(user: ConsoleUser, refund_records: list[RefundRecord] | None = None) -> str:
    filters = orders.OrderFilters()
    rows = orders.list_orders(user, order_store(), filters, refund_records or [])
    return render(
        "orders.html",
        user=user,
        rows=rows,
        filters=filters,
        shops=["1001"],
        states=list(OrderState),
        limit=100,
        notice="",
    )


def row(html: str, row_id: str) -> str:
    return html.split(f'id="{row_id}"')[1].split("</tr>\n")[0]


def test_orders_show_both_sides_totals_to_the_cent_and_escape_failures() -> None:
    html = orders_html(VIEWER)
    imported = row(html, "order-5003")

    assert "#000000013" in imported and "id 13" in imported and "Imported" in imported
    assert "57.00" in imported and "57.01" in imported and "Totals differ" in imported
    assert "AWAITING_SHIPMENT" in imported
    assert "<b>TikTok SKU 77</b>" not in html and "&lt;b&gt;TikTok SKU 77&lt;/b&gt;" in html


def test_a_failed_order_names_its_stage_and_the_fix_in_the_consoles_words() -> None:
    failed = row(orders_html(OPERATOR), "order-5001")

    assert "badge-error" in failed and "Creating the Magento order" in failed
    assert "Push the product from Magento, then press Retry." in failed and "ttsc" not in failed
    deleted = row(orders_html(OPERATOR), "order-5002")
    assert "Fulfilment" in deleted and "will not place the order again" in deleted


def test_retry_is_offered_only_where_a_retry_can_succeed_and_only_to_operators() -> None:
    operator = orders_html(OPERATOR)

    assert 'aria-label="Retry order 5001"' in row(operator, "order-5001")
    assert "Retry order" not in row(operator, "order-5002")  # the Magento order was deleted: a retry cannot help
    assert "Retry order" not in row(operator, "order-5003")
    assert not WRITE_CONTROL.search(orders_html(VIEWER).split("</form>", 1)[1])  # past the filter form


def test_an_open_buyer_cancellation_flags_its_order() -> None:
    cancellation = RefundRecord(
        shop_id="1001", kind=RefundKind.CANCELLATION, refund_id="9001", tiktok_order_id="5003", state=RefundState.OPEN
    )
    html = orders_html(VIEWER, [cancellation])

    assert "Buyer asked to cancel" in row(html, "order-5003")
    assert "Buyer asked to cancel" not in row(html, "order-5001")


def test_retry_queues_only_a_retryable_failed_order(monkeypatch: pytest.MonkeyPatch) -> None:
    queued: list[Any] = []

    class Intake:
        accept = queued.append

    monkeypatch.setattr(orders.wiring, "event_intake", Intake)
    store = order_store()

    assert "queued again" in orders.retry_order(store, ["1001"], "5001")
    assert "nothing to retry" in orders.retry_order(store, ["1001"], "5003")
    assert "cannot be fixed by a retry" in orders.retry_order(store, ["1001"], "5002")
    assert [e.event_key.split(":")[0] for e in queued] == ["orders"]
    with pytest.raises(InvalidInputError):
        orders.retry_order(store, ["1001"], "5001' OR 1")


def test_failed_orders_slot_counts_the_last_24_hours_of_one_shop() -> None:
    store = order_store()
    store.save(order("5004", OrderState.FAILED, failure="old"))
    old = store.get("1001", "5004")
    assert old is not None
    store.records[("1001", "5004")] = old.model_copy(update={"updated_at": NOW - 2 * 86400})

    slot = orders.failed_orders_slot(store, "1001", NOW)
    assert slot.value == "2" and slot.link == "#/orders?state=failed&shop=1001"
    assert orders.failed_orders_slot(store, "other", NOW).value == "0"


# ---------- Returns & refunds ----------
def refund(refund_id: str, state: RefundState, **fields: Any) -> RefundRecord:
    return RefundRecord(
        shop_id="1001",
        kind=RefundKind.RETURN,
        refund_id=refund_id,
        tiktok_order_id="5003",
        state=state,
        currency="USD",
        updated_at=NOW - 60,
        **fields,
    )


class FakeRefundStore:
    def __init__(self, records: list[RefundRecord]) -> None:
        self.records = records

    def list(self, state: RefundState | None = None, *, limit: int = 100) -> list[RefundRecord]:
        return [r for r in self.records if state is None or r.state is state][:limit]


def pending(request_id: str) -> PendingRequest:
    return PendingRequest(
        kind=RefundKind.RETURN,
        request_id=request_id,
        shop_id="1001",
        tiktok_order_id="5003",
        magento_increment_id="000000013",
        request_type="REFUND",
        status="RETURN_OR_REFUND_REQUEST_PENDING",
        reason="<i>Arrived broken</i>",
        refund_total=Decimal("20.00"),
        currency="USD",
    )


def refunds_html(user: ConsoleUser, pending_requests: list[PendingRequest] | None = None) -> str:
    records = [
        refund(
            "7001",
            RefundState.CREDITED,
            tiktok_status="RETURN_OR_REFUND_REQUEST_COMPLETE",
            tiktok_type="REFUND",
            refund_total="20.00",
            credit_memo=CreditMemoLink(credit_memo_id=3, increment_id="000000003", grand_total="20.0000"),
        ),
        refund(
            "7002",
            RefundState.FAILED,
            refund_total="5.00",
            failure="Magento refused the credit memo",
            failure_hint="Fix the order in Magento, then run `ttsc refunds retry 7002`",
        ),
        refund("7003", RefundState.WAITING_FOR_ORDER, refund_total="9.00"),
    ]
    filters = refunds.RefundFilters()
    return render(
        "refunds.html",
        user=user,
        rows=refunds.list_refunds(user, FakeRefundStore(records), filters),  # type: ignore[arg-type]
        pending=[refunds.RequestsOfShop("1001", pending_requests or [])],
        filters=filters,
        states=list(RefundState),
        limit=100,
        notice="",
    )


def test_a_credit_memo_is_shown_beside_tiktoks_refund_and_compared_to_the_cent() -> None:
    credited = row(refunds_html(VIEWER), "refund-7001")

    assert "20.00 USD" in credited and "20.0000 USD" in credited and "#000000003" in credited
    assert "Equals TikTok's" in credited and "Credited" in credited
    assert "REFUND" in credited and "RETURN_OR_REFUND_REQUEST_COMPLETE" in credited


def test_refund_states_get_badges_fixes_and_retry_only_when_failed() -> None:
    operator = refunds_html(OPERATOR)

    assert "badge-error" in row(operator, "refund-7002") and "Fix the order in Magento" in row(operator, "refund-7002")
    assert 'aria-label="Retry return 7002"' in row(operator, "refund-7002")
    assert "Retry" not in row(operator, "refund-7001")
    assert "credited once the order is imported" in row(operator, "refund-7003")
    assert "Retry" not in refunds_html(VIEWER)


def test_pending_requests_offer_approve_and_reject_to_operators_only() -> None:
    operator = refunds_html(OPERATOR, [pending("8001")])
    viewer = refunds_html(VIEWER, [pending("8001")])

    assert 'aria-label="Approve request 8001"' in operator and 'aria-label="Reject request 8001…"' in operator
    assert "&lt;i&gt;Arrived broken&lt;/i&gt;" in operator and "<i>Arrived" not in operator
    assert "Magento #000000013" in viewer and "20.00 USD" in viewer
    assert "Approve" not in viewer and "Reject" not in viewer and "hx-post" not in viewer
    assert "No buyer request is waiting." in refunds_html(VIEWER)


def test_a_shop_tiktok_cannot_answer_for_is_said_without_hiding_the_others() -> None:
    def list_pending(shop: ShopRef) -> list[PendingRequest]:
        if shop.shop_id == "1002":
            raise TransientError("TikTok did not answer")
        return [pending("8001")]

    found = refunds.pending_requests([ShopRef("1001", "c1"), ShopRef("1002", "c2")], list_pending)
    assert [len(f.requests) for f in found] == [1, 0] and found[1].error == "TikTok did not answer"


def test_a_second_decision_on_the_same_request_is_a_notice_not_an_error() -> None:
    def answered() -> DecisionResult:
        raise ConflictError("Cancellation 8001 is CANCELLATION_REQUEST_COMPLETE, not pending")

    def decided() -> DecisionResult:
        return DecisionResult(
            kind=RefundKind.RETURN, request_id="8001", shop_id="1001", decision="APPROVE_REFUND", idempotency_key="k"
        )

    assert refunds.decide(answered, "8001") == (
        "Request 8001 was not changed: Cancellation 8001 is CANCELLATION_REQUEST_COMPLETE, not pending."
    )
    assert refunds.decide(decided, "8001") == "Request 8001: approve refund sent to TikTok."


def test_reject_form_lists_tiktoks_reasons_escaped() -> None:
    class Reason:
        def __init__(self, name: str, text: str) -> None:
            self.name, self.text = name, text

    html = render("refund_reject_form.html", shop_id="1001", request_id="8001", reasons=[Reason("r1", "<b>Used</b>")])
    assert 'value="r1"' in html and "&lt;b&gt;Used&lt;/b&gt;" in html and 'name="comment"' in html


@pytest.mark.parametrize(
    ("fields", "model"),
    [
        ({"shop_id": "1001", "request_id": "80x1"}, refunds.DecisionForm),
        ({"shop_id": "1001", "request_id": "8001"}, refunds.RejectForm),  # no reason
        ({"shop_id": "1001", "request_id": "8001", "reason": "r", "extra": "1"}, refunds.RejectForm),
    ],
)
def test_decision_forms_refuse_bad_input(fields: dict[str, str], model: type[refunds.DecisionForm]) -> None:
    with pytest.raises(InvalidInputError):
        refunds._parse(model, fields)


@pytest.mark.parametrize(
    "path",
    ["orders/retry", "refunds/retry", "refunds/requests/approve", "refunds/requests/reject"],
)
def test_every_order_and_refund_write_is_refused_to_a_viewer(path: str) -> None:
    body = "order_id=5001&refund_id=7002&shop_id=1001&request_id=8001&reason=r1"
    response = build_console_app().resolve(ui_event("POST", f"/console/ui/{path}", claims("viewer"), body), _Context())

    assert response["statusCode"] == 403 and "Viewers can look but not change anything" in response["body"]


def test_the_reject_form_is_for_operators_only() -> None:
    event = ui_event("GET", "/console/ui/refunds/requests/8001/reject", claims("viewer"))
    event["queryStringParameters"] = {"shop": "1001"}
    assert build_console_app().resolve(event, _Context())["statusCode"] == 403
