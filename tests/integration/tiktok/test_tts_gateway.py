"""The sandbox gateway refuses what TikTok refuses, with TikTok's codes; the client raises typed errors."""

from __future__ import annotations

import time

import pytest
import requests

from tests.integration.tiktok.support import Connected, connect
from tiktok_sandbox import TikTokSandbox
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.errors import (
    InvalidAccessTokenError,
    InvalidSignatureError,
    MissingScopeError,
    TikTokApiError,
    TikTokAuthError,
    TokenExpiredError,
)
from tts_connector.tiktok.signing import sign_request
from tts_connector.tiktok.tokens import InMemoryTokenSource

pytestmark = pytest.mark.integration


def test_wrong_signature_is_106001(sandbox: TikTokSandbox) -> None:
    tts = connect(sandbox, app_secret="wrong-secret")
    with pytest.raises(InvalidSignatureError) as raised:
        tts.api.logistics.warehouses(tts.us)
    assert raised.value.tiktok_code == 106001
    assert raised.value.request_id


def test_uppercase_signature_is_rejected(sandbox: TikTokSandbox, tts: Connected) -> None:
    path = "/logistics/202309/warehouses"
    query = {
        "app_key": sandbox.config.app_key,
        "timestamp": str(int(time.time())),
        "shop_cipher": str(tts.us.cipher),
    }
    sign = sign_request(sandbox.config.app_secret, path, query)
    headers = {
        "x-tts-access-token": tts.tokens.access_token(tts.us.shop_id),
        "content-type": "application/json",
    }
    ok = requests.get(f"{sandbox.base_url}{path}", params=query | {"sign": sign}, headers=headers, timeout=5)
    assert ok.json()["code"] == 0
    upper = requests.get(f"{sandbox.base_url}{path}", params=query | {"sign": sign.upper()}, headers=headers, timeout=5)
    assert (upper.status_code, upper.json()["code"]) == (401, 106001)


@pytest.mark.parametrize("skew", [-301, 31])
def test_timestamp_outside_window_is_refused(sandbox: TikTokSandbox, skew: int) -> None:
    tts = connect(sandbox, clock=lambda: time.time() + skew)
    with pytest.raises(TikTokApiError) as raised:
        tts.api.logistics.warehouses(tts.us)
    assert raised.value.tiktok_code == 36009004
    assert "timestamp" in raised.value.tiktok_message.lower()


def test_timestamp_inside_window_is_accepted(sandbox: TikTokSandbox) -> None:
    tts = connect(sandbox, clock=lambda: time.time() - 240)
    assert tts.api.logistics.warehouses(tts.us)


def test_expired_token_without_refresh_hook_fails_as_authentication_error(
    sandbox: TikTokSandbox, tts: Connected
) -> None:
    token = tts.tokens.access_token(tts.us.shop_id)
    sandbox.expire_access_token(token)
    tts.client._tokens = InMemoryTokenSource({tts.us.shop_id: token})  # no refresher configured
    with pytest.raises(TikTokAuthError, match="Cannot refresh"):
        tts.api.logistics.warehouses(tts.us)


def test_expired_token_is_105002_when_refresh_returns_the_same_token(sandbox: TikTokSandbox, tts: Connected) -> None:
    token = tts.tokens.access_token(tts.us.shop_id)
    sandbox.expire_access_token(token)
    tts.client._tokens = InMemoryTokenSource({tts.us.shop_id: token}, refresher=lambda _key: token)
    with pytest.raises(TokenExpiredError) as raised:
        tts.api.logistics.warehouses(tts.us)
    assert raised.value.tiktok_code == 105002


def test_unknown_token_is_refused(sandbox: TikTokSandbox, tts: Connected) -> None:
    tts.tokens.set(tts.us.shop_id, "TTP_not_a_real_token")
    with pytest.raises(TikTokApiError) as raised:
        tts.api.logistics.warehouses(tts.us)
    assert raised.value.tiktok_code == 36009004


