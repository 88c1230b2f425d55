"""Authorization API: which shops an access token may act for, with their ciphers."""

from __future__ import annotations

from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.models.auth import AuthorizedShop, AuthorizedShops


class ShopsApi:
    def __init__(self, client: TikTokShopClient):
        self._client = client

    def authorized_shops(self, token_key: str) -> list[AuthorizedShop]:
        """GET /authorization/202309/shops; `token_key` is whatever key the TokenSource holds the token under.

        This endpoint rejects `shop_cipher` (36009004), so none is sent.
        """
        data = self._client.call(
            "GET", "/authorization/202309/shops", shop=ShopRef(token_key), send_cipher=False, idempotent=True
        )
        return AuthorizedShops.model_validate(data or {}).shops
