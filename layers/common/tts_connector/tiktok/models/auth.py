"""Auth host (token) and authorization (shops) models."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import Field

from tts_connector.tiktok.models.base import TikTokResponseModel


class TokenSet(TikTokResponseModel):
    """Answer of /api/v2/token/get and /api/v2/token/refresh.

    `access_token_expire_in` and `refresh_token_expire_in` are absolute Unix timestamps, despite the names.
    """

    access_token: str = Field(repr=False)
    access_token_expire_in: int
    refresh_token: str = Field(repr=False)
    refresh_token_expire_in: int
    open_id: str | None = None
    seller_name: str | None = None
    seller_base_region: str | None = None
    user_type: int | None = None
    granted_scopes: list[str] = Field(default_factory=list)

    @property
    def access_token_expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.access_token_expire_in, UTC)

    @property
    def refresh_token_expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.refresh_token_expire_in, UTC)

    def access_token_expired(self, now: datetime | None = None, *, margin_seconds: int = 0) -> bool:
        current = (now or datetime.now(UTC)).timestamp()
        return current + margin_seconds >= self.access_token_expire_in


class AuthorizedShop(TikTokResponseModel):
    id: str
    name: str
    region: str
    seller_type: str | None = None
    cipher: str
    code: str | None = None


class AuthorizedShops(TikTokResponseModel):
    shops: list[AuthorizedShop] = Field(default_factory=list)
