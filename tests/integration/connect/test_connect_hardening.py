"""Connect under replays, lost answers and bad input, over HTTP through the local stack and the TikTok sandbox."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from local_stack import LocalStack
from tests.helpers import encode, sign_tiktok_webhook, tiktok_notification
from tests.integration.connect.support import OPEN_ID, UK_SHOP, US_SHOP, admin, alerts, subscribe_to_alerts

pytestmark = pytest.mark.integration


def _authorize(stack: LocalStack) -> None:
    start = admin(stack, "GET", "/tts/authorization/start").json()
    page = requests.get(start["authorize_url"], timeout=60)
    assert page.status_code == 200, page.text


def _post_webhook(stack: LocalStack, notification: dict[str, Any]) -> requests.Response:
    config = stack.sandboxes["tiktok"].config
    body = encode(notification)
    signature = sign_tiktok_webhook(config.app_key, config.app_secret, body)
    headers = {"Authorization": signature, "Content-Type": "application/json"}
    return requests.post(f"{stack.url}/webhooks/tiktok", data=body, headers=headers, timeout=30)


def _event_status(stack: LocalStack, key: str, timeout: float = 30) -> dict[str, Any]:
    table = stack.physical("EventsTable")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = stack.client("dynamodb").get_item(TableName=table, Key={"event_key": {"S": key}}).get("Item")
        if item and item["status"]["S"] in ("PROCESSED", "IGNORED", "FAILED"):
            return dict(item)
        time.sleep(0.1)
    raise AssertionError(f"{key} never finished")


def _shop(stack: LocalStack, shop_id: str) -> dict[str, Any]:
    return dict(next(s for s in admin(stack, "GET", "/admin/shops").json() if s["shop_id"] == shop_id))


def test_a_deauthorization_older_than_the_latest_authorization_is_ignored_and_recorded(stack: LocalStack) -> None:
    # Given a shop the seller deauthorized an hour ago and then authorized again
    _authorize(stack)
    replayed = tiktok_notification(
        topic=6, shop_id=US_SHOP, notification_id="8001", data={"message": "The seller deauthorized the app"}
    )
    replayed["timestamp"] = int(time.time()) - 3600

    # When TikTok's retry (or a replay) of that old deauthorization arrives
    assert _post_webhook(stack, replayed).status_code == 200

    # Then it is recorded as stale and the shop keeps working
    item = _event_status(stack, "tts:8001")
    assert item["status"]["S"] == "IGNORED" and "Stale" in item["detail"]["S"]
    assert _shop(stack, US_SHOP)["status"] == "CONNECTED"
    assert admin(stack, "GET", f"/admin/shops/{US_SHOP}/warehouses").status_code == 200

    # And a deauthorization sent after the authorization still disconnects it
    current = tiktok_notification(topic=6, shop_id=US_SHOP, notification_id="8002", data={})
    current["timestamp"] = int(time.time()) + 1
    assert _post_webhook(stack, current).status_code == 200
    assert _event_status(stack, "tts:8002")["status"]["S"] == "PROCESSED"
    assert _shop(stack, US_SHOP)["status"] == "DISCONNECTED"


def test_a_lost_refresh_answer_marks_the_seller_for_reauthorization_and_alerts(stack: LocalStack) -> None:
    # Given an authorized seller whose refresh went through at TikTok but whose answer never arrived:
    # TikTok rotated the pair, so the refresh token the connector holds is no longer valid.
    _authorize(stack)
    inbox = subscribe_to_alerts(stack)
    sandbox = stack.sandboxes["tiktok"]
    (held_refresh_token,) = list(sandbox.core.state.grants_by_refresh)
    lost = requests.get(
        f"{sandbox.base_url}/api/v2/token/refresh",
        params={
            "app_key": sandbox.config.app_key,
            "app_secret": sandbox.config.app_secret,
            "refresh_token": held_refresh_token,
            "grant_type": "refresh_token",
        },
        timeout=10,
    )
    assert lost.json()["code"] == 0
    sandbox.expire_access_token()

    # When the next call needs a fresh token
    refused = admin(stack, "GET", f"/admin/shops/{US_SHOP}/warehouses")

    # Then it fails with a hint to re-authorize, status says so, further work is refused without calling TikTok
    assert refused.status_code in (401, 502), refused.text
    status = admin(stack, "GET", "/admin/status").json()
    seller = next(s for s in status["sellers"] if s["open_id"] == OPEN_ID)
    assert seller["needs_reauthorization"] and seller["reauthorization_reason"]
    assert {s["status"] for s in status["shops"]} == {"NEEDS_REAUTHORIZATION"}
    blocked = admin(stack, "GET", f"/admin/shops/{UK_SHOP}/warehouses")
    assert blocked.status_code == 401 and "ttsc connect" in blocked.json()["hint"]

    # And the hourly run alerts once and then leaves the seller alone
    first = stack.fire_schedule("TokenRefreshFunction.Hourly")
    second = stack.fire_schedule("TokenRefreshFunction.Hourly")
    assert first.result["needs_reauthorization"] == [OPEN_ID] and second.result["needs_reauthorization"] == []
    assert any("must re-authorize" in body for body in alerts(stack, inbox))

    # And authorizing again clears it
    _authorize(stack)
    assert admin(stack, "GET", f"/admin/shops/{UK_SHOP}/warehouses").status_code == 200


def test_an_oauth_state_too_long_to_be_ours_gets_400_and_the_page_is_locked_down(stack: LocalStack) -> None:
    response = requests.get(
        f"{stack.url}/tts/authorization/code", params={"code": "abc", "state": "s" * 3000}, timeout=30
    )

    assert response.status_code == 400
    assert "not valid" in response.text
    assert response.headers["X-Frame-Options"] == "DENY"
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp


@pytest.mark.parametrize(
    "body",
    [
        '{"allow_app_store_installs": "yes"}',
        '{"allow_app_store_installs": true, "alow_app_store_installs": true}',
        '{"allow_app_store_installs": 1}',
    ],
)
def test_settings_refuse_unknown_fields_and_non_boolean_values(stack: LocalStack, body: str) -> None:
    response = requests.put(
        f"{stack.url}/admin/settings",
        data=body,
        headers={**stack.admin_headers, "Content-Type": "application/json"},
        timeout=30,
    )

    assert response.status_code == 422, response.text
    assert admin(stack, "GET", "/admin/settings").json() == {"allow_app_store_installs": False}


def test_deeply_nested_json_gets_400_not_a_crash(stack: LocalStack) -> None:
    response = requests.put(
        f"{stack.url}/admin/settings",
        data="[" * 100_000 + "]" * 100_000,
        headers={**stack.admin_headers, "Content-Type": "application/json"},
        timeout=30,
    )

    assert response.status_code == 400, response.text
