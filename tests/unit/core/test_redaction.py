from __future__ import annotations

import io
import json
import logging

from aws_lambda_powertools import Logger

from tts_connector.observability import MASK, RedactingFormatter, redact, register_secret


def test_secret_named_keys_are_masked_at_any_depth() -> None:
    record = {
        "shop": "1",
        "auth": {"access_token": "abc", "nested": [{"app_secret": "zzz"}]},
        "Authorization": "sig",
    }

    assert redact(record) == {
        "shop": "1",
        "auth": {"access_token": MASK, "nested": [{"app_secret": MASK}]},
        "Authorization": MASK,
    }


def test_registered_secret_values_are_scrubbed_inside_free_text() -> None:
    register_secret("ROW_9f8e7d6c5b4a")

    assert redact("refresh failed for token ROW_9f8e7d6c5b4a today") == f"refresh failed for token {MASK} today"


def test_short_values_are_not_registered_to_avoid_masking_ordinary_words() -> None:
    register_secret("abc")

    assert redact("abc") == "abc"


def test_logger_output_never_contains_a_registered_secret() -> None:
    stream = io.StringIO()
    logger = Logger(
        service="redaction-test",
        logger_formatter=RedactingFormatter(),
        logger_handler=logging.StreamHandler(stream),
    )
    register_secret("TTP_secret_value_123")

    logger.info("calling with TTP_secret_value_123", extra={"x_tts_access_token": "anything", "order_id": "1"})

    line = json.loads(stream.getvalue())
    assert "TTP_secret_value_123" not in stream.getvalue()
    assert line["x_tts_access_token"] == MASK
    assert line["order_id"] == "1"
