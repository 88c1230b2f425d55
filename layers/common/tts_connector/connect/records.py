"""What the connector remembers about sellers, shops and its own connection settings."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ShopStatus(StrEnum):
    CONNECTED = "CONNECTED"
    DISCONNECTED = "DISCONNECTED"  # the seller deauthorized the app (webhook 6)
    # Shown (never stored on the shop): its seller's tokens can no longer be refreshed.
    NEEDS_REAUTHORIZATION = "NEEDS_REAUTHORIZATION"


class SellerTokens(BaseModel):
    """A seller authorization: one token pair serves every shop the seller authorized."""

    model_config = ConfigDict(frozen=True)

    open_id: str
    seller_name: str | None = None
    region: str | None = None
    access_token: str = Field(repr=False)
    refresh_token: str = Field(repr=False)
    access_expires_at: int
    refresh_expires_at: int
    granted_scopes: list[str] = Field(default_factory=list)
    version: int = 0
    updated_at: int = 0
    # Set when refreshing keeps failing (or TikTok refuses the refresh token): every call for the seller's
    # shops is refused with a re-authorize hint until the seller authorizes again, which clears it.
    needs_reauthorization: bool = False
    reauthorization_reason: str | None = None
    refresh_failures: int = 0
    reauthorization_alerted: bool = False


class Shop(BaseModel):
    model_config = ConfigDict(frozen=True)

    shop_id: str
    open_id: str
    name: str
    region: str
    cipher: str
    seller_type: str | None = None
    code: str | None = None
    selected: bool = False
    warehouse_id: str | None = None
    status: ShopStatus = ShopStatus.CONNECTED
    status_reason: str | None = None
    authorization_expires_at: int | None = None
    # When the connector last stored an authorization listing this shop (our clock, Unix seconds): a
    # state-changing webhook older than this (a replayed deauthorization) is about an earlier grant.
    authorized_at: int | None = None
    updated_at: int = 0


class ConnectorSettings(BaseModel):
    # Strict: `"yes"` is not `true`, and a misspelt setting is refused rather than silently dropped.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    # TikTok's Seller App Store installs redirect without `state`; accepting them weakens CSRF protection,
    # so it is off until the merchant turns it on.
    allow_app_store_installs: bool = False
