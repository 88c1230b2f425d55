from __future__ import annotations

import pytest

from tts_connector.errors import ConfigurationError, InvalidInputError, TransientError
from tts_connector.settings import load_settings


def test_settings_read_the_environment_names_from_the_template() -> None:
    settings = load_settings(
        {"STAGE": "prod", "EVENTS_TABLE": "events", "MAGENTO_BASE_URL": "https://shop.example.com"}
    )

    assert settings.stage == "prod"
    assert settings.require("events_table") == "events"
    assert str(settings.magento_base_url) == "https://shop.example.com/"


def test_missing_setting_names_the_variable_to_set() -> None:
    settings = load_settings({})

    with pytest.raises(ConfigurationError) as raised:
        settings.require("jobs_table")

    assert "JOBS_TABLE" in raised.value.message
    assert raised.value.hint and "template.yaml" in raised.value.hint


def test_invalid_setting_is_reported_with_its_name() -> None:
    with pytest.raises(ConfigurationError, match="TIKTOK_API_URL"):
        load_settings({"TIKTOK_API_URL": "not a url"})


def test_errors_carry_status_code_and_merchant_message() -> None:
    error = InvalidInputError("Brand is required", hint="Map a Magento attribute to Brand")

    assert error.http_status == 400
    assert error.to_dict() == {
        "code": "invalid_input",
        "message": "Brand is required",
        "hint": "Map a Magento attribute to Brand",
    }
    assert TransientError("slow", retry_after=2.5).retryable
