"""In-memory stand-ins for the connect store and TikTok's auth host (fakes over mocks)."""

from __future__ import annotations

import threading
from typing import Any

from tts_connector.connect.records import ConnectorSettings, SellerTokens, Shop
from tts_connector.errors import ConflictError, NotFoundError
from tts_connector.tiktok.errors import TikTokApiError, TikTokTransientError
from tts_connector.tiktok.models.auth import TokenSet


class InMemoryConnectStore:
    def __init__(self) -> None:
        self.states: dict[str, int] = {}
        self.sellers: dict[str, SellerTokens] = {}
        self.leases: dict[str, int] = {}
        self.shops: dict[str, Shop] = {}
        self.settings = ConnectorSettings()
        self.magento: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def put_state(self, state: str, expires_at: int) -> None:
        self.states[state] = expires_at

    def consume_state(self, state: str, now: int) -> bool:
        with self._lock:
            expires = self.states.get(state)
            if expires is None or expires <= now:
                return False
            del self.states[state]
            return True

    def get_seller(self, open_id: str) -> SellerTokens | None:
        return self.sellers.get(open_id)

    def list_sellers(self) -> list[SellerTokens]:
        return list(self.sellers.values())

    def save_new_authorization(self, tokens: SellerTokens) -> SellerTokens:
        current = self.sellers.get(tokens.open_id)
        saved = tokens.model_copy(update={"version": current.version + 1 if current else 1})
        self.sellers[tokens.open_id] = saved
        return saved

    def try_lease(self, open_id: str, version: int, now: int, seconds: int) -> bool:
        with self._lock:
            seller = self.sellers[open_id]
            if seller.version != version or self.leases.get(open_id, 0) >= now:
                return False
            self.leases[open_id] = now + seconds
            return True

    def release_lease(self, open_id: str) -> None:
        self.leases.pop(open_id, None)

    def save_refreshed(self, tokens: SellerTokens, expected_version: int) -> SellerTokens:
        with self._lock:
            if self.sellers[tokens.open_id].version != expected_version:
                raise ConflictError("changed")
            saved = tokens.model_copy(update={"version": expected_version + 1})
            self.sellers[tokens.open_id] = saved
            self.leases.pop(tokens.open_id, None)
            return saved

    def record_refresh_failure(self, open_id: str, reason: str, *, needs_reauthorization: bool) -> SellerTokens:
        seller = self.sellers[open_id]
        update: dict[str, Any] = {"refresh_failures": seller.refresh_failures + 1, "reauthorization_reason": reason}
        if needs_reauthorization:
            update["needs_reauthorization"] = True
        self.sellers[open_id] = seller.model_copy(update=update)
        return self.sellers[open_id]

    def mark_reauthorization_alerted(self, open_id: str) -> None:
        self.sellers[open_id] = self.sellers[open_id].model_copy(update={"reauthorization_alerted": True})

    def get_shop(self, shop_id: str) -> Shop | None:
        return self.shops.get(shop_id)

    def list_shops(self) -> list[Shop]:
        return sorted(self.shops.values(), key=lambda s: s.shop_id)

    def upsert_authorized_shop(self, shop: Shop) -> Shop:
        current = self.shops.get(shop.shop_id)
        merged = shop.model_copy(
            update={
                "selected": current.selected if current else False,
                "warehouse_id": current.warehouse_id if current else None,
            }
        )
        self.shops[shop.shop_id] = merged
        return merged

    def update_shop(self, shop_id: str, **changes: Any) -> Shop:
        if shop_id not in self.shops:
            raise NotFoundError(f"Shop {shop_id} is not authorized for this connector")
        self.shops[shop_id] = self.shops[shop_id].model_copy(update=changes)
        return self.shops[shop_id]

    def get_settings(self) -> ConnectorSettings:
        return self.settings

    def save_settings(self, settings: ConnectorSettings) -> ConnectorSettings:
        self.settings = settings
        return settings

    def get_magento_setup(self) -> dict[str, Any] | None:
        return self.magento

    def save_magento_setup(self, report: dict[str, Any]) -> None:
        self.magento = report


class FakeAuthHost:
    """TikTok's token refresh: rotates the pair, and refuses a refresh token it already rotated.

    `lose_answers`: that many refreshes are carried out (the pair rotates) but their answer never arrives.
    `refuse_as_tiktok`: refuse an unknown refresh token as TikTok would (an API error) instead of a bare one.
    """

    def __init__(self, now: float, lifetime: int = 7 * 24 * 3600) -> None:
        self.now = now
        self.lifetime = lifetime
        self.valid_refresh: set[str] = {"refresh-0"}
        self.calls = 0
        self.lose_answers = 0
        self.refuse_as_tiktok = False
        self._lock = threading.Lock()

    def refresh(self, refresh_token: str) -> TokenSet:
        with self._lock:
            if refresh_token not in self.valid_refresh:
                if self.refuse_as_tiktok:
                    raise TikTokApiError(
                        "TikTok Shop refused /api/v2/token/refresh: invalid refresh token", tiktok_code=105003
                    )
                raise PermissionError("refresh token already used")
            self.valid_refresh.discard(refresh_token)
            if self.lose_answers > 0:
                self.lose_answers -= 1
                self.calls += 1
                self.valid_refresh.add(f"refresh-{self.calls}")
                raise TikTokTransientError("TikTok Shop auth host did not answer /api/v2/token/refresh")
            self.calls += 1
            fresh = f"refresh-{self.calls}"
            self.valid_refresh.add(fresh)
        return TokenSet(
            access_token=f"access-{self.calls}",
            access_token_expire_in=int(self.now) + self.lifetime,
            refresh_token=fresh,
            refresh_token_expire_in=int(self.now) + 365 * 24 * 3600,
            open_id="seller-1",
        )
