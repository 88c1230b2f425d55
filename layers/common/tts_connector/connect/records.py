"""What the connector remembers about sellers, shops and its own connection settings."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ShopStatus(StrEnum):
    CONNECTED = "CONNECTED"
    DISCONNECTED = "DISCONNECTED"  # the seller deauthorized the app (webhook 6) or re-authorization is needed


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
    updated_at: int = 0


class ConnectorSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # TikTok's Seller App Store installs redirect without `state`; accepting them weakens CSRF protection,
    # so it is off until the merchant turns it on.
    allow_app_store_installs: bool = False
