"""Orders: search (paged) and detail (at most 50 ids per call, so the client chunks)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.models.order import Order, OrderList, OrderPage, OrderSearchFilter

ORDER_DETAIL_MAX_IDS = 50


class OrdersApi:
    def __init__(self, client: TikTokShopClient):
        self._client = client

    def search(
        self,
        shop: ShopRef,
        filters: OrderSearchFilter | None = None,
        *,
        page_size: int = 50,
        page_token: str | None = None,
        sort_field: str | None = None,
        sort_order: str | None = None,
    ) -> OrderPage:
        data = self._client.call(
            "POST",
            "/order/202309/orders/search",
            shop=shop,
            query={
                "page_size": page_size,
                "page_token": page_token,
                "sort_field": sort_field,
                "sort_order": sort_order,
            },
            body=(filters or OrderSearchFilter()).to_body(),
            idempotent=True,
        )
        return OrderPage.model_validate(data or {})

    def iter_search(
        self, shop: ShopRef, filters: OrderSearchFilter | None = None, *, page_size: int = 50
    ) -> Iterator[Order]:
        """Every matching order, following `next_page_token` until TikTok returns an empty one."""
        token: str | None = None
        while True:
            page = self.search(shop, filters, page_size=page_size, page_token=token)
            yield from page.orders
            token = page.next_page_token
            if not token:
                return

    def details(self, shop: ShopRef, order_ids: Sequence[str]) -> list[Order]:
        """Order detail for any number of ids, fetched in chunks of 50 (TikTok's maximum per call)."""
        unique = list(dict.fromkeys(order_ids))
        orders: list[Order] = []
        for start in range(0, len(unique), ORDER_DETAIL_MAX_IDS):
            chunk = unique[start : start + ORDER_DETAIL_MAX_IDS]
            data = self._client.call("GET", "/order/202309/orders", shop=shop, query={"ids": chunk}, idempotent=True)
            orders.extend(OrderList.model_validate(data or {}).orders)
        return orders
