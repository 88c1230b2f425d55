"""Refunds' admin routes: refunds (list, show, retry, sync), buyer requests (list, approve, reject), settings."""

# No `from __future__ import annotations`: Powertools reads the route annotations at runtime for validation.
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from tts_connector import wiring
from tts_connector.refunds import admin, buyer_requests
from tts_connector.refunds.options import REFUNDS_SECTION, RefundSettings
from tts_connector.refunds.records import RefundRecord, RefundState
from tts_connector.refunds.sync import reconcile_refunds
from tts_connector.sync_cursor import SyncRequest
from tts_connector.tiktok.client import ShopRef

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

SYNC_BUDGET_SECONDS = 20.0


def _served() -> list[ShopRef]:
    return [ShopRef(s.shop_id, s.cipher) for s in wiring.connect_store().list_shops() if s.selected]


def _all_shop_ids() -> list[str]:
    return [s.shop_id for s in wiring.connect_store().list_shops()]


@router.get("/admin/refunds", summary="TikTok returns and cancellations the connector knows, newest change first")
def list_refunds(
    status: Annotated[RefundState | None, Query(description="open, credited, waiting_for_order, failed, ...")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[admin.RefundSummary]:
    return [admin.summary(r) for r in wiring.refund_store().list(status, limit=limit)]


@router.get("/admin/refunds/<refund_id>", summary="One return or cancellation: TikTok state, credit memo, history")
def show_refund(refund_id: str) -> RefundRecord:
    return admin.find_record(wiring.refund_store(), _all_shop_ids(), refund_id)


@router.post("/admin/refunds/<refund_id>/retry", summary="Settle a return or cancellation again")
def retry_refund(refund_id: str) -> admin.RetryReport:
    record = admin.find_record(wiring.refund_store(), _all_shop_ids(), refund_id)
    return admin.queue_retry(record, wiring.event_intake().accept)


@router.post("/admin/refunds/sync", summary="Reconcile now: queue returns and cancellations changed since a time")
def sync_refunds(request: Annotated[SyncRequest, Body()]) -> dict[str, Any]:
    shops = [admin.pick_shop(_served(), request.shop_id)] if request.shop_id else _served()
    return reconcile_refunds(
        wiring.refund_services(),
        [s.shop_id for s in shops],
        enqueue=wiring.event_intake().accept,
        budget_seconds=SYNC_BUDGET_SECONDS,
        since=request.since,
    )


@router.get("/admin/requests", summary="Buyer cancellation and return requests waiting for the seller")
def list_requests(
    shop_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> list[buyer_requests.PendingRequest]:
    shop = admin.pick_shop(_served(), shop_id)
    return buyer_requests.list_pending(wiring.tiktok_api(), shop, wiring.order_store())


@router.post("/admin/requests/<request_id>/approve", summary="Approve a buyer's cancellation or return request")
def approve_request(
    request_id: str, request: Annotated[buyer_requests.ApproveRequest, Body()]
) -> buyer_requests.DecisionResult:
    shop = admin.pick_shop(_served(), request.shop_id)
    return buyer_requests.approve(wiring.tiktok_api(), shop, request_id, request)


@router.post("/admin/requests/<request_id>/reject", summary="Reject a buyer's cancellation or return request")
def reject_request(
    request_id: str, request: Annotated[buyer_requests.RejectRequest, Body()]
) -> buyer_requests.DecisionResult:
    shop = admin.pick_shop(_served(), request.shop_id)
    return buyer_requests.reject(wiring.tiktok_api(), shop, request_id, request)


@router.get("/admin/shops/<shop_id>/refund-settings", summary="How TikTok refunds become Magento credit memos")
def read_refund_settings(shop_id: str) -> RefundSettings:
    admin.pick_shop(_served(), shop_id)
    return wiring.shop_settings().get(shop_id, REFUNDS_SECTION, RefundSettings)


@router.put("/admin/shops/<shop_id>/refund-settings", summary="Change a shop's refund settings")
def write_refund_settings(shop_id: str, settings: Annotated[RefundSettings, Body()]) -> RefundSettings:
    admin.pick_shop(_served(), shop_id)
    wiring.shop_settings().save(shop_id, REFUNDS_SECTION, settings)
    return settings
