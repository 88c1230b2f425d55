"""Signing: the client's signer and the sandbox's verifier both reproduce TikTok's public vectors V1-V5."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from tiktok_sandbox.verification import expected_sign, signature_matches, webhook_authorization
from tts_connector.errors import AuthenticationError
from tts_connector.tiktok.signing import (
    serialize_body,
    sign_request,
    string_to_sign,
    webhook_signature,
)
from tts_connector.tiktok.webhook import verify_signature as verify_tiktok_webhook

V2_QUERY = {"app_key": "68xu9ks5p4i8", "shop_cipher": "ROW_xkMbgAAAeVAQra0eZWebFQq5aIK", "timestamp": "1696909648"}
V3_BODY = b'{"event_type":"PACKAGE_UPDATE","address":"https://partner.tiktokshop.com"}'
V5_QUERY = {
    "timestamp": "1700000000",
    "sign": "x",
    "shop_cipher": "test_shop_cipher",
    "access_token": "y",
    "page_size": "50",
    "app_key": "test_app_key",
}

# (name, secret, path, query, body, expected string to sign, expected sign) from reference §2.3.
VECTORS = [
    (
        "V1",
        "e59af819cc",
        "/authorization/202309/shops",
        {"app_key": "29a39d", "timestamp": "1623812664"},
        b"",
        b"e59af819cc/authorization/202309/shopsapp_key29a39dtimestamp1623812664e59af819cc",
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8",
    ),
    (
        "V2",
        "e59af819cc",
        "/event/202309/webhooks",
        V2_QUERY,
        b"",
        b"e59af819cc/event/202309/webhooksapp_key68xu9ks5p4i8shop_cipherROW_xkMbgAAAeVAQra0eZWebFQq5aIK"
        b"timestamp1696909648e59af819cc",
        "ed58e1b5e59865c22a7b828c1cab65007441f43cc91a6cb2f2cdc638e0995a37",
    ),
    (
        "V3",
        "e59af819cc",
        "/event/202309/webhooks",
        V2_QUERY,
        V3_BODY,
        b"e59af819cc/event/202309/webhooksapp_key68xu9ks5p4i8shop_cipherROW_xkMbgAAAeVAQra0eZWebFQq5aIK"
        b"timestamp1696909648" + V3_BODY + b"e59af819cc",
        "701dd6deb2389fe4c469b89bd37fc56f96a6da6afeb4d01c9077a65169752fa7",
    ),
    (
        "V4",
        "app_secret",
        "/test-api",
        {"foo": "bar"},
        b"",
        b"app_secret/test-apifoobarapp_secret",
        "d3cb7fe11ecae942802ceeca67e7cf10120cc12f1517d45fbc1c8cfe5413c80f",
    ),
    (
        "V5",
        "test_secret",
        "/product/202309/products/search",
        V5_QUERY,
        b'{"status":"ACTIVATE"}',
        b"test_secret/product/202309/products/searchapp_keytest_app_keypage_size50shop_ciphertest_shop_cipher"
        b'timestamp1700000000{"status":"ACTIVATE"}test_secret',
        "09118b39179acfdb9879512ddc58e8a75459444aca19dcf02f21d8347bf5af8f",
    ),
]


@pytest.mark.parametrize(("name", "secret", "path", "query", "body", "wrapped", "sign"), VECTORS)
def test_client_signer_reproduces_public_vector(
    name: str, secret: str, path: str, query: dict[str, str], body: bytes, wrapped: bytes, sign: str
) -> None:
    assert string_to_sign(secret, path, query, body) == wrapped
    assert sign_request(secret, path, query, body) == sign


@pytest.mark.parametrize(("name", "secret", "path", "query", "body", "wrapped", "sign"), VECTORS)
def test_sandbox_verifier_reproduces_public_vector(
    name: str, secret: str, path: str, query: dict[str, str], body: bytes, wrapped: bytes, sign: str
) -> None:
    assert expected_sign(secret, path, query, body, multipart=False) == sign
    assert signature_matches(secret, path, query, body, multipart=False, given=sign)


def test_v3_signature_depends_on_exact_body_bytes() -> None:
    spaced = b'{"event_type": "PACKAGE_UPDATE", "address": "https://partner.tiktokshop.com"}'
    assert sign_request("e59af819cc", "/event/202309/webhooks", V2_QUERY, spaced) != VECTORS[2][6]


def test_serialize_body_is_compact_so_v3_bytes_come_out_of_a_dict() -> None:
    body = serialize_body({"event_type": "PACKAGE_UPDATE", "address": "https://partner.tiktokshop.com"})
    assert body == V3_BODY


def test_multipart_body_is_not_signed() -> None:
    query = {"app_key": "k", "timestamp": "1700000000"}
    unsigned = sign_request("s", "/product/202309/images/upload", query)
    assert sign_request("s", "/product/202309/images/upload", query, b"--boundary...", multipart=True) == unsigned
    assert expected_sign("s", "/product/202309/images/upload", query, b"--boundary...", multipart=True) == unsigned


def test_verifier_rejects_uppercase_hex_and_tampering() -> None:
    _, secret, path, query, body, _, sign = VECTORS[4]
    assert not signature_matches(secret, path, query, body, multipart=False, given=sign.upper())
    assert not signature_matches(secret, path, query, body + b" ", multipart=False, given=sign)
    assert not signature_matches(secret, path, query | {"page_size": "51"}, body, multipart=False, given=sign)


def test_webhook_signature_is_hmac_of_app_key_plus_raw_body() -> None:
    body = b'{"type":1,"shop_id":"7494049642642441621","data":{"order_id":"1"}}'
    expected = hmac.new(b"secret", b"appkey" + body, hashlib.sha256).hexdigest()
    assert webhook_signature("appkey", "secret", body) == expected
    assert webhook_authorization("appkey", "secret", body) == expected
    verify_tiktok_webhook("appkey", "secret", body, expected)
    for tampered_body, header in ((body + b" ", expected), (body, None), (body, f"Bearer {expected}")):
        with pytest.raises(AuthenticationError):
            verify_tiktok_webhook("appkey", "secret", tampered_body, header)
