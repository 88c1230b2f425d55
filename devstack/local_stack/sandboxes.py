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
    endpoint = TikTokEndpoint(
        api_url=base,
        auth_url=base,
        authorize_url=f"{base}/open/authorize",
        credentials={
            "app_key": config.app_key,
            "app_secret": config.app_secret,
            "service_id": config.service_id,
        },
    )
    return sandbox, endpoint


def start_magento(host: str) -> tuple[Any, MagentoEndpoint]:
    from magento_sandbox import MagentoSandbox, SandboxConfig

    config = SandboxConfig()
    sandbox = MagentoSandbox(config)
    sandbox.start(host=host, port=0)
    credentials = {
        "consumer_key": config.consumer_key,
        "consumer_secret": config.consumer_secret,
        "access_token": config.access_token,
        "access_token_secret": config.access_token_secret,
    }
    return sandbox, MagentoEndpoint(sandbox.base_url, credentials)
