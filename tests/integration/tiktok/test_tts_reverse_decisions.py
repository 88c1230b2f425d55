"""Seller decisions on buyer requests: approve/reject returns and cancellations, reject reasons, idempotency.

Sources: approve-return, reject-return, approve-cancellation, reject-cancellation and get-reject-reasons specs
(GitHub lazykern/ecommerce-api-docs, data/raw/tiktok/api-reference/return-and-refund/; reference §7.2-7.3),
webhooks 11 and 12 guides.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import requests

from tests.integration.tiktok.support import USPS_ID, Connected, WebhookReceiver, live_skus, upload_main_image
from tiktok_sandbox import TikTokSandbox
from tts_connector.tiktok.errors import TikTokApiError
from tts_connector.tiktok.models.returns import (
    ApproveReturnRequest,
    CancellationSearchFilter,
    PartialRefundOffer,
    RejectCancellationRequest,
    RejectImage,
    RejectReturnRequest,
    ReturnOrder,
    ReturnSearchFilter,
)

pytestmark = pytest.mark.integration
PACKED = "seller_reject_apply_product_has_been_packed"
NOT_VALID = "reverse_reject_request_reason_1"


def _delivered_order(sandbox: TikTokSandbox, tts: Connected, quantity: int = 2) -> str:
    skus = live_skus(tts)
    order_id = sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], quantity)], shipping_fee="3.00")["id"]
    sandbox.pay_order(order_id)
    tts.api.fulfillment.mark_package_shipped(
        tts.us,
        order_id,
        order_line_item_ids=[i["id"] for i in sandbox.order(order_id)["line_items"]],
        tracking_number="9400100000000000000009",
        shipping_provider_id=USPS_ID,
    )
    sandbox.deliver_order(order_id)
    return order_id


def _return(tts: Connected, return_id: str) -> ReturnOrder:
    [found] = tts.api.returns.search_returns(tts.us, ReturnSearchFilter(return_ids=[return_id])).return_orders
    return found


def _events(receiver: WebhookReceiver, topic: int, key: str, value: str) -> list[str]:
    payloads = [json.loads(w.body) for w in receiver.received]
    status = "return_status" if topic == 12 else "cancel_status"
    return [p["data"][status] for p in payloads if p["type"] == topic and p["data"][key] == value]


def test_return_and_refund_is_approved_then_the_parcel_accepted(
    sandbox: TikTokSandbox, tts: Connected, webhook_receiver: WebhookReceiver
) -> None:
    order_id = _delivered_order(sandbox, tts)
    return_id = sandbox.open_return(order_id)
    pending = _return(tts, return_id)
    assert [a.action for a in pending.seller_next_action_response] == ["SELLER_RESPOND_RETURN"]
    with pytest.raises(TikTokApiError) as wrong_type:
        tts.api.returns.approve_return(tts.us, return_id, ApproveReturnRequest(decision="APPROVE_REFUND"))
    assert wrong_type.value.tiktok_code == 25020004
    tts.api.returns.approve_return(tts.us, return_id, ApproveReturnRequest(decision="APPROVE_RETURN"))
    assert _return(tts, return_id).return_status == "AWAITING_BUYER_SHIP"
    with pytest.raises(TikTokApiError) as not_pending:
        tts.api.returns.approve_return(tts.us, return_id, ApproveReturnRequest(decision="APPROVE_RETURN"))
    assert not_pending.value.tiktok_code == 25011012
    with pytest.raises(TikTokApiError) as approved:
        tts.api.returns.reject_return(
            tts.us, return_id, RejectReturnRequest(decision="REJECT_RETURN", reject_reason=NOT_VALID)
        )
    assert approved.value.tiktok_code == 25020010
    sandbox.set_return_status(return_id, "BUYER_SHIPPED_ITEM")
    reasons = {r.name for r in tts.api.returns.reject_reasons(tts.us, return_id).reasons}
    assert "reverse_reject_return_parcel_reason_1" in reasons and NOT_VALID not in reasons
    tts.api.returns.approve_return(tts.us, return_id, ApproveReturnRequest(decision="APPROVE_RECEIVED_PACKAGE"))
    assert _return(tts, return_id).return_status == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    expected = ["RETURN_OR_REFUND_REQUEST_PENDING", "AWAITING_BUYER_SHIP", "BUYER_SHIPPED_ITEM"]
    expected.append("RETURN_OR_REFUND_REQUEST_SUCCESS")
    assert webhook_receiver.wait_for(lambda r: len(_events(webhook_receiver, 12, "return_id", return_id)) == 4)
    assert _events(webhook_receiver, 12, "return_id", return_id) == expected


def test_refund_requests_are_rejected_with_a_documented_reason(
    sandbox: TikTokSandbox, tts: Connected, webhook_receiver: WebhookReceiver
) -> None:
    order_id = _delivered_order(sandbox, tts)
    return_id = sandbox.open_return(order_id, return_type="REFUND")
    reasons = tts.api.returns.reject_reasons(tts.us, return_id)
    assert NOT_VALID in {r.name for r in reasons.reasons}
    assert all(r.text for r in reasons.reasons)
    for reason, code in ((PACKED, 25001016), ("made_up_reason", 25001014)):
        with pytest.raises(TikTokApiError) as raised:
            tts.api.returns.reject_return(
                tts.us, return_id, RejectReturnRequest(decision="REJECT_REFUND", reject_reason=reason)
            )
        assert raised.value.tiktok_code == code
    evidence = RejectImage(image_id=upload_main_image(tts, tts.us), mime_type="image/png", width=320, height=320)
    tts.api.returns.reject_return(
        tts.us,
        return_id,
        RejectReturnRequest(decision="REJECT_REFUND", reject_reason=NOT_VALID, comment="Worn", images=[evidence]),
    )
    assert _return(tts, return_id).return_status == "REFUND_OR_RETURN_REQUEST_REJECT"
    assert webhook_receiver.wait_for(
        lambda r: "REFUND_OR_RETURN_REQUEST_REJECT" in _events(webhook_receiver, 12, "return_id", return_id)
    )


def test_partial_refund_offer_and_returnless_refund(sandbox: TikTokSandbox, tts: Connected) -> None:
    order_id = _delivered_order(sandbox, tts)
    first, second = (i["id"] for i in sandbox.order(order_id)["line_items"])
    offered = sandbox.open_return(order_id, line_item_ids=[first], return_type="REFUND")
    too_much = ApproveReturnRequest(
        decision="OFFER_PARTIAL_REFUND", partial_refund=PartialRefundOffer(currency="USD", amount=Decimal("500"))
    )
    with pytest.raises(TikTokApiError):
        tts.api.returns.approve_return(tts.us, offered, too_much)
    offer = ApproveReturnRequest(
        decision="OFFER_PARTIAL_REFUND", partial_refund=PartialRefundOffer(currency="USD", amount=Decimal("5.00"))
    )
    tts.api.returns.approve_return(tts.us, offered, offer)
    found = _return(tts, offered)
    assert (found.return_status, found.seller_proposed_return_type) == ("AWAITING_BUYER_RESPONSE", "PARTIAL_REFUND")
    assert found.partial_refund is not None and found.partial_refund.amount == Decimal("5.00")
    kept = sandbox.open_return(order_id, line_item_ids=[second])
    tts.api.returns.approve_return(tts.us, kept, ApproveReturnRequest(decision="APPROVE_RETURN", buyer_keep_item=True))
    assert _return(tts, kept).return_status == "RETURN_OR_REFUND_REQUEST_SUCCESS"


def test_replacement_requests(sandbox: TikTokSandbox, tts: Connected) -> None:
    order_id = _delivered_order(sandbox, tts)
    first, second = (i["id"] for i in sandbox.order(order_id)["line_items"])
    replaced = sandbox.open_return(order_id, line_item_ids=[first], return_type="REPLACEMENT")
    assert _return(tts, replaced).return_status == "REPLACEMENT_REQUEST_PENDING"
    tts.api.returns.approve_return(tts.us, replaced, ApproveReturnRequest(decision="ISSUE_REPLACEMENT_REFUND"))
    assert _return(tts, replaced).return_status == "REPLACEMENT_REQUEST_REFUND_SUCCESS"
    refused = sandbox.open_return(order_id, line_item_ids=[second], return_type="REPLACEMENT")
    tts.api.returns.reject_return(
        tts.us, refused, RejectReturnRequest(decision="REJECT_REPLACEMENT", reject_reason=NOT_VALID)
    )
    assert _return(tts, refused).return_status == "REPLACEMENT_REQUEST_REJECT"


def test_same_idempotency_key_answers_again_without_acting_twice(
    sandbox: TikTokSandbox, tts: Connected, webhook_receiver: WebhookReceiver
) -> None:
    order_id = _delivered_order(sandbox, tts)
    return_id = sandbox.open_return(order_id, return_type="REFUND")
    approve = ApproveReturnRequest(decision="APPROVE_REFUND")
    tts.api.returns.approve_return(tts.us, return_id, approve, idempotency_key="approve-1")
    tts.api.returns.approve_return(tts.us, return_id, approve, idempotency_key="approve-1")
    with pytest.raises(TikTokApiError) as fresh_key:
        tts.api.returns.approve_return(tts.us, return_id, approve, idempotency_key="approve-2")
    assert fresh_key.value.tiktok_code == 25011012
    other = sandbox.open_return(_delivered_order(sandbox, tts), return_type="REFUND")
    with pytest.raises(TikTokApiError) as reused:
        tts.api.returns.approve_return(tts.us, other, approve, idempotency_key="approve-1")
    assert reused.value.tiktok_code == 25001001
    with pytest.raises(ValueError, match="255"):
        tts.api.returns.approve_return(tts.us, other, approve, idempotency_key="k" * 256)
    assert sandbox.wait_for_webhooks()
    assert _events(webhook_receiver, 12, "return_id", return_id) == [
        "RETURN_OR_REFUND_REQUEST_PENDING",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
    ]


def test_buyer_cancellation_request_is_approved(
    sandbox: TikTokSandbox, tts: Connected, webhook_receiver: WebhookReceiver
) -> None:
    skus = live_skus(tts)
    order_id = sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 2)], shipping_fee="3.00")["id"]
    sandbox.pay_order(order_id)
    cancel_id = requests.post(
        f"{sandbox.base_url}/_sandbox/orders/{order_id}/cancellation-request", json={}, timeout=5
    ).json()["cancel_id"]
    order = tts.api.orders.details(tts.us, [order_id])[0]
    assert (order.status, order.is_buyer_request_cancel) == ("AWAITING_SHIPMENT", True)
    assert order.request_cancel_time is not None
    [pending] = tts.api.returns.search_cancellations(
        tts.us, CancellationSearchFilter(cancel_status=["CANCELLATION_REQUEST_PENDING"])
    ).cancellations
    assert (pending.cancel_id, pending.cancel_type) == (cancel_id, "BUYER_CANCEL")
    assert [a.action for a in pending.seller_next_action_response] == ["SELLER_RESPOND_CANCEL"]
    assert pending.refund_amount is not None and pending.refund_amount.refund_total == order.payment.total_amount
    tts.api.returns.approve_cancellation(tts.us, cancel_id, idempotency_key="cancel-ok")
    tts.api.returns.approve_cancellation(tts.us, cancel_id, idempotency_key="cancel-ok")
    with pytest.raises(TikTokApiError) as again:
        tts.api.returns.approve_cancellation(tts.us, cancel_id)
    assert again.value.tiktok_code == 25011012
    cancelled = tts.api.orders.details(tts.us, [order_id])[0]
    assert (cancelled.status, cancelled.is_buyer_request_cancel) == ("CANCELLED", False)
    assert {i.cancel_user for i in cancelled.line_items} == {"BUYER"}
    statuses = ["CANCELLATION_REQUEST_PENDING", "CANCELLATION_REQUEST_SUCCESS", "CANCELLATION_REQUEST_COMPLETE"]
    assert webhook_receiver.wait_for(lambda r: len(_events(webhook_receiver, 11, "cancel_id", cancel_id)) == 3)
    assert _events(webhook_receiver, 11, "cancel_id", cancel_id) == statuses


def test_buyer_cancellation_request_is_rejected(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    order_id = sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 1)])["id"]
    sandbox.pay_order(order_id)
    cancel_id = sandbox.request_cancellation(order_id)
    reasons = {r.name for r in tts.api.returns.reject_reasons(tts.us, cancel_id).reasons}
    assert PACKED in reasons and NOT_VALID not in reasons
    with pytest.raises(TikTokApiError) as wrong_kind:
        tts.api.returns.reject_cancellation(tts.us, cancel_id, RejectCancellationRequest(reject_reason=NOT_VALID))
    assert wrong_kind.value.tiktok_code == 25001016
    tts.api.returns.reject_cancellation(
        tts.us, cancel_id, RejectCancellationRequest(reject_reason=PACKED, comment="Already packed")
    )
    order = tts.api.orders.details(tts.us, [order_id])[0]
    assert (order.status, order.is_buyer_request_cancel) == ("AWAITING_SHIPMENT", False)
    [closed] = tts.api.returns.search_cancellations(
        tts.us, CancellationSearchFilter(cancel_ids=[cancel_id])
    ).cancellations
    assert closed.cancel_status == "CANCELLATION_REQUEST_CANCELLED"
    with pytest.raises(TikTokApiError) as closed_already:
        tts.api.returns.approve_cancellation(tts.us, cancel_id)
    assert closed_already.value.tiktok_code == 25020009


def test_decisions_are_strict_about_targets_and_parameters(sandbox: TikTokSandbox, tts: Connected) -> None:
    order_id = _delivered_order(sandbox, tts)
    return_id = sandbox.open_return(order_id)
    with pytest.raises(TikTokApiError) as unknown:
        tts.api.returns.approve_cancellation(tts.us, "4035318504086604100")
    assert unknown.value.tiktok_code == 25007006
    with pytest.raises(TikTokApiError) as other_shop:
        tts.api.returns.approve_return(tts.gb, return_id, ApproveReturnRequest(decision="APPROVE_RETURN"))
    assert other_shop.value.tiktok_code == 25007006
    for body, code in (({}, 36009004), ({"decision": "APPROVE_EVERYTHING"}, 25001001)):
        with pytest.raises(TikTokApiError) as raised:
            tts.client.call(
                "POST", f"/return_refund/202309/returns/{return_id}/approve", shop=tts.us, body=body, idempotent=True
            )
        assert raised.value.tiktok_code == code
    with pytest.raises(TikTokApiError) as no_target:
        tts.client.call("GET", "/return_refund/202309/reject_reasons", shop=tts.us, idempotent=True)
    assert no_target.value.tiktok_code == 36009004
    assert _return(tts, return_id).return_status == "RETURN_OR_REFUND_REQUEST_PENDING"


def test_on_hold_buyer_cancellation_is_accepted_for_the_seller(sandbox: TikTokSandbox, tts: Connected) -> None:
    skus = live_skus(tts)
    order_id = sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 1)])["id"]
    sandbox.pay_order(order_id, on_hold=True)
    cancel_id = sandbox.cancel_order(order_id, initiator="BUYER")
    [done] = tts.api.returns.search_cancellations(
        tts.us, CancellationSearchFilter(cancel_ids=[cancel_id])
    ).cancellations
    assert (done.cancel_type, done.cancel_status) == ("CANCEL", "CANCELLATION_REQUEST_COMPLETE")
    with pytest.raises(TikTokApiError) as raised:
        tts.api.returns.approve_cancellation(tts.us, cancel_id)
    assert raised.value.tiktok_code == 25011012
