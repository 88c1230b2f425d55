"""Which TikTok Shop and Magento the local stack talks to, and the template parameters a merchant sets.

Environment (all optional; unset means "start the built-in sandbox"):
  TTS_TIKTOK_API_URL, TTS_TIKTOK_AUTH_URL, TTS_TIKTOK_AUTHORIZE_URL, TTS_TIKTOK_APP_KEY, TTS_TIKTOK_APP_SECRET,
  TTS_TIKTOK_SERVICE_ID
  TTS_MAGENTO_BASE_URL, TTS_MAGENTO_CONSUMER_KEY, TTS_MAGENTO_CONSUMER_SECRET, TTS_MAGENTO_ACCESS_TOKEN,
  TTS_MAGENTO_ACCESS_TOKEN_SECRET (or TTS_MAGENTO_BEARER_TOKEN)
  and one TTS_* variable per other template parameter (`PARAMETER_VARIABLES`), e.g. TTS_MAGENTO_STORE_CODE.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# TikTok's real hosts (reference §1.1, §1.3, §2.1): the API, auth and authorize page are three hosts.
TIKTOK_API_HOST = "open-api.tiktokglobalshop.com"
TIKTOK_AUTH_URL = "https://auth.tiktok-shops.com"
TIKTOK_AUTHORIZE_URL = "https://services.tiktokshop.com/open/authorize"

# Template parameters a merchant sets, and the local variable for each (the endpoint and secret ones are
# read by tiktok_from_env / magento_from_env; the rest are passed to the template as they are).
PARAMETER_VARIABLES: dict[str, str] = {
    "Stage": "TTS_STAGE",
    "TikTokApiUrl": "TTS_TIKTOK_API_URL",
    "TikTokAuthUrl": "TTS_TIKTOK_AUTH_URL",
    "TikTokAuthorizeUrl": "TTS_TIKTOK_AUTHORIZE_URL",
    "TikTokAppSecretName": "TTS_TIKTOK_APP_KEY",
    "MagentoBaseUrl": "TTS_MAGENTO_BASE_URL",
    "MagentoStoreCode": "TTS_MAGENTO_STORE_CODE",
    "MagentoSecretName": "TTS_MAGENTO_CONSUMER_KEY",
    "MagentoEventsSecretName": "TTS_MAGENTO_EVENTS_SIGNING_SECRET",
    "AlertEmail": "TTS_ALERT_EMAIL",
    "LogLevel": "TTS_LOG_LEVEL",
    "ConsoleMfa": "TTS_CONSOLE_MFA",
    "ProductPushMaxConcurrency": "TTS_PRODUCT_PUSH_MAX_CONCURRENCY",
    "ProductWriteBackMaxConcurrency": "TTS_PRODUCT_WRITE_BACK_MAX_CONCURRENCY",
    "StockSyncMaxConcurrency": "TTS_STOCK_SYNC_MAX_CONCURRENCY",
    "StockSyncPushMaxConcurrency": "TTS_STOCK_SYNC_PUSH_MAX_CONCURRENCY",
    "OrderEventsMaxConcurrency": "TTS_ORDER_EVENTS_MAX_CONCURRENCY",
    "RefundEventsMaxConcurrency": "TTS_REFUND_EVENTS_MAX_CONCURRENCY",
    "ApiAccessLogRetentionDays": "TTS_API_ACCESS_LOG_RETENTION_DAYS",
    "CreateApiGatewayLoggingRole": "TTS_CREATE_API_GATEWAY_LOGGING_ROLE",
}
# Parameters whose local value comes from the endpoints (URLs) or becomes a local secret's content.
_FROM_ENDPOINTS = frozenset(
    {
        "TikTokApiUrl",
        "TikTokAuthUrl",
        "TikTokAuthorizeUrl",
        "TikTokAppSecretName",
        "MagentoBaseUrl",
        "MagentoSecretName",
        "MagentoEventsSecretName",
    }
)


class LocalConfigError(ValueError):
    """The local stack's environment is incomplete or contradictory; the message names the variables."""


