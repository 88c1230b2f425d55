"""Typed errors shared by every part of the connector.

Each error carries a message a merchant can act on (`message`), an optional `hint` saying what to change,
and a stable `code` the admin API and job records expose. Subclasses say whether a retry can help, so
callers (SQS consumers, the job runner) decide between retrying and parking without string matching.
"""

from __future__ import annotations

from typing import Any


class ConnectorError(Exception):
    """Base class: a failure the connector understands and can explain."""

    code: str = "connector_error"
    retryable: bool = False
    http_status: int = 500

    def __init__(self, message: str, *, hint: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        if self.details:
            body["details"] = self.details
        return body

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigurationError(ConnectorError):
    """A setting or secret is missing or malformed; the operator must fix the deployment."""

    code = "configuration_error"


class InvalidInputError(ConnectorError):
    """A request or event was refused because of what it contains; nothing was changed."""

    code = "invalid_input"
    http_status = 400


class AuthenticationError(ConnectorError):
    """A caller or a webhook failed authentication (bad signature, unknown token)."""

    code = "authentication_failed"
    http_status = 401


class PayloadTooLargeError(InvalidInputError):
    """The request body is larger than this endpoint accepts; nothing was stored."""

    code = "payload_too_large"
    http_status = 413


class NotFoundError(ConnectorError):
    code = "not_found"
    http_status = 404


class ConflictError(ConnectorError):
    """The request is valid but clashes with current state (a duplicate, a wrong state transition)."""

    code = "conflict"
    http_status = 409


class TransientError(ConnectorError):
    """A dependency failed in a way that a later retry can fix (throttling, 5xx, timeout)."""

    code = "transient_error"
    retryable = True
    http_status = 503

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        details: dict[str, Any] | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message, hint=hint, details=details)
        self.retry_after = retry_after


class ExternalServiceError(ConnectorError):
    """A dependency (TikTok Shop, Magento) refused a call for a reason a retry will not fix."""

    code = "external_service_error"
    http_status = 502
