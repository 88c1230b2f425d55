"""Settings read from the environment in one place.

Every handler calls `get_settings()`; nothing else reads `os.environ`. Values that only some functions
need are optional here and fetched with `Settings.require(...)`, which names the missing variable so a
mis-deployed function fails with an actionable message instead of a KeyError.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from tts_connector.errors import ConfigurationError


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    stage: str = Field(default="dev", alias="STAGE")
    region: str = Field(default="us-east-1", alias="AWS_REGION")

    tiktok_api_url: HttpUrl = Field(default=HttpUrl("https://open-api.tiktokglobalshop.com"), alias="TIKTOK_API_URL")
    tiktok_auth_url: HttpUrl = Field(default=HttpUrl("https://auth.tiktok-shops.com"), alias="TIKTOK_AUTH_URL")
    tiktok_authorize_url: HttpUrl = Field(
        default=HttpUrl("https://services.tiktokshop.com/open/authorize"), alias="TIKTOK_AUTHORIZE_URL"
    )
    tiktok_app_secret_name: str | None = Field(default=None, alias="TIKTOK_APP_SECRET_NAME")

    magento_base_url: HttpUrl | None = Field(default=None, alias="MAGENTO_BASE_URL")
    magento_store_code: str = Field(default="default", alias="MAGENTO_STORE_CODE")
    magento_secret_name: str | None = Field(default=None, alias="MAGENTO_SECRET_NAME")
    # Secrets of the Magento change-event delivery formats (`POST /magento/events`).
    magento_events_secret_name: str | None = Field(default=None, alias="MAGENTO_EVENTS_SECRET_NAME")
    # Adobe I/O Events serves its public keys from this fixed domain only (its signature verification guide).
    adobe_io_keys_url: HttpUrl = Field(default=HttpUrl("https://static.adobeioevents.com"), alias="ADOBE_IO_KEYS_URL")

    tokens_table: str | None = Field(default=None, alias="TOKENS_TABLE")
    mappings_table: str | None = Field(default=None, alias="MAPPINGS_TABLE")
    jobs_table: str | None = Field(default=None, alias="JOBS_TABLE")
    events_table: str | None = Field(default=None, alias="EVENTS_TABLE")
    idempotency_table: str | None = Field(default=None, alias="IDEMPOTENCY_TABLE")
    rate_limit_table: str | None = Field(default=None, alias="RATE_LIMIT_TABLE")
    tiktok_events_queue_url: str | None = Field(default=None, alias="TIKTOK_EVENTS_QUEUE_URL")
    # Product push: one message per product (and per planning page), and the write-back to Magento.
    product_push_queue_url: str | None = Field(default=None, alias="PRODUCT_PUSH_QUEUE_URL")
    product_write_back_queue_url: str | None = Field(default=None, alias="PRODUCT_WRITE_BACK_QUEUE_URL")
    # Tries of one product before its item is recorded FAILED (SQS redelivers with a growing delay).
    product_push_max_attempts: int = Field(default=6, ge=1, le=20, alias="PRODUCT_PUSH_MAX_ATTEMPTS")
    # The first retry's delay; each later one doubles (jittered), at most 15 minutes.
    product_push_retry_base_seconds: float = Field(default=10.0, ge=0, alias="PRODUCT_PUSH_RETRY_BASE_SECONDS")
    kms_key_id: str | None = Field(default=None, alias="KMS_KEY_ID")
    # Price and stock sync: its change-event queue, its push queue, its table, and the coalescing window (the
    # push queue's DelaySeconds holds each push back this long; the two must be equal).
    stock_sync_queue_url: str | None = Field(default=None, alias="STOCK_SYNC_QUEUE_URL")
    stock_sync_push_queue_url: str | None = Field(default=None, alias="STOCK_SYNC_PUSH_QUEUE_URL")
    price_stock_sync_table: str | None = Field(default=None, alias="PRICE_STOCK_SYNC_TABLE")
    stock_sync_window_seconds: int = Field(default=2, ge=1, le=900, alias="STOCK_SYNC_WINDOW_SECONDS")
    alerts_topic_arn: str | None = Field(default=None, alias="ALERTS_TOPIC_ARN")

    # Renew access tokens this long before they expire (the schedule runs hourly); TikTok's lifetime is
    # read from each token's absolute expiry, never assumed.
    token_refresh_ahead_seconds: int = Field(default=24 * 3600, ge=60, alias="TOKEN_REFRESH_AHEAD_SECONDS")
    # Warn when the refresh token (the authorization itself) ends within this window.
    authorization_warn_ahead_seconds: int = Field(
        default=14 * 24 * 3600, ge=0, alias="AUTHORIZATION_WARN_AHEAD_SECONDS"
    )
    # Requests per second per shop and API that every Lambda together starts from (shared through the
    # rate-limit table); it drops when TikTok throttles and climbs back slowly, up to the ceiling. TikTok
    # documents 50 QPS per app, shop and API (reference §8.3): start a little under it.
    tiktok_rate_per_second: float = Field(default=45.0, gt=0, alias="TIKTOK_RATE_PER_SECOND")
    tiktok_rate_ceiling_per_second: float = Field(default=50.0, gt=0, alias="TIKTOK_RATE_CEILING_PER_SECOND")

    # Seconds an event may sit in RECEIVED before the outbox sweeper re-enqueues it.
    outbox_stale_after_seconds: int = Field(default=300, ge=1, alias="OUTBOX_STALE_AFTER_SECONDS")
    # Seconds after which an event still ENQUEUED or FAILED is reported stuck (its queue retries for
    # about 30 minutes before the DLQ parks it).
    events_stuck_after_seconds: int = Field(default=3600, ge=60, alias="EVENTS_STUCK_AFTER_SECONDS")
    secrets_max_age_seconds: int = Field(default=300, ge=0, alias="SECRETS_MAX_AGE_SECONDS")
    # Dead-letter queues `ttsc events replay` drains: "name=url" pairs separated by spaces.
    dead_letter_queues: str = Field(default="", alias="DEAD_LETTER_QUEUES")
    # The console's hosted login (Cognito domain), for its page's login script and CSP.
    console_auth_url: str | None = Field(default=None, alias="CONSOLE_AUTH_URL")

    # Order import (issue 13): its FIFO queue, its table, and how long an order placement whose answer was
    # lost is given to show up in Magento before the connector concludes it did not happen and places again.
    order_events_queue_url: str | None = Field(default=None, alias="ORDER_EVENTS_QUEUE_URL")
    orders_table: str | None = Field(default=None, alias="ORDERS_TABLE")
    order_placement_settle_seconds: int = Field(default=120, ge=0, alias="ORDER_PLACEMENT_SETTLE_SECONDS")
    # Refunds (issue 14): their FIFO queue, and how long a credit memo whose answer was lost is given to show up
    # in Magento (found by its marker) before it is asked for again.
    refund_events_queue_url: str | None = Field(default=None, alias="REFUND_EVENTS_QUEUE_URL")
    refund_settle_seconds: int = Field(default=120, ge=0, alias="REFUND_SETTLE_SECONDS")
    # Set by the local stack, so hints name its TTS_* variables instead of template parameters.
    local_stack: bool = Field(default=False, alias="TTS_LOCAL_STACK")

    def require(self, field: str) -> str:
        """Return a configured value or fail naming the environment variable to set."""
        value = getattr(self, field)
        if value in (None, ""):
            alias = type(self).model_fields[field].alias or field.upper()
            hint = (
                f"Set {self.where_to_change(field)}"
                if field in MERCHANT_SETTINGS
                else f"Set the {alias} environment variable (template.yaml) and redeploy"
            )
            raise ConfigurationError(f"Setting {alias} is not configured for this function", hint=hint)
        return str(value)

    def where_to_change(self, field: str) -> str:
        """Where the merchant changes `field` in this deployment, for error hints."""
        parameter, variable = MERCHANT_SETTINGS[field]
        if self.local_stack:
            return f"{variable} (environment of `tts-local up`)"
        return f"the stack parameter {parameter} (`sam deploy --parameter-overrides {parameter}=...`)"

    def dead_letter_queue_urls(self) -> dict[str, str]:
        pairs = (item.partition("=") for item in self.dead_letter_queues.split())
        return {name: url for name, _, url in pairs if name and url}


# Settings a merchant chooses: the template parameter in AWS and the local stack's variable for it.
MERCHANT_SETTINGS: dict[str, tuple[str, str]] = {
    "stage": ("Stage", "TTS_STAGE"),
    "tiktok_api_url": ("TikTokApiUrl", "TTS_TIKTOK_API_URL"),
    "tiktok_auth_url": ("TikTokAuthUrl", "TTS_TIKTOK_AUTH_URL"),
    "tiktok_authorize_url": ("TikTokAuthorizeUrl", "TTS_TIKTOK_AUTHORIZE_URL"),
    "tiktok_app_secret_name": (
        "TikTokAppSecretName",
        "TTS_TIKTOK_APP_KEY, TTS_TIKTOK_APP_SECRET and TTS_TIKTOK_SERVICE_ID",
    ),
    "magento_base_url": ("MagentoBaseUrl", "TTS_MAGENTO_BASE_URL"),
    "magento_store_code": ("MagentoStoreCode", "TTS_MAGENTO_STORE_CODE"),
    "magento_secret_name": (
        "MagentoSecretName",
        "TTS_MAGENTO_CONSUMER_KEY, TTS_MAGENTO_CONSUMER_SECRET, TTS_MAGENTO_ACCESS_TOKEN and "
        "TTS_MAGENTO_ACCESS_TOKEN_SECRET (or TTS_MAGENTO_BEARER_TOKEN)",
    ),
    "magento_events_secret_name": (
        "MagentoEventsSecretName",
        "TTS_MAGENTO_EVENTS_SIGNING_SECRET, TTS_MAGENTO_EVENTS_SHARED_SECRET and TTS_ADOBE_IO_CLIENT_ID",
    ),
    "alert_email": ("AlertEmail", "TTS_ALERT_EMAIL"),
    "log_level": ("LogLevel", "TTS_LOG_LEVEL"),
}


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    source: dict[str, Any] = dict(os.environ if environ is None else environ)
    try:
        return Settings.model_validate(source)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise ConfigurationError(
            f"Invalid connector settings: {problems}", hint="Fix the environment variables in template.yaml"
        ) from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process; cached because the environment does not change during a Lambda's life."""
    return load_settings()