@dataclass(frozen=True)
class TikTokEndpoint:
    api_url: str
    auth_url: str
    authorize_url: str
    credentials: dict[str, str]  # app_key, app_secret, service_id — stored in the local Secrets Manager


@dataclass(frozen=True)
class MagentoEndpoint:
    base_url: str
    credentials: dict[str, str] = field(default_factory=dict)


def _require(env: dict[str, str], name: str, because: str) -> str:
    value = env.get(name, "")
    if not value:
        raise LocalConfigError(f"{name} must be set when {because} is set")
    return value


def tiktok_from_env(env: dict[str, str] | None = None) -> TikTokEndpoint | None:
    """The TikTok endpoints named by TTS_TIKTOK_*; None (use the sandbox) when TTS_TIKTOK_API_URL is unset.

    Real TikTok uses three hosts, so the auth host and authorize page are never guessed from the API URL:
    for TikTok's own API host they default to TikTok's real ones; for any other server they must be named.
    """
    env = dict(os.environ if env is None else env)
    api = env.get("TTS_TIKTOK_API_URL", "")
    if not api:
        return None
    auth = env.get("TTS_TIKTOK_AUTH_URL", "")
    authorize = env.get("TTS_TIKTOK_AUTHORIZE_URL", "")
    if urlsplit(api).hostname == TIKTOK_API_HOST:
        auth, authorize = auth or TIKTOK_AUTH_URL, authorize or TIKTOK_AUTHORIZE_URL
    missing = [
        name for name, value in (("TTS_TIKTOK_AUTH_URL", auth), ("TTS_TIKTOK_AUTHORIZE_URL", authorize)) if not value
    ]
    if missing:
        raise LocalConfigError(
            f"{' and '.join(missing)} must be set when TTS_TIKTOK_API_URL names a server other than TikTok's "
            f"({TIKTOK_API_HOST}): TikTok serves the API, the auth host and the authorize page from three hosts"
        )
    return TikTokEndpoint(
        api_url=api,
        auth_url=auth,
        authorize_url=authorize,
        credentials={
            "app_key": _require(env, "TTS_TIKTOK_APP_KEY", "TTS_TIKTOK_API_URL"),
            "app_secret": _require(env, "TTS_TIKTOK_APP_SECRET", "TTS_TIKTOK_API_URL"),
            "service_id": _require(env, "TTS_TIKTOK_SERVICE_ID", "TTS_TIKTOK_API_URL"),
        },
    )


def magento_from_env(env: dict[str, str] | None = None) -> MagentoEndpoint | None:
    env = dict(os.environ if env is None else env)
    base = env.get("TTS_MAGENTO_BASE_URL", "")
    if not base:
        return None
    if env.get("TTS_MAGENTO_BEARER_TOKEN"):
        return MagentoEndpoint(base, {"auth": "bearer", "access_token": env["TTS_MAGENTO_BEARER_TOKEN"]})
    names = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
    creds: dict[str, Any] = {n: _require(env, f"TTS_MAGENTO_{n.upper()}", "TTS_MAGENTO_BASE_URL") for n in names}
    return MagentoEndpoint(base, creds)


def magento_events_from_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The Magento events secret's content: from TTS_* variables, else fresh random secrets for this run."""
    env = dict(os.environ if env is None else env)
    return {
        "signing_secret": env.get("TTS_MAGENTO_EVENTS_SIGNING_SECRET") or secrets.token_urlsafe(32),
        "shared_secret": env.get("TTS_MAGENTO_EVENTS_SHARED_SECRET") or secrets.token_urlsafe(32),
        "adobe_recipient_client_id": env.get("TTS_ADOBE_IO_CLIENT_ID") or "local-adobe-io-client",
    }


def parameters_from_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """Template parameters set through their TTS_* variables (the endpoint ones excepted)."""
    env = dict(os.environ if env is None else env)
    return {
        parameter: env[variable]
        for parameter, variable in PARAMETER_VARIABLES.items()
        if parameter not in _FROM_ENDPOINTS and env.get(variable)
    }
