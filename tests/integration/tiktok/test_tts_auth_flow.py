"""Seller authorization page, auth-code exchange and token refresh against the sandbox auth host."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from tiktok_sandbox import SandboxConfig, TikTokSandbox
from tts_connector.tiktok.auth import TikTokAuthClient, authorization_url
from tts_connector.tiktok.errors import RefreshTokenRejectedError, TikTokApiError

pytestmark = pytest.mark.integration


def _authorize(sandbox: TikTokSandbox, state: str | None = "csrf-123", **extra: str) -> dict[str, list[str]]:
    url = authorization_url(f"{sandbox.base_url}/open/authorize", sandbox.config.service_id, state)
    response = requests.get(url, params=extra, allow_redirects=False, timeout=5)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(sandbox.config.callback_url + "?")
    return parse_qs(urlparse(location).query)


def _auth_client(sandbox: TikTokSandbox, secret: str | None = None) -> TikTokAuthClient:
    return TikTokAuthClient(
        auth_base_url=sandbox.base_url,
        app_key=sandbox.config.app_key,
        app_secret=secret or sandbox.config.app_secret,
    )


def test_authorize_redirects_with_one_time_code_that_exchanges_for_absolute_expiry_tokens(
    sandbox: TikTokSandbox,
) -> None:
    params = _authorize(sandbox)
    assert params["state"] == ["csrf-123"]
    code = params["code"][0]
    before = time.time()
    tokens = _auth_client(sandbox).exchange_code(code)
    # Absolute timestamps about 7 days / 1 year ahead, not durations.
    assert tokens.access_token_expire_in > before + 6 * 24 * 3600
    assert tokens.refresh_token_expire_in > before + 300 * 24 * 3600
    assert tokens.open_id == sandbox.config.seller_open_id
    assert "seller.order.info" in tokens.granted_scopes
    with pytest.raises(TikTokApiError) as raised:
        _auth_client(sandbox).exchange_code(code)
    assert raised.value.tiktok_code is not None


def test_authorize_without_state_and_decline(sandbox: TikTokSandbox) -> None:
    assert "state" not in _authorize(sandbox, state=None)
    denied = _authorize(sandbox, decision="deny")
    assert denied["error"] == ["auth_denied"]
    assert denied["state"] == ["csrf-123"]
    sandbox.set_next_authorize_decision("deny")
    assert _authorize(sandbox)["error"] == ["auth_denied"]
    assert "error" not in _authorize(sandbox)


def test_wrong_app_secret_is_refused(sandbox: TikTokSandbox) -> None:
    code = _authorize(sandbox)["code"][0]
    with pytest.raises(TikTokApiError) as raised:
        _auth_client(sandbox, "not-the-secret").exchange_code(code)
    assert raised.value.tiktok_code == 36009004


def test_refresh_rotates_the_refresh_token(sandbox: TikTokSandbox) -> None:
    code = _authorize(sandbox)["code"][0]
    client = _auth_client(sandbox)
    first = client.exchange_code(code)
    second = client.refresh(first.refresh_token)
    assert second.access_token != first.access_token
    assert second.refresh_token != first.refresh_token
    with pytest.raises(RefreshTokenRejectedError) as raised:
        client.refresh(first.refresh_token)
    assert raised.value.tiktok_code == 36004005
    assert client.refresh(second.refresh_token).access_token


def test_auth_code_expires() -> None:
    sandbox = TikTokSandbox(SandboxConfig(auth_code_ttl=0.2)).start()
    try:
        code = _authorize(sandbox)["code"][0]
        time.sleep(0.3)
        with pytest.raises(TikTokApiError):
            _auth_client(sandbox).exchange_code(code)
    finally:
        sandbox.stop()


def test_token_endpoints_are_get_only(sandbox: TikTokSandbox) -> None:
    response = requests.post(f"{sandbox.base_url}/api/v2/token/get", timeout=5)
    assert response.json()["code"] == 36009010


def _auth_host(sandbox: TikTokSandbox, path: str, **params: str) -> requests.Response:
    return requests.get(f"{sandbox.base_url}/api/v2/token/{path}", params=params, timeout=5)


def test_auth_host_failures_are_http_200_with_a_nonzero_code(sandbox: TikTokSandbox) -> None:
    """Reference §1.5: failure "is signalled by code != 0 in the body, not by HTTP status"."""
    app = {"app_key": sandbox.config.app_key, "app_secret": sandbox.config.app_secret}
    answers = {
        "wrong secret": _auth_host(sandbox, "get", **app | {"app_secret": "x", "auth_code": "c"}),
        "wrong grant type": _auth_host(sandbox, "get", **app, auth_code="c", grant_type="authorization_code"),
        "unknown auth code": _auth_host(sandbox, "get", **app, auth_code="nope", grant_type="authorized_code"),
        "unknown refresh token": _auth_host(
            sandbox, "refresh", **app, refresh_token="TTP_x", grant_type="refresh_token"
        ),
        "POST": requests.post(f"{sandbox.base_url}/api/v2/token/refresh", timeout=5),
    }
    for case, response in answers.items():
        body = response.json()
        assert response.status_code == 200, case
        assert body["code"] != 0 and body["message"] and body["request_id"], case
        assert "data" not in body, case
    assert answers["unknown refresh token"].json()["code"] == 36004005


def test_expired_refresh_token_is_rejected_for_reauthorization() -> None:
    sandbox = TikTokSandbox(SandboxConfig(refresh_token_ttl=0.2)).start()
    try:
        tokens = _auth_client(sandbox).exchange_code(_authorize(sandbox)["code"][0])
        time.sleep(0.3)
        with pytest.raises(RefreshTokenRejectedError) as raised:
            _auth_client(sandbox).refresh(tokens.refresh_token)
        assert (raised.value.tiktok_code, raised.value.tiktok_message) == (36004001, "rt has expired")
        assert raised.value.hint
    finally:
        sandbox.stop()
