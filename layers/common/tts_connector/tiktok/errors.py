"""Typed TikTok Shop errors, mapped from TikTok's business `code` and the HTTP status.

Every error keeps TikTok's own code, message and request_id so support can quote them to TikTok; none of
them carries the access token, the app secret or the request signature.
"""

from __future__ import annotations

import re
from typing import Any

from tts_connector.errors import AuthenticationError, ConnectorError, ExternalServiceError, TransientError

# TikTok business codes the connector reacts to (reference §8.2).
CODE_OK = 0
CODE_INVALID_ACCESS_TOKEN = 101000
CODE_TOKEN_EXPIRED = 105002
CODE_SCOPE_MISSING = 105005
CODE_INVALID_SIGNATURE = 106001
CODE_MISSING_SHOP_CIPHER = 106013
CODE_INVALID_CREDENTIAL = 36009004
CODE_RATE_LIMITED = 36009002
CODE_INTERNAL_ERROR = 36009003
CODE_REQUEST_TIMEOUT = 36009007
# Auth host, refresh: "rt has expired" / "can not find related auth record" (EcomPHP/tiktokshop-php PR #15).
CODE_REFRESH_TOKEN_EXPIRED = 36004001
CODE_AUTH_RECORD_NOT_FOUND = 36004005

TRANSIENT_CODES = frozenset({CODE_INTERNAL_ERROR, CODE_REQUEST_TIMEOUT})


def _tiktok_details(tiktok_code: int | None, tiktok_message: str, request_id: str | None, path: str) -> dict[str, Any]:
    return {
        "tiktok_code": tiktok_code,
        "tiktok_message": tiktok_message,
        "request_id": request_id,
        "path": path,
    }


class _TikTokResponseDetails(ConnectorError):
    """Carries what TikTok answered (code, message, request_id, path) on any connector error class."""

    def __init__(
        self,
        message: str,
        *,
        tiktok_code: int | None,
        tiktok_message: str = "",
        request_id: str | None = None,
        path: str = "",
        hint: str | None = None,
    ):
        super().__init__(message, hint=hint, details=_tiktok_details(tiktok_code, tiktok_message, request_id, path))
        self.tiktok_code = tiktok_code
        self.tiktok_message = tiktok_message
        self.request_id = request_id
        self.path = path


class TikTokApiError(_TikTokResponseDetails, ExternalServiceError):
    """TikTok refused a call a retry will not fix; carries TikTok's code, message and request_id."""

    code = "tiktok_api_error"


class UnexpectedAnswerError(TikTokApiError):
    """The configured URL answered, but not like TikTok (an HTML 404, a JSON body of another service)."""

    code = "tiktok_unexpected_answer"

    def __init__(self, message: str, *, path: str, hint: str | None = None):
        super().__init__(message, tiktok_code=None, path=path, hint=hint)


class TikTokAuthError(_TikTokResponseDetails, AuthenticationError):
    """TikTok rejected the credentials of a call; base of the token, signature and scope errors."""

    code = "tiktok_authentication_failed"


class TokenExpiredError(TikTokAuthError):
    """105002: the access token expired; the client refreshes once and retries before raising this."""

    code = "tiktok_token_expired"


class InvalidAccessTokenError(TikTokAuthError):
    """101000: the token is unknown or not tied to the shop cipher sent."""

    code = "tiktok_invalid_access_token"


class InvalidSignatureError(TikTokAuthError):
    """106001: TikTok computed a different `sign` (body re-serialised after signing, or a wrong secret)."""

    code = "tiktok_invalid_signature"


class MissingScopeError(TikTokAuthError):
    """105005: the app lacks the permission package (scope) this API needs."""

    code = "tiktok_missing_scope"

    def __init__(self, message: str, *, scope: str, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.scope = scope
        self.details["scope"] = scope


class RefreshTokenRejectedError(TikTokAuthError):
    """The auth host no longer accepts the refresh token (expired, rotated away or revoked): re-authorize."""

    code = "tiktok_refresh_token_rejected"


class TikTokTransientError(TransientError):
    """TikTok was unavailable (5xx, 36009003, timeout, connection error) after all retries."""

    code = "tiktok_unavailable"

    def __init__(
        self,
        message: str,
        *,
        tiktok_code: int | None = None,
        request_id: str | None = None,
        path: str = "",
        retry_after: float | None = None,
        attempts: int = 1,
    ):
        details = _tiktok_details(tiktok_code, "", request_id, path) | {"attempts": attempts}
        super().__init__(message, details=details, retry_after=retry_after)
        self.tiktok_code = tiktok_code
        self.request_id = request_id
        self.path = path
        self.attempts = attempts


class RateLimitedError(TikTokTransientError):
    """HTTP 429 / 36009002 persisted after all retries; retry later (honour `retry_after`)."""

    code = "tiktok_rate_limited"


_SCOPE_PATTERN = re.compile(r"\b(seller\.[a-z_]+(?:\.[a-z_]+)*)\b")


def scope_from_message(message: str) -> str | None:
    """Pull a scope key such as `seller.order.info` out of TikTok's 105005 message, when it names one."""
    match = _SCOPE_PATTERN.search(message)
    return match.group(1) if match else None


def error_for_response(
    *, http_status: int, tiktok_code: int | None, tiktok_message: str, request_id: str | None, path: str
) -> Exception:
    """Map one non-success TikTok answer to a typed error (retryable ones are decided by the caller)."""
    common: dict[str, Any] = {
        "tiktok_code": tiktok_code,
        "tiktok_message": tiktok_message,
        "request_id": request_id,
        "path": path,
    }
    if tiktok_code == CODE_TOKEN_EXPIRED:
        return TokenExpiredError(
            "TikTok Shop access token expired",
            hint="Refresh the token (re-authorize if refresh fails)",
            **common,
        )
    if tiktok_code == CODE_INVALID_SIGNATURE:
        return InvalidSignatureError(
            f"TikTok Shop rejected the request signature for {path}",
            hint="Check the app secret configured for this app key",
            **common,
        )
    if tiktok_code == CODE_INVALID_ACCESS_TOKEN:
        return InvalidAccessTokenError(
            f"TikTok Shop rejected the access token for {path}",
            hint="Re-authorize the shop in TikTok Shop Seller Center",
            **common,
        )
    if tiktok_code == CODE_SCOPE_MISSING:
        scope = scope_from_message(tiktok_message) or path
        return MissingScopeError(
            f"The TikTok Shop app is missing the permission needed for {scope}",
            scope=scope,
            hint="Enable the API scope in TikTok Shop Partner Center, then have the seller re-authorize",
            **common,
        )
    if http_status == 429 or tiktok_code == CODE_RATE_LIMITED:
        return RateLimitedError(
            f"TikTok Shop rate limit hit on {path}", tiktok_code=tiktok_code, request_id=request_id, path=path
        )
    if http_status >= 500 or tiktok_code in TRANSIENT_CODES:
        return TikTokTransientError(
            f"TikTok Shop is temporarily unavailable (HTTP {http_status}, code {tiktok_code}) on {path}",
            tiktok_code=tiktok_code,
            request_id=request_id,
            path=path,
        )
    return TikTokApiError(f"TikTok Shop refused {path}: {tiktok_message} (code {tiktok_code})", **common)
