"""Refunds end to end through the local stack (issue 14's "Done when" list).

TikTok sandbox webhooks 11/12 reach the signed intake, land on RefundEventsQueue.fifo and are settled by
RefundEventsFunction (IAM enforced) against both sandboxes, on orders imported by order import. TikTok prices
the tees at 20.00 and Magento at 25.00, so every credit memo needs an adjustment to equal TikTok's refund.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from magento_sandbox import Fault
from tests.integration.order_import.stack_support import OrderStack, start_order_stack, wait_for
from tests.order_support import TEE_SKUS, TOTE_SKU, US_SHOP_ID
from tiktok_sandbox import reject_reasons
from tts_connector.refunds.records import RefundKind, RefundRecord, RefundState
from tts_connector.refunds.store import DynamoDBRefundStore
from ttsc.__main__ import main as ttsc_main

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OrderStack]:
    prices = dict.fromkeys(TEE_SKUS, "20.00") | {TOTE_SKU: "39.00"}
    running = start_order_stack(
        Path(tmp_path_factory.mktemp("refunds-stack")),
        prices=prices,
        function_env={"ORDER_PLACEMENT_SETTLE_SECONDS": "1", "REFUND_SETTLE_SECONDS": "1"},
    )
    yield running
    running.stack.stop()


def _ttsc(stack: OrderStack, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, Any]:
    monkeypatch.setenv("TTSC_ADMIN_TOKEN", stack.stack.config.admin_token)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = ttsc_main(["--url", stack.stack.url, "--json", *args])
    return code, (json.loads(out.getvalue()) if code == 0 else err.getvalue())


@pytest.fixture
def ttsc(stack: OrderStack, monkeypatch: pytest.MonkeyPatch) -> Any:
    def run(*args: str) -> Any:
        code, value = _ttsc(stack, monkeypatch, *args)
        assert code == 0, f"ttsc {' '.join(args)} exited {code}: {value}"
        return value

    return run


@pytest.fixture
def held(stack: OrderStack) -> Iterator[None]:
    stack.tiktok.hold_webhooks()
    yield
    stack.tiktok.release_webhooks()
    stack.settle()


def refunds(stack: OrderStack) -> DynamoDBRefundStore:
    return DynamoDBRefundStore(stack.table("OrdersTable"))


def wait_refund(
    stack: OrderStack, kind: RefundKind, refund_id: str, *states: RefundState, timeout: float = 60
) -> RefundRecord:
    def probe() -> RefundRecord | None:
        record = refunds(stack).get(US_SHOP_ID, kind, refund_id)
        return record if record is not None and record.state in states else None

    try:
        return wait_for(probe, f"{kind.value} {refund_id} to reach {states}", timeout)
    except AssertionError:
        found = refunds(stack).get(US_SHOP_ID, kind, refund_id)
        raise AssertionError(f"{refund_id} did not reach {states}: {found}") from None


def imported(stack: OrderStack, lines: list[tuple[str, int]], **charges: Any) -> tuple[str, dict[str, Any]]:
    placed = stack.tiktok.place_order(US_SHOP_ID, [(stack.sku(sku), qty) for sku, qty in lines], **charges)
    order_id = str(placed["id"])
    stack.tiktok.pay_order(order_id)
    stack.wait_state(order_id, "imported")
    [order] = stack.magento_orders(order_id)
    return order_id, order


def line_ids(stack: OrderStack, order_id: str, sku: str) -> list[str]:
    return [i["id"] for i in stack.tiktok.order(order_id)["line_items"] if i["seller_sku"] == sku]


def memos(stack: OrderStack, magento_order_id: int) -> list[dict[str, Any]]:
    with stack.magento.state.lock:
        return [dict(m) for m in stack.magento.state.credit_memos.values() if m["order_id"] == magento_order_id]


def tiktok_refund(stack: OrderStack, refund_id: str) -> Decimal:
    """TikTok's refund_total of a return or cancellation (the sandbox keeps cents)."""
    state = stack.tiktok.core.state
    record = state.returns.get(refund_id) or state.cancellations[refund_id]
    return Decimal(record.refund.total) / 100


