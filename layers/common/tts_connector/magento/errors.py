"""Turning Magento's error responses into the connector's typed errors.

Magento answers errors as `{"message": "...%1...", "parameters": [...]}` (or named `%resources` with an
object), sometimes with an `errors` list, and fatal PHP errors use a different `messages.error[]` shape.
Messages are interpolated here so logs and job records read like the Admin would show them. Response
bodies are never copied wholesale into errors: only Magento's message, which does not carry credentials.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tts_connector.errors import (
    AuthenticationError,
    ConnectorError,
    ExternalServiceError,
    InvalidInputError,
    NotFoundError,
    TransientError,
)

_PLACEHOLDER = re.compile(r"%(\w+)")


class OutcomeUnknownError(TransientError):
    """A write that is not safe to repeat failed in a way that leaves its effect unknown (timeout, 5xx).

    It was deliberately not retried. Before retrying, the caller must check whether it took effect (e.g.
    search orders by ext_order_id, list the order's invoices or shipments), or risk a duplicate.
    """

    code = "magento_outcome_unknown"


def interpolate(message: str, parameters: Any) -> str:
    """Fill Magento's `%1` (positional, 1-based) and `%name` placeholders; unknown ones stay as written.

    Named placeholders with a list of parameters are filled in order of appearance: the price APIs answer
    `{"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["SKU", "X"]}`, their
    `string[]` having dropped the names.
    """
    names = list(dict.fromkeys(k for k in _PLACEHOLDER.findall(message) if not k.isdigit()))

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if isinstance(parameters, list):
            index = int(key) - 1 if key.isdigit() else names.index(key)
            if 0 <= index < len(parameters):
                return str(parameters[index])
        if isinstance(parameters, dict) and key in parameters:
            return str(parameters[key])
        return match.group(0)

    return _PLACEHOLDER.sub(replace, message)


def parse_error_message(content: bytes) -> str | None:
    """Magento's interpolated error text from a response body, or None if the body is not a Magento error."""
    try:
        payload = json.loads(content)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    if isinstance(payload.get("message"), str):
        text = interpolate(payload["message"], payload.get("parameters"))
        extra = [
            interpolate(str(err.get("message", "")), err.get("parameters"))
            for err in payload.get("errors") or []
            if isinstance(err, dict)
        ]
        return "; ".join([text, *[e for e in extra if e and e != text]])
    fatal = payload.get("messages", {}).get("error") if isinstance(payload.get("messages"), dict) else None
    if isinstance(fatal, list) and fatal and isinstance(fatal[0], dict):
        return str(fatal[0].get("message", ""))
    return None


def error_for_response(status: int, content: bytes, *, operation: str, bearer: bool) -> ConnectorError:
    """The typed error for a non-2xx answer. `operation`: e.g. 'GET /V1/orders/{id}' (no query)."""
    magento_message = parse_error_message(content) or f"HTTP {status} without a Magento error body"
    message = f"Magento {operation} failed: {magento_message}"
    details = {"status": status, "operation": operation, "magento_message": magento_message}
    if status == 404:
        return NotFoundError(message, details=details)
    if status in (401, 403):
        hint = "Check the integration's credentials and its API resources (ACL) in System > Integrations"
        if bearer and "isn't authorized" in magento_message:
            hint = (
                "Bearer use of integration tokens is off by default since 2.4.4: enable 'Allow OAuth Access "
                "Tokens to be used as standalone Bearer tokens' or use OAuth 1.0a credentials"
            )
        return AuthenticationError(message, hint=hint, details=details)
    if status == 429 or status >= 500:
        return TransientError(message, details=details)
    if status == 400:
        return InvalidInputError(message, details=details)
    return ExternalServiceError(message, details=details)
