"""Returns, refunds and cancellations: search, and the seller's approve/reject decisions.

Approve and reject carry an `idempotency_key` query parameter (at most 255 characters): the same key is sent
on every retry of one call, so a retry after a lost answer cannot act twice, and the call is retried like any
idempotent one. Pass your own key to make a decision idempotent across invocations (e.g. per SQS message).
"""

from __future__ import annotations

import uuid

from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.models.base import TikTokRequestModel
from tts_connector.tiktok.models.returns import (
    ApproveReturnRequest,
    CancellationPage,
    CancellationSearchFilter,
    RejectCancellationRequest,
    RejectReasons,
    RejectReturnRequest,
    ReturnPage,
    ReturnSearchFilter,
)

RETURN_REFUND_PATH = "/return_refund/202309"
MAX_IDEMPOTENCY_KEY = 255


class ReturnsApi:
    def __init__(self, client: TikTokShopClient):
        self._client = client

    def search_returns(
        self,
        shop: ShopRef,
        filters: ReturnSearchFilter | None = None,
        *,
        page_size: int = 50,
        page_token: str | None = None,
    ) -> ReturnPage:
        # TikTok documents page_size 10-50 for returns.
        data = self._client.call(
            "POST",
            f"{RETURN_REFUND_PATH}/returns/search",
            shop=shop,
            query={"page_size": max(10, min(page_size, 50)), "page_token": page_token},
            body=(filters or ReturnSearchFilter()).to_body(),
            idempotent=True,
        )
        return ReturnPage.model_validate(data or {})

    def search_cancellations(
        self,
        shop: ShopRef,
        filters: CancellationSearchFilter | None = None,
        *,
        page_size: int = 50,
        page_token: str | None = None,
    ) -> CancellationPage:
        data = self._client.call(
            "POST",
            f"{RETURN_REFUND_PATH}/cancellations/search",
            shop=shop,
            query={"page_size": max(1, min(page_size, 50)), "page_token": page_token},
            body=(filters or CancellationSearchFilter()).to_body(),
            idempotent=True,
        )
        return CancellationPage.model_validate(data or {})

    def approve_return(
        self, shop: ShopRef, return_id: str, request: ApproveReturnRequest, *, idempotency_key: str | None = None
    ) -> None:
        self._decide(shop, f"returns/{return_id}/approve", request, idempotency_key)

    def reject_return(
        self, shop: ShopRef, return_id: str, request: RejectReturnRequest, *, idempotency_key: str | None = None
    ) -> None:
        self._decide(shop, f"returns/{return_id}/reject", request, idempotency_key)

    def approve_cancellation(self, shop: ShopRef, cancel_id: str, *, idempotency_key: str | None = None) -> None:
        self._decide(shop, f"cancellations/{cancel_id}/approve", None, idempotency_key)

    def reject_cancellation(
        self,
        shop: ShopRef,
        cancel_id: str,
        request: RejectCancellationRequest,
        *,
        idempotency_key: str | None = None,
    ) -> None:
        self._decide(shop, f"cancellations/{cancel_id}/reject", request, idempotency_key)

    def reject_reasons(self, shop: ShopRef, return_or_cancel_id: str, *, locale: str | None = None) -> RejectReasons:
        """The reasons a seller may give to reject this return or cancellation (names go in `reject_reason`)."""
        data = self._client.call(
            "GET",
            f"{RETURN_REFUND_PATH}/reject_reasons",
            shop=shop,
            query={"return_or_cancel_id": return_or_cancel_id, "locale": locale},
            idempotent=True,
        )
        return RejectReasons.model_validate(data or {})

    def _decide(
        self, shop: ShopRef, path: str, request: TikTokRequestModel | None, idempotency_key: str | None
    ) -> None:
        key = idempotency_key or str(uuid.uuid4())
        if len(key) > MAX_IDEMPOTENCY_KEY:
            raise ValueError(f"idempotency_key is longer than {MAX_IDEMPOTENCY_KEY} characters")
        self._client.call(
            "POST",
            f"{RETURN_REFUND_PATH}/{path}",
            shop=shop,
            query={"idempotency_key": key},
            body=request.to_body() if request is not None else {},
            idempotent=True,
        )