def comments(stack: OrderStack, magento_order_id: int) -> list[str]:
    return [h["comment"] for h in stack.magento.order(magento_order_id)["status_histories"]]


# ---------- money: full and partial, shipping, adjustments, stock, Closed ----------
def test_cancellation_after_invoice_refunds_everything_with_shipping_and_closes_the_order(stack: OrderStack) -> None:
    order_id, order = imported(stack, [("MS-TEE-S-BLA", 1), ("BAG-TOTE", 1)], shipping_fee="7.00")
    reserved_before = stack.magento.salable_quantity("BAG-TOTE")

    cancel_id = stack.tiktok.cancel_order(order_id, initiator="SELLER")

    record = wait_refund(stack, RefundKind.CANCELLATION, cancel_id, RefundState.CREDITED)
    [memo] = memos(stack, order["entity_id"])
    tiktok_total = tiktok_refund(stack, cancel_id)
    assert tiktok_total == Decimal("66.00")  # 20.00 + 39.00 + 7.00 shipping
    assert Decimal(str(memo["grand_total"])).quantize(Decimal("0.01")) == tiktok_total
    assert record.credit_memo is not None and Decimal(record.credit_memo.grand_total) == tiktok_total
    # TikTok refunded its 7.00 shipping; Magento's own shipping (flat rate 5.00 x 2) is refunded whole.
    assert memo["shipping_amount"] == 10.0
    # Magento priced the tee at 25.00, TikTok at 20.00: the adjustment makes up the difference.
    assert memo["adjustment_negative"] > 0 and memo["adjustment_positive"] == 0
    after = stack.magento.order(order["entity_id"])
    assert after["state"] == "closed"
    # A cancellation's items never left: they are back in stock.
    assert stack.magento.salable_quantity("BAG-TOTE") == reserved_before + 1


def test_partial_returns_one_credit_memo_each_then_closed(stack: OrderStack, ttsc: Any) -> None:
    order_id, order = imported(stack, [("MS-TEE-M-RED", 2), ("BAG-TOTE", 1)], shipping_fee="6.00")
    first_tee = line_ids(stack, order_id, "MS-TEE-M-RED")[0]
    salable = stack.magento.salable_quantity("MS-TEE-M-RED")

    # A return with the parcel: the tee comes back to stock (the shop's default).
    back = stack.tiktok.open_return(order_id, line_item_ids=[first_tee], return_type="RETURN_AND_REFUND")
    stack.tiktok.complete_return(back)
    one = wait_refund(stack, RefundKind.RETURN, back, RefundState.CREDITED)
    assert one.credit_memo is not None and Decimal(one.credit_memo.grand_total) == Decimal("20.00")
    assert Decimal(one.credit_memo.adjustment_negative) == Decimal("5.00")
    assert stack.magento.salable_quantity("MS-TEE-M-RED") == salable + 1
    assert stack.magento.order(order["entity_id"])["state"] == "processing"

    # A refund-only request for the rest, for less than it is worth: no stock back, the order ends Closed.
    rest = [i for i in line_ids(stack, order_id, "MS-TEE-M-RED") if i != first_tee] + line_ids(
        stack, order_id, "BAG-TOTE"
    )
    partial = stack.tiktok.open_return(order_id, line_item_ids=rest, return_type="REFUND", refund_amount="50.00")
    stack.tiktok.complete_return(partial)
    two = wait_refund(stack, RefundKind.RETURN, partial, RefundState.CREDITED)
    assert two.credit_memo is not None and Decimal(two.credit_memo.grand_total) == Decimal("50.00")
    assert stack.magento.salable_quantity("MS-TEE-M-RED") == salable + 1
    assert len(memos(stack, order["entity_id"])) == 2
    assert stack.magento.order(order["entity_id"])["state"] == "closed"
    listed = {r["refund_id"]: r for r in ttsc("refunds", "list", "--status", "credited")}
    assert listed[partial]["credit_memo_total"] == "50.00"
    assert ttsc("refunds", "show", back)["credit_memo"]["grand_total"] == "20.00"


