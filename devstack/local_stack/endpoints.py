"""Which TikTok Shop and Magento the local stack talks to: the built-in sandboxes, or servers named in the environment.

Environment (all optional; unset means "start the sandbox"):
  TTS_TIKTOK_API_URL, TTS_TIKTOK_AUTH_URL, TTS_TIKTOK_AUTHORIZE_URL, TTS_TIKTOK_APP_KEY, TTS_TIKTOK_APP_SECRET,
  TTS_TIKTOK_SERVICE_ID
  TTS_MAGENTO_BASE_URL, TTS_MAGENTO_CONSUMER_KEY, TTS_MAGENTO_CONSUMER_SECRET, TTS_MAGENTO_ACCESS_TOKEN,
  TTS_MAGENTO_ACCESS_TOKEN_SECRET (or TTS_MAGENTO_BEARER_TOKEN)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any


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
        raise ValueError(f"{name} must be set when {because} is set")
    return value


def tiktok_from_env(env: dict[str, str] | None = None) -> TikTokEndpoint | None:
    env = dict(os.environ if env is None else env)
    api = env.get("TTS_TIKTOK_API_URL", "")
    if not api:
        return None
    return TikTokEndpoint(
        api_url=api,
        auth_url=env.get("TTS_TIKTOK_AUTH_URL") or api,
        authorize_url=env.get("TTS_TIKTOK_AUTHORIZE_URL") or api.rstrip("/") + "/open/authorize",
        credentials={
            "app_key": _require(env, "TTS_TIKTOK_APP_KEY", "TTS_TIKTOK_API_URL"),
            "app_secret": _require(env, "TTS_TIKTOK_APP_SECRET", "TTS_TIKTOK_API_URL"),
            "service_id": env.get("TTS_TIKTOK_SERVICE_ID", ""),
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
