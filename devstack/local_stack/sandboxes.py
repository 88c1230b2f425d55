"""Starting the built-in TikTok Shop and Magento sandboxes and describing how to reach them."""

from __future__ import annotations

from typing import Any

from local_stack.endpoints import MagentoEndpoint, TikTokEndpoint


def start_tiktok(host: str, callback_url: str, webhook_url: str) -> tuple[Any, TikTokEndpoint]:
    from tiktok_sandbox import SandboxConfig, TikTokSandbox

    config = SandboxConfig(callback_url=callback_url, webhook_url=webhook_url)
    sandbox = TikTokSandbox(config)
    sandbox.start(host=host, port=0)
    base = sandbox.base_url
    return sandbox, tiktok_endpoint(base, config)


def tiktok_endpoint(base: str, config: Any) -> TikTokEndpoint:
    """How the stack reaches a TikTok sandbox at `base` (one host serves API, auth and authorize page)."""
    credentials = {"app_key": config.app_key, "app_secret": config.app_secret, "service_id": config.service_id}
    return TikTokEndpoint(api_url=base, auth_url=base, authorize_url=f"{base}/open/authorize", credentials=credentials)


def start_magento(host: str) -> tuple[Any, MagentoEndpoint]:
    from magento_sandbox import MagentoSandbox, SandboxConfig

    config = SandboxConfig()
    sandbox = MagentoSandbox(config)
    sandbox.start(host=host, port=0)
    return sandbox, magento_endpoint(sandbox.base_url, config)


def magento_endpoint(base: str, config: Any) -> MagentoEndpoint:
    """How the stack reaches a Magento sandbox at `base` with its integration credentials."""
    credentials = {
        "consumer_key": config.consumer_key,
        "consumer_secret": config.consumer_secret,
        "access_token": config.access_token,
        "access_token_secret": config.access_token_secret,
    }
    return MagentoEndpoint(base, credentials)
