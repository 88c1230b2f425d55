"""TikTok's webhook contract: signature over raw bytes, envelope, size, and the event it becomes."""

from __future__ import annotations

import pytest

from tests.helpers import encode, sign_tiktok_webhook, tiktok_notification
from tests.unit.events.fakes import InMemoryEventStore, RecordingPublisher
from tts_connector.errors import AuthenticationError, InvalidInputError, PayloadTooLargeError
from tts_connector.events.intake import EventIntake
from tts_connector.events.router import EventRegistry
from tts_connector.tiktok.credentials import AppCredentials
from tts_connector.tiktok.webhook import MAX_BODY_BYTES, accept_webhook, parse_notification, verify_signature

CREDS = AppCredentials(app_key="6abcdefg", app_secret="s3cr3t-value")


def _intake(store: InMemoryEventStore) -> EventIntake:
    return EventIntake(store, RecordingPublisher(), EventRegistry())


def test_bad_signature_changes_nothing() -> None:
    store = InMemoryEventStore()

    with pytest.raises(AuthenticationError):
        accept_webhook(encode(tiktok_notification()), "00" * 32, credentials=CREDS, intake=_intake(store))

    assert store.events == {}


@pytest.mark.parametrize("header", ["ünïcödé-signature", "\u200b" * 64, "x" * 10_000])
def test_a_non_ascii_or_absurd_authorization_header_is_refused_not_a_crash(header: str) -> None:
    with pytest.raises(AuthenticationError):
        verify_signature(CREDS.app_key, CREDS.app_secret, b"{}", header)


def test_the_signature_is_case_insensitive_hex_over_the_raw_bytes() -> None:
    body = encode(tiktok_notification())

    verify_signature(
        CREDS.app_key, CREDS.app_secret, body, sign_tiktok_webhook("6abcdefg", "s3cr3t-value", body).upper()
    )
    with pytest.raises(AuthenticationError):
        verify_signature(
            CREDS.app_key, CREDS.app_secret, body + b" ", sign_tiktok_webhook("6abcdefg", "s3cr3t-value", body)
        )


def test_an_oversized_body_is_refused_before_anything_is_stored() -> None:
    store = InMemoryEventStore()
    body = b'{"pad":"' + b"x" * MAX_BODY_BYTES + b'"}'

    with pytest.raises(PayloadTooLargeError) as refused:
        accept_webhook(
            body, sign_tiktok_webhook("6abcdefg", "s3cr3t-value", body), credentials=CREDS, intake=_intake(store)
        )

    assert refused.value.http_status == 413
    assert store.events == {}


def test_envelope_errors_say_which_field_is_wrong() -> None:
    with pytest.raises(InvalidInputError, match="shop_id"):
        parse_notification(encode({"type": 1, "timestamp": 1, "data": {}}))
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        parse_notification(b"{oops")
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        parse_notification(b"\xff\xfe{}")
    with pytest.raises(InvalidInputError, match="nested too deeply"):
        parse_notification(b"[" * 100_000)


def test_numeric_ids_stay_exact_strings() -> None:
    notification = parse_notification(
        b'{"type":5,"shop_id":7494049642642441621,"timestamp":1,"data":{"product_id":576486316948490000}}'
    )

    assert notification.shop_id == "7494049642642441621"
    assert notification.message_group_id == "7494049642642441621:shop"
    assert notification.event_key.startswith("sha256:")


def test_event_without_notification_id_gets_a_content_key() -> None:
    a = parse_notification(b'{"type":3,"shop_id":"1","timestamp":1,"data":{"order_id":"9","update_time":5}}')
    b = parse_notification(b'{"shop_id":"1","type":3,"timestamp":2,"data":{"update_time":5,"order_id":"9"}}')

    assert a.event_key == b.event_key  # same content, key order and push time do not matter
    assert a.message_group_id == "1:order:9"


def test_the_event_keeps_what_tiktok_sent_and_a_bounded_group() -> None:
    notification = parse_notification(encode(tiktok_notification(topic=1, data={"order_id": "5" * 400})))

    event = notification.to_event()

    assert event.event_type == "tts:1"
    assert event.shop_id == notification.shop_id and event.occurred_at == notification.timestamp
    assert len(event.message_group_id) <= 128
    assert event.payload["data"]["order_id"] == "5" * 400
