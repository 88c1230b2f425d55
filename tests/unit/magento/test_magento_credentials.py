from __future__ import annotations

import pytest

from tts_connector.errors import ConfigurationError
from tts_connector.magento import BearerCredentials, OAuthCredentials, credentials_from_mapping


def test_oauth_and_bearer_secrets_are_recognised() -> None:
    oauth = credentials_from_mapping(
        {"consumer_key": "ck", "consumer_secret": "cs", "access_token": "at", "access_token_secret": "ats"}
    )
    bearer = credentials_from_mapping({"auth": "bearer", "access_token": "at"})

    assert isinstance(oauth, OAuthCredentials)
    assert oauth.consumer_secret.get_secret_value() == "cs"
    assert isinstance(bearer, BearerCredentials)


def test_incomplete_secrets_name_the_keys_but_not_the_values() -> None:
    with pytest.raises(ConfigurationError) as caught:
        credentials_from_mapping({"consumer_key": "ck", "consumer_secret": "very-secret-value", "access_token": 5})

    rendered = f"{caught.value} {caught.value.to_dict()}"
    assert "access_token_secret" in rendered
    assert "very-secret-value" not in rendered
    assert "cs" not in repr(credentials_from_mapping({"auth": "bearer", "access_token": "cs"}))
