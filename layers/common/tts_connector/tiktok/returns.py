"""Returns, refunds and cancellations (read side)."""

from __future__ import annotations

from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.models.returns import (
    CancellationPage,
    CancellationSearchFilter,
    ReturnPage,
    ReturnSearchFilter,
)


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
            "/return_refund/202309/returns/search",
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
            "/return_refund/202309/cancellations/search",
            shop=shop,
            query={"page_size": max(1, min(page_size, 50)), "page_token": page_token},
            body=(filters or CancellationSearchFilter()).to_body(),
            idempotent=True,
        )
        return CancellationPage.model_validate(data or {})
