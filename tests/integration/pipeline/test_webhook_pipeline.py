"""The deployed template run locally: TikTok webhook -> gateway -> events table + FIFO queue -> router."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from local_stack import LocalStack
from tests.helpers import encode, tiktok_notification
from tests.integration.stack_support import UNUSED_TIKTOK, stack_without_sandboxes, unused_tiktok_signature

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    # One stack for the module: tests use distinct notification ids, and warm functions keep the suite fast.
    yield from stack_without_sandboxes(tmp_path_factory.mktemp("state"))


def _post_webhook(stack: LocalStack, body: bytes, signature: str | None = None) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    headers["Authorization"] = signature if signature is not None else unused_tiktok_signature(body)
    return requests.post(f"{stack.url}/webhooks/tiktok", data=body, headers=headers, timeout=30)


def _key_hash(event_key: str) -> str:
    # Powertools stores the md5 of the JSON-serialised idempotency key.
    return hashlib.md5(json.dumps(event_key).encode(), usedforsecurity=False).hexdigest()


def _event_item(stack: LocalStack, key: str) -> dict[str, Any] | None:
    table = stack.physical("EventsTable")
    return stack.client("dynamodb").get_item(TableName=table, Key={"event_key": {"S": key}}).get("Item")


def _wait_for_status(stack: LocalStack, key: str, status: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    item = None
    while time.monotonic() < deadline:
        item = _event_item(stack, key)
        if item and item["status"]["S"] == status:
            return item
        time.sleep(0.1)
    raise AssertionError(f"event {key} did not reach {status}; last seen {item}")


def test_health_route_answers_through_the_gateway(stack: LocalStack) -> None:
    response = requests.get(f"{stack.url}/health", timeout=30)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["stage"] == "dev"
    assert body["checks"] == {"events_table": "ok"}


def _deauthorization(notification_id: str, **data: Any) -> dict[str, Any]:
    # Topic 6 is handled (by Connect, on the shop events queue); the shop is unknown to this stack, so the
    # handler records it IGNORED with its reason, which proves the event reached the handler.
    return tiktok_notification(topic=6, notification_id=notification_id, data=dict(data))


def test_signed_webhook_is_recorded_queued_and_routed(stack: LocalStack) -> None:
    # Given a correctly signed notification of a topic a capability handles
    body = encode(_deauthorization("7327112393057371910"))

    # When TikTok posts it
    response = _post_webhook(stack, body)

    # Then it is acknowledged with TikTok's expected empty 200, and routed through the FIFO queue to its handler
    assert response.status_code == 200
    assert response.text == ""
    item = _wait_for_status(stack, "tts:7327112393057371910", "IGNORED")
    assert item["message_group_id"]["S"] == "7494049642642441621:shop"
    assert "is not known here" in item["detail"]["S"]


def test_a_topic_no_capability_handles_is_recorded_ignored_without_queueing(stack: LocalStack) -> None:
    body = encode(tiktok_notification(topic=99, notification_id="7327112393057371999"))

    assert _post_webhook(stack, body).status_code == 200

    item = _event_item(stack, "tts:7327112393057371999")
    assert item is not None and item["status"]["S"] == "IGNORED"
    assert "No capability handles event type tts:99" in item["detail"]["S"]
    idempotency = stack.client("dynamodb").scan(TableName=stack.physical("IdempotencyTable"))["Items"]
    assert not [i for i in idempotency if i["id"]["S"].endswith("#" + _key_hash("tts:7327112393057371999"))]


def test_duplicate_webhook_is_acknowledged_but_recorded_and_routed_once(stack: LocalStack) -> None:
    body = encode(_deauthorization("111"))

    first, second = _post_webhook(stack, body), _post_webhook(stack, body)

    assert (first.status_code, second.status_code) == (200, 200)
    _wait_for_status(stack, "tts:111", "IGNORED")
    idempotency = stack.client("dynamodb").scan(TableName=stack.physical("IdempotencyTable"))["Items"]
    assert len([i for i in idempotency if i["id"]["S"].endswith("#" + _key_hash("tts:111"))]) == 1
    handled = [
        line
        for line in stack.function_log("TikTokEventsFunction", containing='"event_key":"tts:111"').splitlines()
        if '"Event handled"' in line and '"event_key":"tts:111"' in line
    ]
    assert len(handled) == 1


@pytest.mark.parametrize("signature", ["", "0" * 64, "not-hex"])
def test_webhook_with_a_bad_signature_is_refused_and_changes_nothing(stack: LocalStack, signature: str) -> None:
    body = encode(_deauthorization("222"))

    response = _post_webhook(stack, body, signature=signature)

    assert response.status_code == 401
    assert "signature" in response.json()["message"].lower()
    assert _event_item(stack, "tts:222") is None


def test_signature_is_checked_over_the_raw_bytes(stack: LocalStack) -> None:
    # Same JSON, different bytes (spacing): the signature of the compact form does not fit the spaced one.
    notification = tiktok_notification(notification_id="333")
    compact_signature = unused_tiktok_signature(encode(notification))
    spaced = json.dumps(notification, indent=2).encode()

    assert _post_webhook(stack, spaced, signature=compact_signature).status_code == 401
    assert _post_webhook(stack, spaced).status_code == 200


def test_malformed_webhook_is_refused_with_what_is_wrong(stack: LocalStack) -> None:
    body = encode({"type": 1, "timestamp": 1, "data": {}})

    response = _post_webhook(stack, body)

    assert response.status_code == 400
    assert "shop_id" in response.json()["message"]
    logs = stack.function_log("TikTokWebhookFunction", containing="Webhook envelope is invalid")
    assert "Webhook envelope is invalid" in logs


def test_malformed_queued_event_is_retried_then_parked_in_the_dlq(stack: LocalStack) -> None:
    sqs = stack.client("sqs")

    sqs.send_message(
        QueueUrl=stack.physical("TikTokEventsQueue"),
        MessageBody='{"not": "an event"}',
        MessageGroupId="g",
        MessageDeduplicationId="d",
    )

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        parked = sqs.receive_message(
            QueueUrl=stack.physical("TikTokEventsDLQ"), MessageSystemAttributeNames=["All"]
        ).get("Messages", [])
        if parked:
            break
        time.sleep(0.2)
    assert parked and parked[0]["Body"] == '{"not": "an event"}'
    assert int(parked[0]["Attributes"]["ApproximateReceiveCount"]) >= 5


def test_outbox_sweep_resends_an_event_that_never_reached_the_queue(stack: LocalStack) -> None:
    # Given an event recorded long ago that is still RECEIVED (the enqueue after the write was lost)
    notification = _deauthorization("444")
    stack.client("dynamodb").put_item(
        TableName=stack.physical("EventsTable"),
        Item={
            "event_key": {"S": "tts:444"},
            "status": {"S": "RECEIVED"},
            "received_at": {"N": str(int(time.time()) - 3600)},
            "updated_at": {"N": str(int(time.time()) - 3600)},
            "message_group_id": {"S": "7494049642642441621:shop"},
            "shop_id": {"S": notification["shop_id"]},
            "type": {"N": "6"},
            "notification": {"S": json.dumps(notification)},
        },
    )

    # When the schedule fires
    result = stack.fire_schedule("OutboxSweeperFunction.Sweep")

    # Then the event is re-sent and routed
    assert result.ok and result.result["requeued"] == ["tts:444"] and result.result["failed"] == []
    _wait_for_status(stack, "tts:444", "IGNORED")


def test_app_secret_never_appears_in_function_logs(stack: LocalStack) -> None:
    _post_webhook(stack, encode(_deauthorization("555")))
    _post_webhook(stack, encode(_deauthorization("556")), signature="f" * 64)
    _wait_for_status(stack, "tts:555", "IGNORED")

    logs = "".join(p.read_text() for p in stack.log_dir.glob("*.log"))
    assert "Event accepted" in logs
    assert UNUSED_TIKTOK.credentials["app_secret"] not in logs


def test_admin_routes_require_the_local_admin_token(stack: LocalStack) -> None:
    # No admin route exists yet beyond the stack's defaults: an unknown path answers like API Gateway.
    response = requests.get(f"{stack.url}/admin/anything", timeout=30)
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}
