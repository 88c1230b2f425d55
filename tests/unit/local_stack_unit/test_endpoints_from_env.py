"""The local stack targets the servers named in the environment, or starts the sandboxes."""

from __future__ import annotations

import pytest

from local_stack.endpoints import magento_from_env, tiktok_from_env


def test_nothing_set_means_sandboxes() -> None:
    assert tiktok_from_env({}) is None
    assert magento_from_env({}) is None


def test_tiktok_endpoint_and_credentials_come_from_the_environment() -> None:
    endpoint = tiktok_from_env(
        {"TTS_TIKTOK_API_URL": "https://tts.example", "TTS_TIKTOK_APP_KEY": "k", "TTS_TIKTOK_APP_SECRET": "s"}
    )

    assert endpoint is not None
    assert (endpoint.api_url, endpoint.auth_url) == ("https://tts.example", "https://tts.example")
    assert endpoint.authorize_url == "https://tts.example/open/authorize"
    assert endpoint.credentials == {"app_key": "k", "app_secret": "s", "service_id": ""}


def test_a_named_server_without_credentials_is_refused_with_the_variable_to_set() -> None:
    with pytest.raises(ValueError, match="TTS_TIKTOK_APP_SECRET must be set"):
        tiktok_from_env({"TTS_TIKTOK_API_URL": "https://tts.example", "TTS_TIKTOK_APP_KEY": "k"})
    with pytest.raises(ValueError, match="TTS_MAGENTO_CONSUMER_KEY must be set"):
        magento_from_env({"TTS_MAGENTO_BASE_URL": "https://shop.example"})


def test_magento_bearer_or_oauth_credentials() -> None:
    bearer = magento_from_env({"TTS_MAGENTO_BASE_URL": "https://shop.example", "TTS_MAGENTO_BEARER_TOKEN": "t"})
    oauth = magento_from_env(
        {
            "TTS_MAGENTO_BASE_URL": "https://shop.example",
            "TTS_MAGENTO_CONSUMER_KEY": "a",
            "TTS_MAGENTO_CONSUMER_SECRET": "b",
            "TTS_MAGENTO_ACCESS_TOKEN": "c",
            "TTS_MAGENTO_ACCESS_TOKEN_SECRET": "d",
        }
    )

    assert bearer is not None and bearer.credentials == {"auth": "bearer", "access_token": "t"}
    assert oauth is not None and oauth.credentials["access_token_secret"] == "d"
