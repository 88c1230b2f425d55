"""Helpers shared by the API Gateway handlers."""

from __future__ import annotations

import base64
import json

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from tts_connector.errors import ConnectorError
from tts_connector.observability import logger


def raw_body(event: APIGatewayProxyEvent) -> bytes:
    """The request body exactly as the sender sent it (signatures are computed over these bytes)."""
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8")


def error_response(error: ConnectorError) -> Response[str]:
    return Response(
        status_code=error.http_status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(error.to_dict()),
    )


def install_error_handlers(app: APIGatewayRestResolver) -> None:
    """Answer typed errors with their status and merchant-facing message; log them without payloads."""

    @app.exception_handler(ConnectorError)  # type: ignore[untyped-decorator]
    def _connector_error(error: ConnectorError) -> Response[str]:
        logger.warning("Request refused", extra={"error_code": error.code, "reason": error.message})
        return error_response(error)
