"""Transport behaviour of TikTokShopClient with a scripted session: what is sent, what is retried."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from tts_connector.retry import RetryPolicy
from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.errors import TikTokApiError, TikTokTransientError
from tts_connector.tiktok.signing import sign_request
from tts_connector.tiktok.tokens import InMemoryTokenSource

SHOP = ShopRef("7494049642642441621", "ROW_cipher")


def _response(status: int, body: Any, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response.headers.update(headers or {})
    return response


class ScriptedSession(requests.Session):
    """Answers each request with the next scripted outcome (a Response or an exception to raise)."""

    def __init__(self, outcomes: list[requests.Response | Exception]):
        super().__init__()
        self.outcomes = outcomes
        self.sent: list[dict[str, Any]] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        self.sent.append({"method": method, "url": url, **kwargs})
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def _client(session: ScriptedSession, sleeps: list[float] | None = None, **kwargs: Any) -> TikTokShopClient:
    record: Callable[[float], None] = sleeps.append if sleeps is not None else lambda _s: None
    return TikTokShopClient(
        base_url="https://open-api.example",
        app_key="key",
        app_secret="secret",
        token_source=InMemoryTokenSource({SHOP.shop_id: "TTP_token"}),
        session=session,
        retry_policy=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.1),
        sleep=record,
        **({"clock": lambda: 1_700_000_000.0} | kwargs),
    )


OK = {"code": 0, "message": "Success", "request_id": "r1", "data": {"ok": True}}


def test_request_carries_token_header_signed_query_and_the_exact_signed_body() -> None:
    session = ScriptedSession([_response(200, OK)])
    data = _client(session).call(
        "POST",
        "/order/202309/orders/search",
        shop=SHOP,
        query={"page_size": 10, "page_token": "a/b+c"},
        body={"order_status": "UNPAID"},
        idempotent=True,
    )
    assert data == {"ok": True}
    [sent] = session.sent
    assert sent["headers"]["x-tts-access-token"] == "TTP_token"
    assert sent["headers"]["content-type"] == "application/json"
    assert sent["data"] == b'{"order_status":"UNPAID"}'
    url = urlsplit(sent["url"])
    assert "a%2Fb%2Bc" in url.query  # raw token signed, percent-encoded on the wire
    query = dict(parse_qsl(url.query))
    assert "access_token" not in query
    assert query["timestamp"] == "1700000000"
    assert query["shop_cipher"] == "ROW_cipher"
    unsigned = {k: v for k, v in query.items() if k != "sign"}
    assert query["sign"] == sign_request("secret", "/order/202309/orders/search", unsigned, sent["data"])


def test_success_needs_code_zero_even_with_http_200() -> None:
    session = ScriptedSession([_response(200, {"code": 12052024, "message": "not leaf", "request_id": "r9"})])
    with pytest.raises(TikTokApiError) as raised:
        _client(session).call("GET", "/product/202309/categories", shop=SHOP, idempotent=True)
    assert (raised.value.tiktok_code, raised.value.request_id) == (12052024, "r9")


def test_non_json_gateway_error_is_transient() -> None:
    session = ScriptedSession([_response(502, b"<html>bad gateway</html>")] * 3)
    with pytest.raises(TikTokTransientError):
        _client(session).call("GET", "/product/202309/categories", shop=SHOP, idempotent=True)
    assert len(session.sent) == 3


def test_non_idempotent_call_is_not_retried_after_read_timeout() -> None:
    session = ScriptedSession([requests.ReadTimeout("slow"), _response(200, OK)])
    with pytest.raises(TikTokTransientError):
        _client(session).call("POST", "/product/202309/products", shop=SHOP, body={}, idempotent=False)
    assert len(session.sent) == 1


def test_non_idempotent_call_is_retried_after_connect_timeout() -> None:
    sleeps: list[float] = []
    session = ScriptedSession([requests.ConnectTimeout("no route"), _response(200, OK)])
    assert _client(session, sleeps).call("POST", "/product/202309/products", shop=SHOP, body={}, idempotent=False)
    assert len(session.sent) == 2
    assert len(sleeps) == 1


def test_each_attempt_is_signed_with_a_fresh_timestamp() -> None:
    now = [1_700_000_000.0]

    def clock() -> float:
        now[0] += 100
        return now[0]

    session = ScriptedSession([_response(503, b""), _response(200, OK)])
    _client(session, clock=clock).call("GET", "/logistics/202309/warehouses", shop=SHOP, idempotent=True)
    stamps = [dict(parse_qsl(urlsplit(s["url"]).query))["timestamp"] for s in session.sent]
    assert stamps[0] != stamps[1]


def test_multipart_upload_sends_files_without_cipher_or_json_content_type() -> None:
    session = ScriptedSession([_response(200, OK)])
    _client(session).call(
        "POST",
        "/product/202309/images/upload",
        shop=SHOP,
        send_cipher=False,
        files={"data": ("a.png", b"\x89PNG", "image/png"), "use_case": "MAIN_IMAGE"},
        idempotent=True,
    )
    [sent] = session.sent
    assert "content-type" not in sent["headers"]
    assert sent["files"]["use_case"] == (None, "MAIN_IMAGE")
    assert "shop_cipher" not in dict(parse_qsl(urlsplit(sent["url"]).query))
