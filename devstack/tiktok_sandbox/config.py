"""Sandbox configuration: app credentials, seeded shops, lifetimes, limits, webhook delivery, faults."""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_SCOPES: tuple[str, ...] = (
    "seller.authorization.info",
    "seller.product.basic",
    "seller.product.write",
    "seller.order.info",
    "seller.logistics",
    "seller.fulfillment.basic",
    "seller.return_refund.basic",
)

# TikTok's documented webhook retry schedule: 2 min, 30 min, 3 h, 12 h after each failure.
TIKTOK_WEBHOOK_RETRY_SCHEDULE: tuple[float, ...] = (120.0, 1800.0, 10800.0, 43200.0)


@dataclass(frozen=True)
class ShopSeed:
    id: str
    name: str
    region: str
    cipher: str
    code: str
    seller_type: str = "LOCAL"
    currency: str = "USD"


DEFAULT_SHOPS: tuple[ShopSeed, ...] = (
    ShopSeed(
        id="7494049642642441621",
        name="Sandbox US Shop",
        region="US",
        cipher="ROW_usSandboxCipherAAAAQra0eZWebFQq5aIK",
        code="USSBX4LLU8",
        currency="USD",
    ),
    ShopSeed(
        id="7000714532876273420",
        name="Sandbox UK Shop",
        region="GB",
        cipher="GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3",
        code="GBSBX4LLU8",
        seller_type="CROSS_BORDER",
        currency="GBP",
    ),
)


@dataclass
class SandboxConfig:
    app_key: str = "sandbox_app_key"
    app_secret: str = "sandbox_app_secret"
    service_id: str = "7172000000000070150"
    # Where the authorize page redirects (the app's redirect URL configured in Partner Center).
    callback_url: str = "http://127.0.0.1/tiktok/callback"
    # One URL for every webhook topic; `webhook_urls` overrides it per topic number.
    webhook_url: str | None = None
    webhook_urls: dict[int, str] = field(default_factory=dict)
    webhook_retry_schedule: tuple[float, ...] = TIKTOK_WEBHOOK_RETRY_SCHEDULE
    # Multiplies the retry schedule; e.g. 0.001 turns 2 min into 0.12 s for tests.
    webhook_retry_scale: float = 1.0
    # TikTok waits 3 s for the 200 acknowledgement.
    webhook_timeout: float = 3.0
    seller_open_id: str = "7010736057180325637"
    seller_name: str = "Sandbox Seller"
    seller_base_region: str = "US"
    shops: tuple[ShopSeed, ...] = DEFAULT_SHOPS
    granted_scopes: tuple[str, ...] = ALL_SCOPES
    access_token_ttl: float = 7 * 24 * 3600.0
    refresh_token_ttl: float = 365 * 24 * 3600.0
    auth_code_ttl: float = 30 * 60.0
    # Accepted request timestamps: [now - past, now + future], as TikTok documents.
    timestamp_past_window: int = 300
    timestamp_future_window: int = 30
    # Per app + shop + API token bucket (TikTok's default is 50 QPS per API).
    rate_limit_qps: float = 50.0
    rate_limit_burst: float = 50.0
    # Sent as Retry-After on 429s when set (TikTok does not document one).
    rate_limit_retry_after: float | None = None
    latency: float = 0.0
    # How long an injected "timeout" fault holds the request before answering 504.
    fault_timeout_seconds: float = 2.0
    # Seconds until a listed product's audit completes (approved); None leaves audits to the control API.
    auto_audit_after: float | None = 0.2