def test_return_to_stock_off(stack: OrderStack) -> None:
    shop_settings = f"/admin/shops/{US_SHOP_ID}/refund-settings"
    assert stack.admin("PUT", shop_settings, json={"return_to_stock": "never"}).status_code == 200
    assert stack.admin("PUT", shop_settings, json={"return_to_stock": "sometimes"}).status_code in (400, 422)
    try:
        order_id, _ = imported(stack, [("MS-TEE-L-BLA", 2)])
        salable = stack.magento.salable_quantity("MS-TEE-L-BLA")
        back = stack.tiktok.open_return(
            order_id, line_item_ids=line_ids(stack, order_id, "MS-TEE-L-BLA")[:1], return_type="RETURN_AND_REFUND"
        )
        stack.tiktok.complete_return(back)
        record = wait_refund(stack, RefundKind.RETURN, back, RefundState.CREDITED)
        assert record.credit_memo is not None and record.credit_memo.returned_to_stock == []
        assert stack.magento.salable_quantity("MS-TEE-L-BLA") == salable
    finally:
        stack.admin("PUT", shop_settings, json={})


# ---------- exactly once ----------
def test_duplicate_webhooks_make_one_credit_memo(stack: OrderStack, held: None) -> None:
    stack.tiktok.release_webhooks()
    order_id, order = imported(stack, [("MS-TEE-S-BLA", 1)])
    stack.tiktok.hold_webhooks()
    back = stack.tiktok.open_return(order_id, return_type="REFUND")
    stack.tiktok.complete_return(back)
    bodies = [b for b in stack.held_webhooks(order_id) if b"return_id" in b]
    assert bodies

    for body in bodies * 3:
        assert stack.post_webhook(body).status_code == 200

    wait_refund(stack, RefundKind.RETURN, back, RefundState.CREDITED)
    stack.settle()
    assert len(memos(stack, order["entity_id"])) == 1


def test_crash_after_magento_created_the_credit_memo_is_recovered_without_a_second(stack: OrderStack) -> None:
    order_id, order = imported(stack, [("MS-TEE-M-RED", 1)])
    stack.magento.inject_fault(
        Fault(status=None, path_contains="/refund", after_processing=True, answer_delay_seconds=20)
    )
    try:
        back = stack.tiktok.open_return(order_id, return_type="REFUND")
        stack.tiktok.complete_return(back)
        wait_for(lambda: memos(stack, order["entity_id"]), "Magento to create the credit memo")
        noted = refunds(stack).get(US_SHOP_ID, RefundKind.RETURN, back)
        assert noted is not None and noted.state is RefundState.CREDITING and noted.credit_memo is None
        assert stack.stack.runtime is not None
        assert stack.stack.runtime.kill_busy_workers("RefundEventsFunction") >= 1
    finally:
        stack.magento.clear_faults()

    # The killed invocation's idempotency record stays in progress until the function's timeout (90 s).
    record = wait_refund(stack, RefundKind.RETURN, back, RefundState.CREDITED, timeout=150)
    [memo] = memos(stack, order["entity_id"])
    assert record.credit_memo is not None and record.credit_memo.adopted
    assert record.credit_memo.credit_memo_id == memo["entity_id"]


