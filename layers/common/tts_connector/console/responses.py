"""HTML fragment responses and form input for the console's UI routes."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from pydantic import BaseModel, ValidationError

from tts_connector.api import raw_body
from tts_connector.console.auth import ConsoleUser, user_from_claims
from tts_connector.console.headers import security_headers
from tts_connector.console.rendering import render
from tts_connector.errors import InvalidInputError

MAX_FORM_BYTES = 16 * 1024


def html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type="text/html; charset=utf-8",
        body=body,
        headers={**security_headers(), "Cache-Control": "no-store", **(headers or {})},
    )


def fragment(
    template: str, *, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> Response[str]:
    return html(render(template, **context), status, headers)


def current_user(event: APIGatewayProxyEvent) -> ConsoleUser:
    authorizer = event.request_context.authorizer
    claims = authorizer.claims if authorizer is not None else None
    return user_from_claims(dict(claims) if claims else None)


def form(event: APIGatewayProxyEvent) -> dict[str, str]:
    """A url-encoded form (what htmx posts); each field once, or the request is refused."""
    body = raw_body(event)
    if len(body) > MAX_FORM_BYTES:
        raise InvalidInputError("The form is larger than the console accepts")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=50)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInputError("The form could not be read") from exc
    repeated = sorted(k for k, v in fields.items() if len(v) > 1)
    if repeated:
        raise InvalidInputError(f"Field {repeated[0]} was sent more than once")
    return {k: v[0] for k, v in fields.items()}


def query(event: APIGatewayProxyEvent) -> dict[str, str]:
    return {k: v for k, v in (event.query_string_parameters or {}).items() if v is not None}


def parsed[M: BaseModel](model: type[M], fields: dict[str, str], prefix: str = "") -> M:
    """Filters or a form as `model` (blank fields left out); the first problem is a 400 naming the field."""
    return validated(model, {k: v for k, v in fields.items() if v != ""}, prefix)


def validated[M: BaseModel](model: type[M], values: dict[str, Any], prefix: str = "") -> M:
    """`values` as `model`, read from text as a form sends it (a strict model too); the first problem is a 400."""
    try:
        return model.model_validate(values, strict=False)
    except ValidationError as exc:
        problem = exc.errors(include_url=False)[0]
        raise InvalidInputError(f"{prefix}{'.'.join(str(p) for p in problem['loc'])}: {problem['msg']}") from exc