def test_missing_cipher_on_shop_scoped_api_is_106013(tts: Connected) -> None:
    with pytest.raises(TikTokApiError) as raised:
        tts.client.call(
            "GET",
            "/logistics/202309/warehouses",
            shop=ShopRef(tts.us.shop_id),
            send_cipher=False,
            idempotent=True,
        )
    assert raised.value.tiktok_code == 106013


def test_client_refuses_to_call_shop_scoped_api_without_cipher(tts: Connected) -> None:
    with pytest.raises(ValueError, match="cipher"):
        tts.api.logistics.warehouses(ShopRef(tts.us.shop_id))


def test_cipher_on_authorization_api_is_unexpected_identifier(tts: Connected) -> None:
    with pytest.raises(TikTokApiError) as raised:
        tts.client.call("GET", "/authorization/202309/shops", shop=tts.us, idempotent=True)
    assert raised.value.tiktok_code == 36009004
    assert "shop_cipher" in raised.value.tiktok_message


def test_cipher_on_image_upload_is_unexpected_identifier(tts: Connected) -> None:
    files = {"use_case": "MAIN_IMAGE"}
    with pytest.raises(TikTokApiError) as raised:
        tts.client.call("POST", "/product/202309/images/upload", shop=tts.us, files=files, idempotent=True)
    assert raised.value.tiktok_code == 36009004
    assert "shop_cipher" in raised.value.tiktok_message


def test_cipher_of_shop_not_covered_by_token(sandbox: TikTokSandbox) -> None:
    granted = sandbox.issue_tokens(shop_ids=[sandbox.config.shops[0].id])
    tts = connect(sandbox)
    tts.tokens.set(tts.gb.shop_id, granted["access_token"])
    with pytest.raises(InvalidAccessTokenError) as raised:
        tts.api.logistics.warehouses(tts.gb)
    assert raised.value.tiktok_code == 101000


def test_missing_scope_is_105005_and_names_the_scope(sandbox: TikTokSandbox, tts: Connected) -> None:
    sandbox.set_scopes(["seller.authorization.info", "seller.logistics"])
    assert tts.api.logistics.warehouses(tts.us)
    with pytest.raises(MissingScopeError) as raised:
        tts.api.orders.details(tts.us, ["1"])
    assert raised.value.tiktok_code == 105005
    assert raised.value.scope == "seller.order.info"


def test_unknown_path_and_method(tts: Connected) -> None:
    with pytest.raises(TikTokApiError) as raised:
        tts.client.call("GET", "/product/202309/nothing", shop=tts.us, idempotent=True)
    assert raised.value.tiktok_code == 36009009
    with pytest.raises(TikTokApiError) as raised:
        tts.client.call("DELETE", "/logistics/202309/warehouses", shop=tts.us, idempotent=True)
    assert raised.value.tiktok_code == 36009010


def test_wrong_content_type_is_refused(sandbox: TikTokSandbox, tts: Connected) -> None:
    path = "/order/202309/orders/search"
    query = {
        "app_key": sandbox.config.app_key,
        "timestamp": str(int(time.time())),
        "shop_cipher": str(tts.us.cipher),
        "page_size": "10",
    }
    body = b'{"order_status":"UNPAID"}'
    query["sign"] = sign_request(sandbox.config.app_secret, path, query, body)
    headers = {"x-tts-access-token": tts.tokens.access_token(tts.us.shop_id), "content-type": "text/plain"}
    response = requests.post(f"{sandbox.base_url}{path}", params=query, data=body, headers=headers, timeout=5)
    assert response.json()["code"] == 36009022


def test_authorized_shops_list_ids_regions_and_ciphers(sandbox: TikTokSandbox, tts: Connected) -> None:
    shops = {s.id: s for s in tts.api.shops.authorized_shops(tts.us.shop_id)}
    assert set(shops) == {tts.us.shop_id, tts.gb.shop_id}
    assert (shops[tts.us.shop_id].region, shops[tts.us.shop_id].cipher) == ("US", tts.us.cipher)
    assert (shops[tts.gb.shop_id].region, shops[tts.gb.shop_id].seller_type) == ("GB", "CROSS_BORDER")
