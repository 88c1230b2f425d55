"""Fixtures for TikTok client <-> sandbox tests over real HTTP (sandbox and webhook receiver on port 0)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.integration.tiktok.support import Connected, WebhookReceiver, connect
from tiktok_sandbox import SandboxConfig, TikTokSandbox


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    server = make_server("127.0.0.1", 0, receiver.app, threaded=True)
    receiver.url = f"http://127.0.0.1:{server.server_port}/webhooks/tiktok"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def sandbox_overrides() -> dict[str, Any]:
    """Override in a test module (or with indirect parametrisation) to change the sandbox config."""
    return {}


@pytest.fixture
def sandbox(webhook_receiver: WebhookReceiver, sandbox_overrides: dict[str, Any]) -> Iterator[TikTokSandbox]:
    settings: dict[str, Any] = {
        "webhook_url": webhook_receiver.url,
        # TikTok's 2 min / 30 min / 3 h / 12 h schedule compressed to 12 ms / 180 ms / 1 s / 4 s.
        "webhook_retry_scale": 0.0001,
        "auto_audit_after": 0.05,
        "fault_timeout_seconds": 0.6,
        "callback_url": "https://connector.example/tiktok/callback",
    }
    box = TikTokSandbox(SandboxConfig(**(settings | sandbox_overrides))).start()
    yield box
    box.stop()


@pytest.fixture
def tts(sandbox: TikTokSandbox) -> Connected:
    return connect(sandbox)
