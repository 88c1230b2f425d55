"""Auth host calls (token exchange and refresh) and the seller authorization URL.

The auth host (auth.tiktok-shops.com) is not the API host: calls are unsigned GETs with the app secret in the
query, and `grant_type` is the literal `authorized_code`. It signals failure with `code != 0` in an HTTP 200
body (reference §1.5), so the body's code decides, never the HTTP status. Neither call is retried here: an
auth code is single use, and a refresh may rotate the refresh token, so a blind retry after a lost answer can
fail or lock the shop out; callers retry the whole step instead.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from aws_lambda_powertools import Logger
from pydantic import ValidationError

from tts_connector.tiktok.envelope import read_envelope
from tts_connector.tiktok.errors import (
    CODE_AUTH_RECORD_NOT_FOUND,
    CODE_REFRESH_TOKEN_EXPIRED,
    RefreshTokenRejectedError,
    TikTokApiError,
    TikTokTransientError,
)
from tts_connector.tiktok.models.auth import TokenSet

logger = Logger(child=True)

TOKEN_GET_PATH = "/api/v2/token/get"
TOKEN_REFRESH_PATH = "/api/v2/token/refresh"


def authorization_url(authorize_url: str, service_id: str, state: str | None = None) -> str:
    """The page a seller opens to authorize the app (`.../open/authorize?service_id=...&state=...`).

    Partner Center's "Copy authorization link" already carries `service_id` (reference §1.1); such a link
    pasted as the authorize URL keeps its own query, and only what it lacks is added.
    """
    parts = urlsplit(authorize_url)
    params = dict(parse_qsl(parts.query, keep_blank_values=False))
    params.setdefault("service_id", service_id)
    if state:
        params["state"] = state.strip()
    return urlunsplit(parts._replace(query=urlencode(params)))


class TikTokAuthClient:
    def __init__(
        self,
        *,
        auth_base_url: str,
        app_key: str,
        app_secret: str,
        session: requests.Session | None = None,
        # The auth host answers in well under a second; a short read timeout leaves room to re-read the
        # stored pair and retry once inside one invocation (tokens.StoredTokenSource).
        timeout: tuple[float, float] = (3.05, 8.0),
        setting_hint: str | None = None,
    ):
        self._base_url = auth_base_url.rstrip("/")
        self._app_key = app_key
        self._app_secret = app_secret
        self._session = session or requests.Session()
        self._timeout = timeout
        self._setting_hint = setting_hint

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
        envelope = read_envelope(response, path, host="auth host", setting_hint=self._setting_hint)
        if envelope.ok:
            try:
                return TokenSet.model_validate(envelope.data or {})
            except ValidationError as exc:
                raise TikTokApiError(
                    f"TikTok Shop auth host returned an unreadable token for {path}",
                    tiktok_code=0,
                    request_id=envelope.request_id,
                    path=path,
                ) from exc
        logger.info(
            "TikTok token call failed",
            extra={"path": path, "tiktok_code": envelope.code, "request_id": envelope.request_id},
        )
        if path == TOKEN_REFRESH_PATH and envelope.code in (CODE_REFRESH_TOKEN_EXPIRED, CODE_AUTH_RECORD_NOT_FOUND):
            raise RefreshTokenRejectedError(
                "TikTok Shop no longer accepts this refresh token",
                tiktok_code=envelope.code,
                tiktok_message=envelope.message,
                request_id=envelope.request_id,
                path=path,
                hint="Have the seller re-authorize the app (`ttsc connect`)",
            )
        raise envelope.error(path)
