"""The local stack's own behaviour on a test-only template.

Delivery, partial failures, redrive, FIFO order, schedules, shutdown.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from local_stack import LocalStack
from tests.integration.stack_support import ROOT, UNUSED_MAGENTO, UNUSED_TIKTOK

pytestmark = pytest.mark.integration

TEMPLATE = ROOT / "tests" / "fixtures" / "recorder-template.yaml"


def _records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def _wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.fixture
def recorder(start_stack: Callable[..., LocalStack], tmp_path: Path) -> tuple[LocalStack, Path]:
    record_file = tmp_path / "records.jsonl"
    stack = start_stack(
        template_path=TEMPLATE,
        parameters={"RecordFile": str(record_file)},
        tiktok=UNUSED_TIKTOK,
        magento=UNUSED_MAGENTO,
        time_scale=0.03,  # 30 s visibility timeout -> 1 s
    )
    return stack, record_file


def test_sqs_message_is_delivered_to_its_function_as_an_sqs_event(recorder: tuple[LocalStack, Path]) -> None:
    # Given a running stack with a queue-triggered function
    stack, record_file = recorder
    sqs = stack.client("sqs")
    queue_url = stack.physical("WorkQueue")

    # When a message is sent to the queue
    sqs.send_message(QueueUrl=queue_url, MessageBody="hello")

    # Then the function receives it as a real SQS record, and the message is deleted after success
    _wait_for(lambda: any(r["body"] == "hello" for r in _records(record_file)))
    record = next(r for r in _records(record_file) if r["body"] == "hello")
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"].endswith(":tts-local-WorkQueue")
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    _wait_for(lambda: _queue_depth(stack, queue_url) == 0)


def test_partial_batch_failure_redelivers_only_the_failed_message_then_redrives_it_to_the_dlq(
    recorder: tuple[LocalStack, Path],
) -> None:
    # Given a queue with maxReceiveCount 3 and a DLQ
    stack, record_file = recorder
    sqs = stack.client("sqs")
    queue_url, dlq_url = stack.physical("WorkQueue"), stack.physical("WorkDLQ")

    # When one good and one always-failing message arrive
    sqs.send_message(QueueUrl=queue_url, MessageBody="good")
    sqs.send_message(QueueUrl=queue_url, MessageBody="fail-always")

    # Then the failing one lands in the DLQ after 3 receives, the good one is processed exactly once
    _wait_for(lambda: _queue_depth(stack, dlq_url) == 1, timeout=45)
    bodies = [r["body"] for r in _records(record_file)]
    assert bodies.count("good") == 1
    assert bodies.count("fail-always") == 3
    parked = sqs.receive_message(QueueUrl=dlq_url)["Messages"][0]
    assert parked["Body"] == "fail-always"


def test_a_crashing_invocation_leaves_the_whole_batch_for_redelivery(
    recorder: tuple[LocalStack, Path],
) -> None:
    stack, record_file = recorder
    sqs = stack.client("sqs")
    queue_url = stack.physical("WorkQueue")

    sqs.send_message(QueueUrl=queue_url, MessageBody="crash")

    # Redelivered after the visibility timeout, then parked
    _wait_for(lambda: _queue_depth(stack, stack.physical("WorkDLQ")) == 1, timeout=45)
    receive_counts = [r["attributes"]["ApproximateReceiveCount"] for r in _records(record_file) if r["body"] == "crash"]
    assert receive_counts == ["1", "2", "3"]


def test_fifo_queue_keeps_order_within_each_message_group(recorder: tuple[LocalStack, Path]) -> None:
    stack, record_file = recorder
    sqs = stack.client("sqs")
    queue_url = stack.physical("OrderedQueue")
    sent: dict[str, list[str]] = {"order-a": [], "order-b": []}
    for i in range(8):
        for group in sent:
            body = f"{group}-{i}"
            sent[group].append(body)
            sqs.send_message(QueueUrl=queue_url, MessageBody=body, MessageGroupId=group)

    _wait_for(lambda: len([r for r in _records(record_file) if r["body"].startswith("order-")]) == 16)
    for group, bodies in sent.items():
        seen = [r["body"] for r in _records(record_file) if r["body"].startswith(group)]
        assert seen == bodies
        groups = {r["attributes"]["MessageGroupId"] for r in _records(record_file) if r["body"].startswith(group)}
        assert groups == {group}


def test_an_event_sources_maximum_concurrency_bounds_the_batches_running_at_once(
    recorder: tuple[LocalStack, Path],
) -> None:
    # Given a consumer whose event source has ScalingConfig.MaximumConcurrency: !Ref LimitedConcurrency (2),
    # batch size 1, and five messages whose invocations stay running until released
    stack, record_file = recorder
    sqs = stack.client("sqs")
    for _ in range(5):
        sqs.send_message(QueueUrl=stack.physical("LimitedQueue"), MessageBody="hold")
    running = Path(str(record_file) + ".running")

    # When two invocations are running, they are released
    _wait_for(lambda: running.exists() and len(list(running.iterdir())) == 2)
    Path(str(record_file) + ".release").touch()

    # Then every message was processed, never more than two at once
    _wait_for(lambda: len([r for r in _records(record_file) if r.get("body") == "hold"]) == 5)
    held = [r for r in _records(record_file) if r.get("body") == "hold"]
    assert len({r["messageId"] for r in held}) == 5
    assert max(r["running"] for r in held) == 2


def test_queue_encryption_is_visible_on_the_local_queue(recorder: tuple[LocalStack, Path]) -> None:
    stack, _ = recorder
    sqs = stack.client("sqs")

    attributes = sqs.get_queue_attributes(QueueUrl=stack.physical("WorkQueue"), AttributeNames=["All"])["Attributes"]
    switched_off = sqs.get_queue_attributes(QueueUrl=stack.physical("WorkDLQ"), AttributeNames=["All"])["Attributes"]

    # The template's value reaches the queue (WorkDLQ turns off what SQS would turn on by default).
    assert attributes["SqsManagedSseEnabled"] == "true"
    assert switched_off["SqsManagedSseEnabled"] == "false"


def test_schedule_fires_on_demand_with_an_eventbridge_event(recorder: tuple[LocalStack, Path]) -> None:
    stack, record_file = recorder

    result = stack.fire_schedule("Recorder.Tick")

    assert result.ok
    event = _records(record_file)[-1]
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["resources"][0].endswith(":rule/tts-local-Recorder-Tick")
    rules = stack.client("events").list_rules()["Rules"]
    assert [r["ScheduleExpression"] for r in rules if r["Name"] == "tts-local-Recorder-Tick"] == ["rate(1 minute)"]


def test_schedule_fires_on_its_rate(start_stack: Callable[..., LocalStack], tmp_path: Path) -> None:
    record_file = tmp_path / "ticks.jsonl"
    # rate(1 minute) scaled by 0.01 -> every 0.6 s
    start_stack(
        template_path=TEMPLATE,
        parameters={"RecordFile": str(record_file)},
        tiktok=UNUSED_TIKTOK,
        magento=UNUSED_MAGENTO,
        time_scale=0.01,
        run_schedules=True,
    )
    _wait_for(lambda: sum(1 for r in _records(record_file) if r.get("source") == "aws.events") >= 2)


def test_stop_leaves_no_process_or_port_behind(start_stack: Callable[..., LocalStack], tmp_path: Path) -> None:
    # Given a stack that has warmed a worker process
    stack = start_stack(
        template_path=TEMPLATE,
        parameters={"RecordFile": str(tmp_path / "r.jsonl")},
        tiktok=UNUSED_TIKTOK,
        magento=UNUSED_MAGENTO,
    )
    assert stack.fire_schedule("Recorder.Tick").ok
    assert stack.runtime is not None
    pids = stack.runtime.pids()
    assert pids
    ports = [int(stack.url.rsplit(":", 1)[1]), int(stack.aws_endpoint.rsplit(":", 1)[1])]

    # When it stops
    stack.stop()

    # Then every worker process has exited, every port is free again, and ttsc no longer finds the stack
    assert not (stack.config.state_dir / "url").exists()
    assert not (stack.config.state_dir / "admin-token").exists()
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    for port in ports:
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0
            sock.bind(("127.0.0.1", port))


def _queue_depth(stack: LocalStack, url: str) -> int:
    attrs = stack.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])
