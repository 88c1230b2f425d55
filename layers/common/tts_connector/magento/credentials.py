"""Integration credentials for a Magento store.

Both modes come from the same Admin integration (System > Extensions > Integrations). OAuth 1.0a signing
works on every store; the access token alone as a Bearer token only works where the merchant enabled
`oauth/consumer/enable_integration_as_bearer` (off by default since 2.4.4). Secrets are `SecretStr` so a
repr, a log line or an exception never shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from tts_connector.errors import ConfigurationError


class OAuthCredentials(BaseModel):
    """The four values Magento shows when an integration is activated."""

    model_config = ConfigDict(frozen=True)

    consumer_key: str
    consumer_secret: SecretStr
    access_token: SecretStr
    access_token_secret: SecretStr


class BearerCredentials(BaseModel):
    """An integration access token used on its own (needs the store's bearer flag)."""

    model_config = ConfigDict(frozen=True)

    access_token: SecretStr


MagentoCredentials = OAuthCredentials | BearerCredentials


def credentials_from_mapping(values: Mapping[str, Any]) -> MagentoCredentials:
    """Credentials from a stored secret (e.g. Secrets Manager JSON).

    `{"auth": "bearer", "access_token": ...}` gives Bearer credentials; otherwise the four OAuth values are
    required. Errors name the missing or malformed keys only, never the values.
    """
    try:
        if str(values.get("auth", "oauth")).lower() == "bearer":
            return BearerCredentials.model_validate({"access_token": values.get("access_token")})
        return OAuthCredentials.model_validate({k: values.get(k) for k in OAuthCredentials.model_fields})
    except ValidationError as exc:
        problems = ", ".join(sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()}))
        raise ConfigurationError(
            f"Magento credentials are incomplete or malformed: {problems}",
            hint="Store consumer_key, consumer_secret, access_token and access_token_secret from the "
            "Magento integration (or auth=bearer with access_token)",
        ) from None
