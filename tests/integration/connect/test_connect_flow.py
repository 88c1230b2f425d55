"""Connect through the local stack against the TikTok Shop sandbox: authorization, shops, tokens, deauthorization."""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from local_stack import LocalStack, StackConfig
from tests.integration.connect.support import OPEN_ID, UK_SHOP, US_SHOP, admin, alerts, subscribe_to_alerts

pytestmark = pytest.mark.integration


def _tiktok(stack: LocalStack) -> Any:
    return stack.sandboxes["tiktok"]


def _start(stack: LocalStack) -> dict[str, Any]:
    response = admin(stack, "GET", "/tts/authorization/start")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _authorize(stack: LocalStack, authorize_url: str) -> requests.Response:
    """The seller's browser: open TikTok's page, follow its redirect to the connector's callback."""
    return requests.get(authorize_url, timeout=60, allow_redirects=True)


def _tokens_items(stack: LocalStack) -> list[dict[str, Any]]:
    return list(stack.client("dynamodb").scan(TableName=stack.physical("TokensTable"))["Items"])


def _sellers(stack: LocalStack) -> list[dict[str, Any]]:
    return [i for i in _tokens_items(stack) if i["pk"]["S"].startswith("SELLER#")]


def test_full_authorization_stores_encrypted_tokens_and_lists_the_shops(stack: LocalStack) -> None:
    # Given an authorization started by the merchant
    start = _start(stack)
    assert parse_qs(urlparse(start["authorize_url"]).query)["state"] == [start["state"]]

    # When the seller approves on TikTok's page
    page = _authorize(stack, start["authorize_url"])

    # Then the callback answers with a success page listing both shops
    assert page.status_code == 200
    assert page.url.startswith(f"{stack.url}/tts/authorization/code")
    assert "TikTok Shop connected" in page.text
    assert "Sandbox US Shop" in page.text and "Sandbox UK Shop" in page.text
    shops = admin(stack, "GET", "/admin/shops").json()
    assert {s["shop_id"] for s in shops} == {US_SHOP, UK_SHOP}
    assert all(s["status"] == "CONNECTED" and not s["selected"] for s in shops)

    # And the stored item holds KMS ciphertext, never a token TikTok issued
    state = _tiktok(stack).core.state
    issued = [*state.grants_by_access, *state.grants_by_refresh]
    assert len(issued) == 2
    seller = _sellers(stack)[0]
    assert seller["pk"]["S"] == f"SELLER#{OPEN_ID}"
    assert set(seller["access_token"]) == {"B"} and set(seller["refresh_token"]) == {"B"}
    raw = repr(_tokens_items(stack)).encode() + b"".join(
        bytes(v["B"]) for i in _tokens_items(stack) for v in i.values() if "B" in v
    )
    logs = "".join(p.read_text() for p in stack.log_dir.glob("*.log"))
    assert "Seller authorized" in logs
    for token in issued:
        assert token.encode() not in raw
        assert token not in logs
    assert _tiktok(stack).config.app_secret not in logs


