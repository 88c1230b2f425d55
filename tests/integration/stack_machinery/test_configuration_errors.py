"""A newcomer pointing the stack at other servers: refused at start naming the variable, or told which one is wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from local_stack import LocalStack, StackConfig
from local_stack.stack import free_port
from magento_sandbox import MagentoSandbox
from magento_sandbox import SandboxConfig as MagentoConfig
from tests.integration.stack_support import ROOT
from tiktok_sandbox import SandboxConfig as TikTokConfig
from tiktok_sandbox import TikTokSandbox

pytestmark = pytest.mark.integration

CREDENTIALS = {"TTS_TIKTOK_APP_KEY": "k", "TTS_TIKTOK_APP_SECRET": "s", "TTS_TIKTOK_SERVICE_ID": "7172"}


def _tts_local_up(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    tts_local = Path(sys.executable).with_name("tts-local")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TTS_")}
    return subprocess.run(
        [str(tts_local), "up", "--port", str(free_port())],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )


def _ttsc(stack: LocalStack, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TTSC_URL": stack.url, "TTSC_ADMIN_TOKEN": stack.config.admin_token}
    ttsc = Path(sys.executable).with_name("ttsc")
    return subprocess.run([str(ttsc), *args], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_an_api_url_alone_is_refused_at_start_naming_the_auth_and_authorize_variables(tmp_path: Path) -> None:
    result = _tts_local_up({"TTS_TIKTOK_API_URL": "http://127.0.0.1:9", **CREDENTIALS}, tmp_path)

    assert result.returncode == 2
    assert "TTS_TIKTOK_AUTH_URL and TTS_TIKTOK_AUTHORIZE_URL must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_service_id_is_refused_at_start(tmp_path: Path) -> None:
    env = {"TTS_TIKTOK_API_URL": "https://open-api.tiktokglobalshop.com", **CREDENTIALS}
    del env["TTS_TIKTOK_SERVICE_ID"]

    result = _tts_local_up(env, tmp_path)

    assert result.returncode == 2
    assert "TTS_TIKTOK_SERVICE_ID must be set" in result.stderr


def test_a_wrong_store_code_is_named_by_its_local_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTS_MAGENTO_STORE_CODE", "nope")
    with LocalStack(StackConfig(state_dir=tmp_path / "state", run_schedules=False)) as stack:
        result = _ttsc(stack, "setup", "magento")

    assert result.returncode == 1
    assert "store that was requested wasn't found" in result.stderr
    assert "Store view 'nope' does not exist: set TTS_MAGENTO_STORE_CODE" in result.stderr


def test_an_auth_url_that_is_not_tiktoks_is_named_on_the_callback_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The "auth host" here is a Magento store: it answers JSON, but not TikTok's envelope.
    port = free_port()
    tiktok = TikTokSandbox(TikTokConfig(callback_url=f"http://127.0.0.1:{port}/tts/authorization/code")).start()
    magento = MagentoSandbox(MagentoConfig()).start()
    try:
        _external_tiktok(monkeypatch, tiktok, auth_url=magento.base_url)
        with LocalStack(StackConfig(state_dir=tmp_path / "state", port=port, run_schedules=False)) as stack:
            link = _ttsc_link(stack)
            page = requests.get(link, timeout=60)
    finally:
        tiktok.stop()
        magento.stop()

    assert page.status_code == 502
    assert "auth host" in page.text and "TTS_TIKTOK_AUTH_URL" in page.text
    assert "30 minutes" not in page.text


def test_a_pasted_partner_center_link_keeps_one_service_id_and_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    tiktok = TikTokSandbox(TikTokConfig(callback_url=f"http://127.0.0.1:{port}/tts/authorization/code")).start()
    try:
        pasted = f"{tiktok.base_url}/open/authorize?service_id={tiktok.config.service_id}"
        _external_tiktok(monkeypatch, tiktok, auth_url=tiktok.base_url, authorize_url=pasted)
        with LocalStack(StackConfig(state_dir=tmp_path / "state", port=port, run_schedules=False)) as stack:
            link = _ttsc_link(stack)
            page = requests.get(link, timeout=60)
    finally:
        tiktok.stop()

    assert link.count("service_id=") == 1
    assert page.status_code == 200 and "TikTok Shop connected" in page.text


def _external_tiktok(
    monkeypatch: pytest.MonkeyPatch, tiktok: Any, *, auth_url: str, authorize_url: str | None = None
) -> None:
    monkeypatch.setenv("TTS_TIKTOK_API_URL", tiktok.base_url)
    monkeypatch.setenv("TTS_TIKTOK_AUTH_URL", auth_url)
    monkeypatch.setenv("TTS_TIKTOK_AUTHORIZE_URL", authorize_url or f"{tiktok.base_url}/open/authorize")
    monkeypatch.setenv("TTS_TIKTOK_APP_KEY", tiktok.config.app_key)
    monkeypatch.setenv("TTS_TIKTOK_APP_SECRET", tiktok.config.app_secret)
    monkeypatch.setenv("TTS_TIKTOK_SERVICE_ID", tiktok.config.service_id)


def _ttsc_link(stack: LocalStack) -> str:
    result = _ttsc(stack, "connect")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]
