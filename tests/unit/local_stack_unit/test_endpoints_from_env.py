"""The local stack targets the servers named in the environment, or starts the sandboxes."""

from __future__ import annotations

import pytest

from local_stack.endpoints import LocalConfigError, magento_from_env, parameters_from_env, tiktok_from_env

CREDENTIALS = {"TTS_TIKTOK_APP_KEY": "k", "TTS_TIKTOK_APP_SECRET": "s", "TTS_TIKTOK_SERVICE_ID": "7172"}


def test_nothing_set_means_sandboxes() -> None:
    assert tiktok_from_env({}) is None
    assert magento_from_env({}) is None


def test_tiktok_endpoint_and_credentials_come_from_the_environment() -> None:
    endpoint = tiktok_from_env(
        {
            "TTS_TIKTOK_API_URL": "https://tts.example",
            "TTS_TIKTOK_AUTH_URL": "https://auth.tts.example",
            "TTS_TIKTOK_AUTHORIZE_URL": "https://seller.tts.example/open/authorize",
            **CREDENTIALS,
        }
    )

    assert endpoint is not None
    assert (endpoint.api_url, endpoint.auth_url) == ("https://tts.example", "https://auth.tts.example")
    assert endpoint.authorize_url == "https://seller.tts.example/open/authorize"
    assert endpoint.credentials == {"app_key": "k", "app_secret": "s", "service_id": "7172"}


def test_tiktoks_own_api_host_defaults_the_auth_and_authorize_hosts_to_tiktoks_real_ones() -> None:
    endpoint = tiktok_from_env({"TTS_TIKTOK_API_URL": "https://open-api.tiktokglobalshop.com", **CREDENTIALS})

    assert endpoint is not None
    assert endpoint.auth_url == "https://auth.tiktok-shops.com"
    assert endpoint.authorize_url == "https://services.tiktokshop.com/open/authorize"


def test_another_api_server_needs_its_auth_and_authorize_urls_named() -> None:
    with pytest.raises(LocalConfigError, match="TTS_TIKTOK_AUTH_URL and TTS_TIKTOK_AUTHORIZE_URL must be set"):
        tiktok_from_env({"TTS_TIKTOK_API_URL": "https://tts.example", **CREDENTIALS})


def test_a_named_server_without_credentials_is_refused_with_the_variable_to_set() -> None:
    real = {"TTS_TIKTOK_API_URL": "https://open-api.tiktokglobalshop.com"}
    with pytest.raises(LocalConfigError, match="TTS_TIKTOK_APP_SECRET must be set"):
        tiktok_from_env({**real, "TTS_TIKTOK_APP_KEY": "k"})
    with pytest.raises(LocalConfigError, match="TTS_TIKTOK_SERVICE_ID must be set"):
        tiktok_from_env({**real, "TTS_TIKTOK_APP_KEY": "k", "TTS_TIKTOK_APP_SECRET": "s"})
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


def test_other_template_parameters_come_from_their_tts_variables() -> None:
    assert parameters_from_env(
        {"TTS_MAGENTO_STORE_CODE": "de", "TTS_LOG_LEVEL": "DEBUG", "TTS_TIKTOK_API_URL": "x"}
    ) == {
        "MagentoStoreCode": "de",
        "LogLevel": "DEBUG",
    }
