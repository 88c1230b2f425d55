"""Webhook delivery: TikTok's signature, retry schedule, 3 s acknowledgement, duplicates, ordering, topics 6/7."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
import requests

from tests.integration.tiktok.support import Connected, ReceivedWebhook, WebhookReceiver, live_skus
from tiktok_sandbox import TikTokSandbox
from tts_connector.errors import AuthenticationError
from tts_connector.tiktok.errors import InvalidAccessTokenError
from tts_connector.tiktok.webhook import verify_signature as verify_tiktok_webhook

pytestmark = pytest.mark.integration


def _has_count(count: int, received: list[ReceivedWebhook]) -> bool:
    return len(received) == count


def _placed(sandbox: TikTokSandbox, tts: Connected) -> str:
    skus = live_skus(tts)
    assert sandbox.wait_for_webhooks()
    return str(sandbox.place_order(tts.us.shop_id, [(skus["TEE-RED-S"], 1)])["id"])


def test_webhooks_are_signed_like_tiktok(
    sandbox: TikTokSandbox, tts: Connected, webhook_receiver: WebhookReceiver
) -> None:
    sandbox.warn_authorization_expiry(tts.us.shop_id, expiration_time=1893456000)
    assert webhook_receiver.wait_for(lambda r: len(r) == 1)
    hook = webhook_receiver.received[0]
    config = sandbox.config
    verify_tiktok_webhook(config.app_key, config.app_secret, hook.body, hook.headers["Authorization"])
    with pytest.raises(AuthenticationError):
        verify_tiktok_webhook(config.app_key, "other-secret", hook.body, hook.headers["Authorization"])
    payload = json.loads(hook.body)
    assert payload["type"] == 7
    assert payload["shop_id"] == tts.us.shop_id
    assert payload["data"]["expiration_time"] == "1893456000"
    assert payload["tts_notification_id"]
    assert isinstance(payload["timestamp"], int)


@pytest.mark.parametrize("sandbox_overrides", [{"webhook_retry_scale": 0.00002}])
def test_failed_deliveries_follow_the_retry_schedule_then_stop(
    sandbox: TikTokSandbox, webhook_receiver: WebhookReceiver, sandbox_overrides: dict[str, Any]
) -> None:
    webhook_receiver.fail_first = 100
    sandbox.warn_authorization_expiry(sandbox.config.shops[0].id)
    assert sandbox.wait_for_webhooks(timeout=10)
    [entry] = sandbox.webhook_log()
    assert entry["state"] == "failed"
    # The first try plus TikTok's four retries.
    assert [a["status"] for a in entry["attempts"]] == [500] * 5
    gaps = [b["at"] - a["at"] for a, b in zip(entry["attempts"], entry["attempts"][1:], strict=False)]
    # Each retry waited at least its step of TikTok's schedule (2 min, 30 min, 3 h, 12 h), scaled.
    scale = sandbox.config.webhook_retry_scale
    assert all(gap >= step * scale for gap, step in zip(gaps, (120, 1800, 10800, 43200), strict=True))


def test_delivery_succeeds_on_a_later_retry(sandbox: TikTokSandbox, webhook_receiver: WebhookReceiver) -> None:
    webhook_receiver.fail_first = 2
    sandbox.warn_authorization_expiry(sandbox.config.shops[0].id)
    assert webhook_receiver.wait_for(lambda r: len(r) == 1)
    assert sandbox.wait_for_webhooks()
    [entry] = sandbox.webhook_log()
    assert entry["state"] == "delivered"
    assert [a["status"] for a in entry["attempts"]] == [500, 500, 200]


@pytest.mark.parametrize("sandbox_overrides", [{"webhook_timeout": 0.2}])
def test_slow_acknowledgement_counts_as_failure(
    sandbox: TikTokSandbox, webhook_receiver: WebhookReceiver, sandbox_overrides: dict[str, Any]
) -> None:
    webhook_receiver.slow_first, webhook_receiver.slow_seconds = 1, 0.5
    sandbox.warn_authorization_expiry(sandbox.config.shops[0].id)
    assert sandbox.wait_for_webhooks()
    [entry] = sandbox.webhook_log()
    assert entry["attempts"][0]["error"] == "ReadTimeout"
    assert entry["state"] == "delivered"


def test_duplicates_share_the_notification_id(sandbox: TikTokSandbox, webhook_receiver: WebhookReceiver) -> None:
    sandbox.send_duplicate_webhooks(1)
    sandbox.warn_authorization_expiry(sandbox.config.shops[0].id)
    sandbox.warn_authorization_expiry(sandbox.config.shops[1].id)
    assert webhook_receiver.wait_for(lambda r: len(r) == 3)
    ids = [json.loads(w.body)["tts_notification_id"] for w in webhook_receiver.received]
    assert len(set(ids)) == 2
    assert ids[0] == ids[1]


def test_held_webhooks_are_released_in_order_or_shuffled(
    sandbox: TikTokSandbox, tts: Connected, webhook_receiver: WebhookReceiver
) -> None:
    order_id = _placed(sandbox, tts)
    assert webhook_receiver.wait_for(lambda r: len(r) == len(sandbox.webhook_log()))
    before = len(webhook_receiver.received)
    sandbox.hold_webhooks()
    sandbox.pay_order(order_id)
    sandbox.cancel_order(order_id)
    assert [e["state"] for e in sandbox.webhook_log()[-3:]] == ["held"] * 3
    assert len(webhook_receiver.received) == before
    sandbox.release_webhooks()
    assert webhook_receiver.wait_for(lambda r: len(r) == before + 3)
    released = [json.loads(w.body) for w in webhook_receiver.received[before:]]
    assert [p["type"] for p in released] == [1, 11, 1]
    assert [p["data"].get("order_status") for p in released] == ["AWAITING_SHIPMENT", None, "CANCEL"]

    orders_seen: set[tuple[int, ...]] = set()
    for _ in range(8):
        start = len(webhook_receiver.received)
        sandbox.hold_webhooks()
        for expiration_time in (1, 2, 3):
            sandbox.warn_authorization_expiry(tts.us.shop_id, expiration_time=expiration_time)
        sandbox.release_webhooks(shuffle=True)
        assert webhook_receiver.wait_for(functools.partial(_has_count, start + 3))
        recent = [json.loads(w.body) for w in webhook_receiver.received[start:]]
        orders_seen.add(tuple(int(p["data"]["expiration_time"]) for p in recent))
    # Eight shuffles of three events all coming out in one order would be a 1 in 6**7 fluke.
    assert len(orders_seen) > 1


def test_deauthorization_sends_webhook_6_and_the_cipher_stops_working(
    sandbox: TikTokSandbox, tts: Connected, webhook_receiver: WebhookReceiver
) -> None:
    assert tts.api.logistics.warehouses(tts.gb)
    sandbox.deauthorize_shop(tts.gb.shop_id)
    assert webhook_receiver.wait_for(lambda r: any(json.loads(w.body)["type"] == 6 for w in r))
    with pytest.raises(InvalidAccessTokenError):
        tts.api.logistics.warehouses(tts.gb)
    assert [s.id for s in tts.api.shops.authorized_shops(tts.us.shop_id)] == [tts.us.shop_id]


def test_webhook_log_and_controls_over_http(sandbox: TikTokSandbox, webhook_receiver: WebhookReceiver) -> None:
    base = f"{sandbox.base_url}/_sandbox"
    shop_id = sandbox.config.shops[0].id
    assert requests.post(f"{base}/shops/{shop_id}/authorization-expiry", json={}, timeout=5).status_code == 200
    assert webhook_receiver.wait_for(lambda r: len(r) == 1)
    assert sandbox.wait_for_webhooks()
    log = requests.get(f"{base}/webhooks", timeout=5).json()
    assert [(e["type"], e["state"]) for e in log] == [(7, "delivered")]
    assert requests.post(f"{base}/faults", json={"kind": "nonsense"}, timeout=5).status_code == 400
