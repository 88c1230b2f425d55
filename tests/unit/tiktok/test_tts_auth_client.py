"""The auth host client decides on the body's code, never the HTTP status (reference §1.5)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tts_connector.tiktok.auth import TikTokAuthClient
from tts_connector.tiktok.errors import RefreshTokenRejectedError, TikTokApiError, TikTokAuthError

TOKEN = {
    "access_token": "TTP_a",
    "access_token_expire_in": 1_900_000_000,
    "refresh_token": "TTP_r",
    "refresh_token_expire_in": 1_950_000_000,
}


class OneAnswer(requests.Session):
    def __init__(self, status: int, body: dict[str, Any]):
        super().__init__()
        self.status, self.body = status, body

    def get(self, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = self.status
        response._content = json.dumps(self.body).encode()
        return response


def _client(status: int, body: dict[str, Any]) -> TikTokAuthClient:
    return TikTokAuthClient(
        auth_base_url="https://auth.example", app_key="k", app_secret="s", session=OneAnswer(status, body)
    )


def test_http_200_with_code_zero_is_a_token() -> None:
    tokens = _client(200, {"code": 0, "message": "success", "data": TOKEN}).refresh("TTP_old")
    assert tokens.refresh_token == "TTP_r"


@pytest.mark.parametrize("code", [36004001, 36004005])
def test_refresh_token_rejections_ask_for_reauthorization(code: int) -> None:
    body = {"code": code, "message": "rt has expired", "request_id": "rid"}
    with pytest.raises(RefreshTokenRejectedError) as raised:
        _client(200, body).refresh("TTP_old")
    assert isinstance(raised.value, TikTokAuthError)
    assert (raised.value.tiktok_code, raised.value.request_id) == (code, "rid")
    assert "TTP_old" not in str(raised.value.to_dict())


def test_other_failures_keep_tiktoks_code_whatever_the_http_status() -> None:
    for status in (200, 400):
        with pytest.raises(TikTokApiError) as raised:
            _client(status, {"code": 36009004, "message": "Invalid credentials.", "data": TOKEN}).exchange_code("c")
        assert raised.value.tiktok_code == 36009004
