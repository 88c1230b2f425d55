"""Secrets from AWS Secrets Manager through Powertools Parameters (cached between invocations)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError, TransformParameterError

from tts_connector.errors import ConfigurationError
from tts_connector.observability import register_secret
from tts_connector.settings import get_settings


def get_secret_json(name: str) -> dict[str, Any]:
    """Load a JSON secret; every string in it is registered for log redaction before it is returned."""
    try:
        value = parameters.get_secret(name, transform="json", max_age=get_settings().secrets_max_age_seconds)
    except (GetParameterError, TransformParameterError) as exc:
        # The underlying message can echo the secret on a transform error; keep only the name.
        raise ConfigurationError(
            f"Secret {name!r} could not be read as JSON",
            hint=f"Create the secret {name!r} in Secrets Manager with a JSON object and grant this function access",
        ) from exc
    if not isinstance(value, dict):
        raise ConfigurationError(f"Secret {name!r} must hold a JSON object", hint='Store it as {"key": "value"}')
    for item in value.values():
        if isinstance(item, str):
            register_secret(item)
    return value
