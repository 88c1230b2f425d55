"""Mapping TikTok answers to typed errors."""

from __future__ import annotations

import pytest

from tts_connector.errors import AuthenticationError, ExternalServiceError, TransientError
from tts_connector.tiktok.errors import (
    InvalidAccessTokenError,
    InvalidSignatureError,
    MissingScopeError,
    RateLimitedError,
    TikTokApiError,
    TikTokTransientError,
    TokenExpiredError,
    error_for_response,
    scope_from_message,
)


def _map(http_status: int, code: int | None, message: str = "msg") -> Exception:
    return error_for_response(
        http_status=http_status,
        tiktok_code=code,
        tiktok_message=message,
        request_id="rid-1",
        path="/order/202309/orders",
    )


@pytest.mark.parametrize(
    ("http_status", "code", "expected", "base"),
    [
        (401, 105002, TokenExpiredError, AuthenticationError),
        (401, 106001, InvalidSignatureError, AuthenticationError),
        (401, 101000, InvalidAccessTokenError, AuthenticationError),
        (403, 105005, MissingScopeError, AuthenticationError),
        (429, 36009002, RateLimitedError, TransientError),
        (429, None, RateLimitedError, TransientError),
        (200, 36009002, RateLimitedError, TransientError),
        (503, None, TikTokTransientError, TransientError),
        (200, 36009003, TikTokTransientError, TransientError),
        (504, 36009007, TikTokTransientError, TransientError),
        (400, 12052024, TikTokApiError, ExternalServiceError),
        (401, 36009004, TikTokApiError, ExternalServiceError),
    ],
)
def test_error_classes(http_status: int, code: int | None, expected: type[Exception], base: type[Exception]) -> None:
    error = _map(http_status, code)
    assert type(error) is expected
    assert isinstance(error, base)


def test_generic_error_keeps_tiktoks_code_message_and_request_id() -> None:
    error = _map(400, 12052024, "category is not a leaf")
    assert isinstance(error, TikTokApiError)
    assert (error.tiktok_code, error.tiktok_message, error.request_id) == (12052024, "category is not a leaf", "rid-1")
    assert error.to_dict()["details"]["tiktok_code"] == 12052024
    assert "12052024" in str(error)


def test_missing_scope_names_scope_from_message_or_falls_back_to_path() -> None:
    named = _map(403, 105005, "you should apply auth pkg for this api. Missing scope: seller.order.info")
    assert isinstance(named, MissingScopeError)
    assert named.scope == "seller.order.info"
    unnamed = _map(403, 105005, "you should apply auth pkg for this api")
    assert isinstance(unnamed, MissingScopeError)
    assert unnamed.scope == "/order/202309/orders"
    assert "/order/202309/orders" in unnamed.message


def test_scope_parser_ignores_text_without_scope() -> None:
    assert scope_from_message("seller.return_refund.basic is required") == "seller.return_refund.basic"
    assert scope_from_message("no scope here") is None


def test_transient_error_is_retryable_and_carries_retry_after() -> None:
    error = _map(429, 36009002)
    assert isinstance(error, RateLimitedError)
    assert error.retryable
    error.retry_after = 2.0
    assert error.retry_after == 2.0
