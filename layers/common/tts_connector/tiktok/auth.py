"""Auth host calls (token exchange and refresh) and the seller authorization URL.

The auth host (auth.tiktok-shops.com) is not the API host: calls are unsigned GETs with the app secret in the
query, and `grant_type` is the literal `authorized_code`. It signals failure with `code != 0` in an HTTP 200
body (reference §1.5), so the body's code decides, never the HTTP status. Neither call is retried here: an
auth code is single use, and a refresh may rotate the refresh token, so a blind retry after a lost answer can
fail or lock the shop out; callers retry the whole step instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import requests
from aws_lambda_powertools import Logger
from pydantic import ValidationError

from tts_connector.tiktok.errors import (
    CODE_AUTH_RECORD_NOT_FOUND,
    CODE_REFRESH_TOKEN_EXPIRED,
    RefreshTokenRejectedError,
    TikTokApiError,
    TikTokTransientError,
    error_for_response,
)
from tts_connector.tiktok.models.auth import TokenSet

logger = Logger(child=True)

TOKEN_GET_PATH = "/api/v2/token/get"
TOKEN_REFRESH_PATH = "/api/v2/token/refresh"


def authorization_url(authorize_url: str, service_id: str, state: str | None = None) -> str:
    """The page a seller opens to authorize the app (`.../open/authorize?service_id=...&state=...`)."""
    params = {"service_id": service_id}
    if state:
        params["state"] = state.strip()
    return f"{authorize_url}?{urlencode(params)}"


class TikTokAuthClient:
    def __init__(
        self,
        *,
        auth_base_url: str,
        app_key: str,
        app_secret: str,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (3.05, 15.0),
    ):
        self._base_url = auth_base_url.rstrip("/")
        self._app_key = app_key
        self._app_secret = app_secret
        self._session = session or requests.Session()
        self._timeout = timeout

    def exchange_code(self, auth_code: str) -> TokenSet:
        """Trade the one-time `code` from the authorization callback for a token pair."""
        return self._token_call(TOKEN_GET_PATH, {"auth_code": auth_code, "grant_type": "authorized_code"})

    def refresh(self, refresh_token: str) -> TokenSet:
        """Get a new token pair; persist both tokens, the refresh token may rotate."""
        return self._token_call(TOKEN_REFRESH_PATH, {"refresh_token": refresh_token, "grant_type": "refresh_token"})

    def _token_call(self, path: str, params: dict[str, str]) -> TokenSet:
        query = {"app_key": self._app_key, "app_secret": self._app_secret, **params}
        try:
            response = self._session.get(f"{self._base_url}{path}", params=query, timeout=self._timeout)
        except (requests.Timeout, requests.ConnectionError):
            # The URL holds the app secret, so the requests exception text is deliberately not propagated.
            raise TikTokTransientError(f"TikTok Shop auth host did not answer {path}", path=path) from None
        envelope = self._read(response, path)
        code = envelope.get("code")
        if code == 0:
            try:
                return TokenSet.model_validate(envelope.get("data") or {})
            except ValidationError as exc:
                raise TikTokApiError(
                    f"TikTok Shop auth host returned an unreadable token for {path}",
                    tiktok_code=0,
                    request_id=envelope.get("request_id"),
                    path=path,
                ) from exc
        logger.info(
            "TikTok token call failed",
            extra={"path": path, "tiktok_code": code, "request_id": envelope.get("request_id")},
        )
        if path == TOKEN_REFRESH_PATH and code in (CODE_REFRESH_TOKEN_EXPIRED, CODE_AUTH_RECORD_NOT_FOUND):
            raise RefreshTokenRejectedError(
                "TikTok Shop no longer accepts this refresh token",
                tiktok_code=code,
                tiktok_message=str(envelope.get("message", "")),
                request_id=envelope.get("request_id"),
                path=path,
                hint="Have the seller re-authorize the app (`ttsc connect`)",
            )
        raise error_for_response(
            http_status=response.status_code,
            tiktok_code=code if isinstance(code, int) else None,
            tiktok_message=str(envelope.get("message", "")),
            request_id=envelope.get("request_id"),
            path=path,
        )

    @staticmethod
    def _read(response: requests.Response, path: str) -> dict[str, Any]:
        try:
            envelope = response.json()
        except ValueError:
            envelope = None
        if isinstance(envelope, dict) and "code" in envelope:
            return envelope
        if response.status_code >= 500 or response.status_code == 429:
            raise TikTokTransientError(f"TikTok Shop auth host answered HTTP {response.status_code}", path=path)
        raise TikTokApiError(
            f"TikTok Shop auth host answered {path} with HTTP {response.status_code}",
            tiktok_code=None,
            path=path,
        )