def test_callback_with_forged_reused_or_expired_state_stores_nothing(stack: LocalStack) -> None:
    sandbox = _tiktok(stack)

    forged = _authorize(stack, sandbox.authorize_url(state="forged-state"))
    assert forged.status_code == 400
    assert "not valid" in forged.text
    assert _sellers(stack) == []

    start = _start(stack)
    assert _authorize(stack, start["authorize_url"]).status_code == 200
    before = _tokens_items(stack)
    reused = _authorize(stack, start["authorize_url"])
    assert reused.status_code == 400 and "already used" in reused.text
    assert _tokens_items(stack) == before

    expired = _start(stack)
    stack.client("dynamodb").update_item(
        TableName=stack.physical("TokensTable"),
        Key={"pk": {"S": f"STATE#{expired['state']}"}, "sk": {"S": "STATE"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )
    sellers_before = _sellers(stack)
    late = _authorize(stack, expired["authorize_url"])
    assert late.status_code == 400
    assert _sellers(stack) == sellers_before


def test_callback_without_state_needs_app_store_installs_enabled(stack: LocalStack) -> None:
    sandbox = _tiktok(stack)

    refused = _authorize(stack, sandbox.authorize_url(state=None))
    assert refused.status_code == 400 and "App Store" in refused.text
    assert _sellers(stack) == []

    assert admin(stack, "PUT", "/admin/settings", json={"allow_app_store_installs": True}).status_code == 200
    accepted = _authorize(stack, sandbox.authorize_url(state=None))
    assert accepted.status_code == 200 and "connected" in accepted.text
    assert len(_sellers(stack)) == 1


def test_denied_consent_shows_a_clear_page_and_stores_nothing(stack: LocalStack) -> None:
    _tiktok(stack).set_next_authorize_decision("deny")

    page = _authorize(stack, _start(stack)["authorize_url"])

    assert page.status_code == 403
    assert "declined" in page.text
    assert _sellers(stack) == []


def test_used_authorization_code_gets_a_clear_page(stack: LocalStack) -> None:
    start = _start(stack)
    redirect = requests.get(start["authorize_url"], timeout=30, allow_redirects=False)
    callback = redirect.headers["Location"]
    assert requests.get(callback, timeout=60).status_code == 200

    # Replay the same code with a new valid state: TikTok refuses the used code
    second = _start(stack)
    code = parse_qs(urlparse(callback).query)["code"][0]
    replay = requests.get(
        f"{stack.url}/tts/authorization/code", params={"code": code, "state": second["state"]}, timeout=60
    )
    assert replay.status_code == 400
    assert "30 minutes and only once" in replay.text


def test_select_shop_with_default_or_chosen_warehouse(stack: LocalStack) -> None:
    _authorize(stack, _start(stack)["authorize_url"])
    warehouses = admin(stack, "GET", f"/admin/shops/{US_SHOP}/warehouses").json()
    assert warehouses

    chosen = warehouses[-1]["id"]
    selected = admin(stack, "PUT", f"/admin/shops/{US_SHOP}", json={"selected": True, "warehouse_id": chosen})
    assert selected.status_code == 200, selected.text
    assert selected.json()["warehouse_id"] == chosen and selected.json()["selected"] is True

    wrong = admin(stack, "PUT", f"/admin/shops/{US_SHOP}", json={"warehouse_id": "nope"})
    assert wrong.status_code == 400 and "does not belong" in wrong.json()["message"]
    unknown_field = admin(stack, "PUT", f"/admin/shops/{US_SHOP}", json={"warehouse": "x"})
    assert unknown_field.status_code == 422
    status = admin(stack, "GET", "/admin/status").json()
    assert status["connected"] is True
    us = next(s for s in status["shops"] if s["shop_id"] == US_SHOP)
    assert us["warehouse_id"] == chosen and us["access_expires_at"] > time.time()


def test_scheduled_refresh_renews_tokens_before_expiry(stack: LocalStack) -> None:
    _authorize(stack, _start(stack)["authorize_url"])
    before = _sellers(stack)[0]

    # Nothing is due yet: the access token lives 7 days and the refresh window is 24 h
    first = stack.fire_schedule("TokenRefreshFunction.Hourly")
    assert first.ok and first.result["refreshed"] == []

    # Bring the recorded expiry inside the refresh window
    stack.client("dynamodb").update_item(
        TableName=stack.physical("TokensTable"),
        Key={"pk": {"S": f"SELLER#{OPEN_ID}"}, "sk": {"S": "TOKENS"}},
        UpdateExpression="SET access_expires_at = :soon",
        ExpressionAttributeValues={":soon": {"N": str(int(time.time()) + 3600)}},
    )
    second = stack.fire_schedule("TokenRefreshFunction.Hourly")

    assert second.ok and second.result["refreshed"] == [OPEN_ID]
    after = _sellers(stack)[0]
    assert int(after["version"]["N"]) == int(before["version"]["N"]) + 1
    assert after["refresh_token"] != before["refresh_token"]
    assert int(after["access_expires_at"]["N"]) > time.time() + 6 * 24 * 3600


def test_expired_token_during_a_call_is_refreshed_once_and_the_call_succeeds(stack: LocalStack) -> None:
    _authorize(stack, _start(stack)["authorize_url"])
    version = int(_sellers(stack)[0]["version"]["N"])
    _tiktok(stack).expire_access_token()

    response = admin(stack, "GET", f"/admin/shops/{US_SHOP}/warehouses")

    assert response.status_code == 200, response.text
    assert int(_sellers(stack)[0]["version"]["N"]) == version + 1


def test_two_concurrent_refreshers_refresh_once_and_share_the_result(stack: LocalStack) -> None:
    _authorize(stack, _start(stack)["authorize_url"])
    version = int(_sellers(stack)[0]["version"]["N"])
    _tiktok(stack).expire_access_token()

    results: list[int] = []

    def call() -> None:
        results.append(admin(stack, "GET", f"/admin/shops/{UK_SHOP}/warehouses").status_code)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [200, 200]
    assert int(_sellers(stack)[0]["version"]["N"]) == version + 1
    refresh_logs = [
        line
        for line in stack.function_log("AdminFunction", containing="TikTok tokens refreshed").splitlines()
        if "TikTok tokens refreshed" in line
    ]
    assert len(refresh_logs) == 1


def test_deauthorization_webhook_disconnects_the_shop_and_stops_work(stack: LocalStack) -> None:
    _authorize(stack, _start(stack)["authorize_url"])
    admin(stack, "PUT", f"/admin/shops/{US_SHOP}", json={"selected": True})
    inbox = subscribe_to_alerts(stack)

    _tiktok(stack).deauthorize_shop(US_SHOP)

    deadline = time.monotonic() + 30
    shop: dict[str, Any] = {}
    while time.monotonic() < deadline:
        shop = next(s for s in admin(stack, "GET", "/admin/shops").json() if s["shop_id"] == US_SHOP)
        if shop["status"] == "DISCONNECTED":
            break
        time.sleep(0.2)
    assert shop["status"] == "DISCONNECTED"
    refused = admin(stack, "GET", f"/admin/shops/{US_SHOP}/warehouses")
    assert refused.status_code == 401
    assert "disconnected" in refused.json()["message"]
    # The other shop keeps working, and the merchant was told
    assert admin(stack, "GET", f"/admin/shops/{UK_SHOP}/warehouses").status_code == 200
    assert any("Sandbox US Shop disconnected" in body for body in alerts(stack, inbox))


def test_authorization_expiry_warning_is_recorded_on_the_shop(stack: LocalStack) -> None:
    _authorize(stack, _start(stack)["authorize_url"])
    expires = int(time.time()) + 30 * 24 * 3600
    inbox = subscribe_to_alerts(stack)

    _tiktok(stack).warn_authorization_expiry(UK_SHOP, expiration_time=expires)

    deadline = time.monotonic() + 30
    shop: dict[str, Any] = {}
    while time.monotonic() < deadline:
        shop = next(s for s in admin(stack, "GET", "/admin/status").json()["shops"] if s["shop_id"] == UK_SHOP)
        if shop["authorization_expires_at"]:
            break
        time.sleep(0.2)
    assert shop["authorization_expires_at"] == expires
    assert any("authorization expiring" in body for body in alerts(stack, inbox))


def test_authorization_start_can_redirect_the_browser(stack: LocalStack) -> None:
    response = admin(stack, "GET", "/tts/authorization/start", params={"redirect": "true"}, allow_redirects=False)

    assert response.status_code == 302
    assert response.headers["Location"].startswith(_tiktok(stack).authorize_url(state=None))


def test_admin_routes_refuse_requests_without_the_admin_token(stack: LocalStack) -> None:
    assert requests.get(f"{stack.url}/admin/status", timeout=30).status_code == 403
    assert requests.get(f"{stack.url}/tts/authorization/start", timeout=30).status_code == 403


def test_magento_setup_creates_the_connector_attributes_once(stack: LocalStack) -> None:
    magento = stack.sandboxes["magento"]

    first = admin(stack, "POST", "/admin/setup/magento")
    second = admin(stack, "POST", "/admin/setup/magento")

    assert first.status_code == 200, first.text
    report = first.json()
    assert report["changed"] is True
    assert "created attribute tiktok_product_id" in report["actions"]
    assert "created attribute tiktok_shop_synced" in report["actions"]
    assert any(a.startswith("added tiktok_shop_synced to attribute set") for a in report["actions"])
    assert report["media_base_url"].startswith(magento.base_url)
    assert {s["source_code"] for s in report["sources"]} >= {"default", "warehouse_east"}
    assert second.json()["changed"] is False and second.json()["actions"] == []
    writes = [r for r in magento.requests() if r["method"] in ("POST", "PUT") and "attribute" in r["path"]]
    assert len(writes) == len(report["actions"])
    synced = magento.state.attributes["tiktok_shop_synced"]
    assert (synced.scope, synced.frontend_input, synced.in_grid) == ("global", "boolean", True)
    for set_id in report["attribute_sets"]:
        assert "tiktok_product_id" in magento.state.attribute_sets[set_id]["attributes"]
    status = admin(stack, "GET", "/admin/status").json()
    assert status["magento"]["media_base_url"] == report["media_base_url"]


def test_magento_setup_with_bad_credentials_says_what_to_fix(tmp_path: Any) -> None:
    from local_stack.endpoints import MagentoEndpoint
    from magento_sandbox import MagentoSandbox

    sandbox = MagentoSandbox().start()
    try:
        bad = MagentoEndpoint(
            sandbox.base_url,
            {
                "consumer_key": "wrong-key-000000000000000000000",
                "consumer_secret": "wrong-secret-0000000000000000000",
                "access_token": "wrong-token-00000000000000000000",
                "access_token_secret": "wrong-token-secret-0000000000000",
            },
        )
        config = StackConfig(state_dir=tmp_path / "state", run_schedules=False, magento=bad)
        with LocalStack(config) as stack:
            response = admin(stack, "POST", "/admin/setup/magento")
            logs = "".join(p.read_text() for p in stack.log_dir.glob("*.log"))
    finally:
        sandbox.stop()

    assert response.status_code == 401
    assert response.json()["message"]
    assert "wrong-secret-0000000000000000000" not in response.text + logs
