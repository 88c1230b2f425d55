"""Seller authorization page and the auth host token endpoints (/api/v2/token/get, /api/v2/token/refresh)."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from tiktok_sandbox import codes
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.state import AuthCode, Grant, SandboxState


def authorize_redirect(
    state: SandboxState, service_id: str | None, oauth_state: str | None, decision: str | None
) -> str:
    """Where the seller's browser goes after the authorize page: the callback with a code, or auth_denied."""
    if service_id != state.config.service_id:
        raise ApiError(codes.INVALID_CREDENTIAL, "Invalid service_id.", 400)
    with state.lock:
        if decision is None and state.next_authorize_decisions:
            decision = state.next_authorize_decisions.pop(0)
        params: dict[str, str] = {}
        if decision == "deny":
            params = {"code": "null", "error": "auth_denied"}
        else:
            code = secrets.token_urlsafe(16)
            state.auth_codes[code] = AuthCode(code=code, expires_at=state.now() + state.config.auth_code_ttl)
            params = {"code": code}
    if oauth_state is not None:
        params["state"] = oauth_state
    separator = "&" if "?" in state.config.callback_url else "?"
    return f"{state.config.callback_url}{separator}{urlencode(params)}"


def issue_grant(state: SandboxState, shop_ids: set[str] | None = None) -> Grant:
    with state.lock:
        now = state.now()
        grant = Grant(
            access_token="TTP_" + secrets.token_urlsafe(48),
            refresh_token="TTP_" + secrets.token_urlsafe(40),
            access_expires_at=now + state.config.access_token_ttl,
            refresh_expires_at=now + state.config.refresh_token_ttl,
            shop_ids=set(shop_ids) if shop_ids is not None else set(state.shops),
            scopes=set(state.granted_scopes),
        )
        state.grants_by_access[grant.access_token] = grant
        state.grants_by_refresh[grant.refresh_token] = grant
        return grant


def token_json(state: SandboxState, grant: Grant) -> dict[str, Any]:
    config = state.config
    return {
        "access_token": grant.access_token,
        # Absolute Unix timestamps, as TikTok sends them despite the names.
        "access_token_expire_in": int(grant.access_expires_at),
        "refresh_token": grant.refresh_token,
        "refresh_token_expire_in": int(grant.refresh_expires_at),
        "open_id": config.seller_open_id,
        "seller_name": config.seller_name,
        "seller_base_region": config.seller_base_region,
        "user_type": 0,
        "granted_scopes": sorted(grant.scopes),
    }


def _check_app(state: SandboxState, query: dict[str, str]) -> None:
    if query.get("app_key") != state.config.app_key or query.get("app_secret") != state.config.app_secret:
        raise ApiError(codes.INVALID_CREDENTIAL, "Invalid credentials. app_key or app_secret is invalid.")


# The app handler answers these with HTTP 200 whatever the status given here (auth host, reference §1.5).
def token_get(state: SandboxState, query: dict[str, str]) -> dict[str, Any]:
    _check_app(state, query)
    if query.get("grant_type") != "authorized_code":
        raise ApiError(codes.INVALID_CREDENTIAL, "Invalid grant_type. It must be authorized_code.")
    with state.lock:
        code = state.auth_codes.get(query.get("auth_code", ""))
        if code is None or code.used or state.now() >= code.expires_at:
            raise ApiError(codes.AUTH_CODE_INVALID, "The auth_code is invalid, expired or already used.")
        code.used = True
    return token_json(state, issue_grant(state))


def token_refresh(state: SandboxState, query: dict[str, str]) -> dict[str, Any]:
    _check_app(state, query)
    if query.get("grant_type") != "refresh_token":
        raise ApiError(codes.INVALID_CREDENTIAL, "Invalid grant_type. It must be refresh_token.")
    with state.lock:
        old = state.grants_by_refresh.get(query.get("refresh_token", ""))
        if old is None or old.revoked:
            raise ApiError(codes.REFRESH_TOKEN_INVALID, "can not find related auth record")
        if state.now() >= old.refresh_expires_at:
            raise ApiError(codes.REFRESH_TOKEN_EXPIRED, "rt has expired")
        # Rotation: the new pair replaces the old refresh token (the old access token lives until it expires).
        del state.grants_by_refresh[old.refresh_token]
        now = state.now()
        new = Grant(
            access_token="TTP_" + secrets.token_urlsafe(48),
            refresh_token="TTP_" + secrets.token_urlsafe(40),
            access_expires_at=now + state.config.access_token_ttl,
            refresh_expires_at=old.refresh_expires_at,
            shop_ids=old.shop_ids,
            scopes=old.scopes,
        )
        state.grants_by_access[new.access_token] = new
        state.grants_by_refresh[new.refresh_token] = new
    return token_json(state, new)


def expire_access_token(state: SandboxState, access_token: str | None = None) -> int:
    """Make one (or every) access token expired now; returns how many were expired."""
    with state.lock:
        grants = [state.grants_by_access[access_token]] if access_token else list(state.grants_by_access.values())
        for grant in grants:
            grant.access_expires_at = state.now() - 1
        return len(grants)


def set_scopes(state: SandboxState, scopes: set[str]) -> None:
    """Change the app's scopes; existing grants too (like re-configuring the app in Partner Center)."""
    with state.lock:
        state.granted_scopes = set(scopes)
        for grant in state.grants_by_access.values():
            grant.scopes = set(scopes)
