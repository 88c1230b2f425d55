"""With TTS_TIKTOK_* / TTS_MAGENTO_* set, the stack starts no sandbox and its functions call the named servers."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from local_stack import LocalStack, StackConfig
from magento_sandbox import MagentoSandbox
from magento_sandbox import SandboxConfig as MagentoConfig
from tiktok_sandbox import SandboxConfig as TikTokConfig
from tiktok_sandbox import TikTokSandbox

pytestmark = pytest.mark.integration


def test_stack_uses_servers_named_in_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiktok = TikTokSandbox(TikTokConfig(app_key="external_key", app_secret="external_secret")).start()
    magento = MagentoSandbox(MagentoConfig()).start()
    tiktok_url, magento_url = tiktok.base_url, magento.base_url
    try:
        monkeypatch.setenv("TTS_TIKTOK_API_URL", tiktok.base_url)
        # A server that is not TikTok's own host must name its auth host and authorize page too.
        monkeypatch.setenv("TTS_TIKTOK_AUTH_URL", tiktok.base_url)
        monkeypatch.setenv("TTS_TIKTOK_AUTHORIZE_URL", f"{tiktok.base_url}/open/authorize")
        monkeypatch.setenv("TTS_TIKTOK_APP_KEY", "external_key")
        monkeypatch.setenv("TTS_TIKTOK_APP_SECRET", "external_secret")
        monkeypatch.setenv("TTS_TIKTOK_SERVICE_ID", tiktok.config.service_id)
        monkeypatch.setenv("TTS_MAGENTO_BASE_URL", magento.base_url)
        for name in ("consumer_key", "consumer_secret", "access_token", "access_token_secret"):
            monkeypatch.setenv(f"TTS_MAGENTO_{name.upper()}", getattr(magento.config, name))

        with LocalStack(StackConfig(state_dir=tmp_path / "state", run_schedules=False)) as stack:
            described = requests.get(f"{stack.url}/_local/stack", timeout=30).json()
            setup = requests.post(f"{stack.url}/admin/setup/magento", headers=stack.admin_headers, timeout=60)
            start = requests.get(f"{stack.url}/tts/authorization/start", headers=stack.admin_headers, timeout=60)
            sandboxes = dict(stack.sandboxes)
    finally:
        tiktok.stop()
        magento.stop()

    assert sandboxes == {}
    assert described["tiktok_api_url"] == tiktok_url
    assert described["magento_base_url"] == magento_url
    assert setup.status_code == 200 and setup.json()["base_url"] == magento_url
    assert any(r["path"].endswith("/V1/store/storeConfigs") for r in magento.requests())
    assert start.json()["authorize_url"].startswith(f"{tiktok_url}/open/authorize")
