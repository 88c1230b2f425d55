"""The intake and the pipeline under bad input, faults and concurrency, over HTTP through the local stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from local_stack import LocalStack
from tests.helpers import encode, tiktok_notification
from tests.integration.stack_support import stack_without_sandboxes, unused_tiktok_signature

pytestmark = pytest.mark.integration

SHOP = "7494049642642441621"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    yield from stack_without_sandboxes(tmp_path_factory.mktemp("state"))


def _post(
    stack: LocalStack, body: bytes, authorization: str | bytes | None = None, content_type: str = "application/json"
) -> requests.Response:
    headers: dict[str, Any] = {
        "Content-Type": content_type,
        "Authorization": authorization or unused_tiktok_signature(body),
    }
    return requests.post(f"{stack.url}/webhooks/tiktok", data=body, headers=headers, timeout=30)


def _deauthorization(notification_id: str, **data: Any) -> dict[str, Any]:
    # Handled on the shop events queue; the shop is unknown here, so the handler ends it IGNORED.
    return tiktok_notification(topic=6, notification_id=notification_id, data=dict(data))


def _item(stack: LocalStack, key: str) -> dict[str, Any] | None:
    table = stack.physical("EventsTable")
    return stack.client("dynamodb").get_item(TableName=table, Key={"event_key": {"S": key}}).get("Item")


def _wait_for(stack: LocalStack, key: str, status: str, timeout: float = 30) -> dict[str, Any]:
    deadline, item = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        item = _item(stack, key)
        if item and item["status"]["S"] == status:
            return item
        time.sleep(0.1)
    raise AssertionError(f"event {key} did not reach {status}; last seen {item}")


def _handled(stack: LocalStack, key: str) -> list[dict[str, Any]]:
    # The worker's log reaches its file a moment after the batch's reply: wait for the line, not just the file.
    deadline = time.monotonic() + 10
    while True:
        lines = stack.function_log("TikTokEventsFunction").splitlines()
        handled = [json.loads(line) for line in lines if '"Event handled"' in line and f'"event_key":"{key}"' in line]
        if handled or time.monotonic() >= deadline:
            return handled
        time.sleep(0.05)


@pytest.mark.parametrize("header", ["ünïcödé".encode(), "Bearer 🙂".encode(), b"\xff\xfe\xfd"])
def test_a_non_ascii_authorization_header_gets_401_and_stores_nothing(stack: LocalStack, header: bytes) -> None:
    body = encode(_deauthorization("9001"))

    response = _post(stack, body, authorization=header)

    assert response.status_code == 401
    assert "signature" in response.json()["message"]
    assert _item(stack, "tts:9001") is None


def test_a_body_over_the_limit_gets_413_and_stores_nothing(stack: LocalStack) -> None:
    notification = _deauthorization("9002", padding="x" * 450_000)  # a DynamoDB item holds at most 400 KB
    body = encode(notification)

    response = _post(stack, body)

    assert response.status_code == 413
    assert "exceeds" in response.json()["message"]
    assert _item(stack, "tts:9002") is None


def test_a_body_that_is_not_utf8_or_nested_too_deep_gets_400(stack: LocalStack) -> None:
    # Sent as a binary media type the bytes arrive exactly (base64) and the signature holds; the body is refused.
    not_utf8 = b'{"type":6,"shop_id":"\xff","timestamp":1,"data":{}}'
    too_deep = b"[" * 50_000 + b"]" * 50_000
    for body in (not_utf8, too_deep):
        response = _post(stack, body, content_type="application/octet-stream")
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "invalid_input"


def _warm_webhook_workers(stack: LocalStack, count: int = 4) -> None:
    """Start every webhook worker first, so the burst measures the intake and not cold starts."""
    barrier = threading.Barrier(count)

    def post(n: int) -> None:
        barrier.wait()
        for _ in range(3):
            if _post(stack, encode(_deauthorization(f"warm-{n}-{uuid.uuid4()}"))).status_code == 200:
                return

    threads = [threading.Thread(target=post, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_fifty_concurrent_duplicates_end_processed_once_and_never_move_back(stack: LocalStack) -> None:
    _warm_webhook_workers(stack)
    body = encode(_deauthorization("9003"))
    barrier = threading.Barrier(50)
    codes: list[int] = []

    def post() -> None:
        barrier.wait()
        codes.append(_post(stack, body).status_code)

    threads = [threading.Thread(target=post) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert codes == [200] * 50
    _wait_for(stack, "tts:9003", "IGNORED")
    time.sleep(1.5)  # any late intake has answered by now; none may have set it back
    item = _item(stack, "tts:9003")
    assert item is not None and item["status"]["S"] == "IGNORED"
    assert len(_handled(stack, "tts:9003")) == 1


def test_an_order_id_too_long_for_a_fifo_group_is_hashed_and_still_processed(stack: LocalStack) -> None:
    body = encode(_deauthorization("9004", order_id="7" * 300))

    assert _post(stack, body).status_code == 200

    item = _wait_for(stack, "tts:9004", "IGNORED")
    group = item["message_group_id"]["S"]
    assert len(group) <= 128 and group.startswith(f"{SHOP}:order:777")


def test_one_poisoned_group_does_not_hold_up_the_other_groups_of_its_batch(stack: LocalStack) -> None:
    # A batch as SQS delivers it: the poisoned message first, then five events of five other orders.
    healthy = [_deauthorization(str(9100 + n), order_id=f"order-{n}") for n in range(5)]
    from tts_connector.tiktok.webhook import TikTokNotification

    events = [TikTokNotification.model_validate(n).to_event() for n in healthy]
    records = [_sqs_record("poison", '{"not": "an event"}', "g-poison")] + [
        _sqs_record(str(uuid.uuid4()), e.model_dump_json(), e.message_group_id) for e in events
    ]

    result = stack.invoke("TikTokEventsFunction", {"Records": records})

    assert result == {"batchItemFailures": [{"itemIdentifier": "poison"}]}
    for event in events:
        assert len(_handled(stack, event.event_key)) == 1, f"{event.event_key} was not processed in this batch"


def _sqs_record(message_id: str, body: str, group: str) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(int(time.time() * 1000)),
            "SenderId": "local",
            "ApproximateFirstReceiveTimestamp": str(int(time.time() * 1000)),
            "MessageGroupId": group,
            "MessageDeduplicationId": message_id,
            "SequenceNumber": "1",
        },
        "messageAttributes": {},
        "md5OfBody": "0" * 32,
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:tts-local-TikTokEventsQueue.fifo",
        "awsRegion": "us-east-1",
    }


def test_the_sweep_pages_past_a_bad_record_and_resends_every_stuck_event(stack: LocalStack) -> None:
    dynamodb, table = stack.client("dynamodb"), stack.physical("EventsTable")
    old = int(time.time()) - 3600
    keys = [f"tts:sweep-{n}" for n in range(130)]
    for n, key in enumerate(keys):
        notification = _deauthorization(f"sweep-{n}")
        dynamodb.put_item(
            TableName=table,
            Item={
                "event_key": {"S": key},
                "status": {"S": "RECEIVED"},
                "received_at": {"N": str(old + n)},
                "updated_at": {"N": str(old + n)},
                "message_group_id": {"S": f"{SHOP}:shop"},
                "shop_id": {"S": SHOP},
                "type": {"N": "6"},
                "notification": {"S": json.dumps(notification)},
            },
        )
    dynamodb.put_item(
        TableName=table,
        Item={
            "event_key": {"S": "tts:sweep-broken"},
            "status": {"S": "RECEIVED"},
            "received_at": {"N": str(old - 1)},
            "notification": {"S": "{not json"},
        },
    )

    result = stack.fire_schedule("OutboxSweeperFunction.Sweep")

    assert result.ok, result
    assert sorted(result.result["requeued"]) == sorted(keys)
    assert result.result["unreadable"] == ["tts:sweep-broken"]
    for key in (keys[0], keys[-1]):
        _wait_for(stack, key, "IGNORED", timeout=60)


def test_a_failing_event_is_listed_failed_parked_and_replayed_once_fixed(stack: LocalStack) -> None:
    # An event that fails in its handler: the shop guard reads the tokens table, which is made unreadable
    # by pointing the event at a shop whose record is corrupt.
    dynamodb = stack.client("dynamodb")
    tokens = stack.physical("TokensTable")
    dynamodb.put_item(TableName=tokens, Item={"pk": {"S": "SHOP#broken-shop"}, "sk": {"S": "SHOP"}, "name": {"N": "1"}})
    notification = tiktok_notification(topic=6, notification_id="9200", shop_id="broken-shop", data={})
    assert _post(stack, encode(notification)).status_code == 200
    _wait_for(stack, "tts:9200", "FAILED")

    # It is retried, then parked in the DLQ; listing FAILED events shows it with the reason.
    _wait_for_dlq(stack, "tts:9200")
    listed = _ttsc(stack, "--json", "events", "list", "--status", "FAILED")
    entry = next(e for e in json.loads(listed.stdout) if e["event_key"] == "tts:9200")
    assert entry["event_type"] == "tts:6" and entry["detail"]
    assert "tts:9200" in _ttsc(stack, "events", "list").stdout

    # The cause is fixed (the shop record repaired, here: removed), then the DLQ is replayed.
    dynamodb.delete_item(TableName=tokens, Key={"pk": {"S": "SHOP#broken-shop"}, "sk": {"S": "SHOP"}})
    replay = _ttsc(stack, "--json", "events", "replay")

    assert replay.returncode == 0, replay.stderr
    assert "tts:9200" in json.loads(replay.stdout)["replayed"]
    item = _wait_for(stack, "tts:9200", "IGNORED")
    assert "is not known here" in item["detail"]["S"]
    assert not _dlq_keys(stack)


def _ttsc(stack: LocalStack, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TTSC_URL": stack.url, "TTSC_ADMIN_TOKEN": stack.config.admin_token}
    ttsc = Path(sys.executable).with_name("ttsc")
    return subprocess.run([str(ttsc), *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def _dlq_keys(stack: LocalStack) -> list[str]:
    attributes = stack.client("sqs").get_queue_attributes(
        QueueUrl=stack.physical("TikTokEventsDLQ"), AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return ["?"] * int(attributes["ApproximateNumberOfMessages"])


def _wait_for_dlq(stack: LocalStack, key: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _dlq_keys(stack):
            return
        time.sleep(0.2)
    raise AssertionError(f"{key} never reached the DLQ")