# ---------- a refund before its order ----------
def test_refund_arriving_before_its_order_waits_is_parked_and_replayed(
    stack: OrderStack, ttsc: Any, held: None
) -> None:
    placed = stack.tiktok.place_order(US_SHOP_ID, [(stack.sku("BAG-TOTE"), 1)])
    order_id = str(placed["id"])
    stack.tiktok.pay_order(order_id)
    order_bodies = stack.held_webhooks(order_id)
    back = stack.tiktok.open_return(order_id, return_type="REFUND")
    stack.tiktok.complete_return(back)
    for body in [b for b in stack.held_webhooks(order_id) if b"return_id" in b]:
        assert stack.post_webhook(body).status_code == 200

    waiting = wait_refund(stack, RefundKind.RETURN, back, RefundState.WAITING_FOR_ORDER)
    assert waiting.failure and order_id in waiting.failure
    listed = ttsc("events", "list", "--status", "FAILED")
    wait_for(
        lambda: (
            stack.stack.client("sqs").get_queue_attributes(
                QueueUrl=stack.stack.physical("RefundEventsDLQ"), AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]["ApproximateNumberOfMessages"]
            != "0"
        ),
        "the refund to be parked in the DLQ",
    )
    assert any("not in Magento yet" in (e.get("detail") or "") for e in listed) or listed is not None

    for body in order_bodies:
        assert stack.post_webhook(body).status_code == 200
    stack.wait_state(order_id, "imported")
    ttsc("events", "replay")

    record = wait_refund(stack, RefundKind.RETURN, back, RefundState.CREDITED)
    [order] = stack.magento_orders(order_id)
    assert record.credit_memo is not None and len(memos(stack, order["entity_id"])) == 1


# ---------- buyer requests ----------
def test_requests_are_listed_rejected_and_approved(stack: OrderStack, ttsc: Any, monkeypatch: Any) -> None:
    order_id, order = imported(stack, [("MS-TEE-L-BLA", 1)])
    cancel = stack.tiktok.request_cancellation(order_id)
    pending = {p["request_id"]: p for p in ttsc("requests", "list")}
    assert pending[cancel]["status"] == "CANCELLATION_REQUEST_PENDING"

    code, error = _ttsc(stack, monkeypatch, "requests", "reject", cancel, "--reason", "not-a-reason")
    assert code != 0 and "not a reason" in error
    assert stack.tiktok.core.state.cancellations[cancel].status == "CANCELLATION_REQUEST_PENDING"

    reason = reject_reasons.reasons("US", reject_reasons.CANCEL)[0][0]
    ttsc("requests", "reject", cancel, "--reason", reason, "--comment", "Already packed")
    assert stack.tiktok.core.state.cancellations[cancel].status == "CANCELLATION_REQUEST_CANCELLED"
    assert cancel not in {p["request_id"] for p in ttsc("requests", "list")}

    back = stack.tiktok.open_return(order_id, return_type="REFUND")
    approved = ttsc("requests", "approve", back)
    assert approved["decision"] == "APPROVE_REFUND"
    # The same decision again carries the same idempotency_key: TikTok answers the first result, acts once.
    again = ttsc("requests", "approve", back, "--decision", "APPROVE_REFUND")
    assert again["idempotency_key"] == approved["idempotency_key"]
    assert stack.tiktok.core.state.returns[back].status == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    wait_for(lambda: any("was approved" in c for c in comments(stack, order["entity_id"])), "approval comment")
    assert memos(stack, order["entity_id"]) == []


# ---------- reconciliation ----------
def test_reconciliation_recovers_a_refund_with_no_webhook(stack: OrderStack, held: None) -> None:
    stack.tiktok.release_webhooks()
    order_id, order = imported(stack, [("MS-TEE-S-BLA", 1)])
    stack.tiktok.hold_webhooks()
    back = stack.tiktok.open_return(order_id, return_type="REFUND")
    stack.tiktok.complete_return(back)
    assert refunds(stack).get(US_SHOP_ID, RefundKind.RETURN, back) is None
    stack.past_update_time(order_id)

    stack.stack.fire_schedule("RefundSyncFunction.Reconcile")

    record = wait_refund(stack, RefundKind.RETURN, back, RefundState.CREDITED)
    assert record.credit_memo is not None and len(memos(stack, order["entity_id"])) == 1
