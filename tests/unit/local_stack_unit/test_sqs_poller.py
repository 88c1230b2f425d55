"""The local SQS poller, like Lambda's, outlives a batch whose delete is refused or whose delivery fails."""

from __future__ import annotations

import threading
import time
from typing import Any

from botocore.exceptions import ClientError

from local_stack.sqs_poller import SqsPoller
from local_stack.template import SqsSource


class FakeSqs:
    """Hands out one message per receive; refuses the first delete like moto does for a stale receipt handle."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.deleted: list[str] = []
        self.received = 0

    def receive_message(self, **_: Any) -> dict[str, Any]:
        self.received += 1
        if self.received > 3:
            time.sleep(0.01)
            return {}
        return {"Messages": [{"MessageId": f"m{self.received}", "ReceiptHandle": f"r{self.received}", "Body": "{}"}]}

    def delete_message(self, QueueUrl: str, ReceiptHandle: str) -> None:
        if self.refusals:
            self.refusals -= 1
            error = {"Error": {"Code": "ReceiptHandleIsInvalid", "Message": "The input receipt handle is invalid."}}
            raise ClientError(error, "DeleteMessage")  # type: ignore[arg-type]
        self.deleted.append(ReceiptHandle)


class FakeRuntime:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.done = threading.Event()

    def invoke(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        self.batches.append([r["messageId"] for r in event["Records"]])
        if len(self.batches) == 3:
            self.done.set()
        return {"batchItemFailures": []}


def test_a_refused_delete_does_not_stop_the_poller() -> None:
    sqs, runtime = FakeSqs(refusals=1), FakeRuntime()
    source = SqsSource(function="F", queue="Q", batch_size=10, report_batch_item_failures=True)
    poller = SqsPoller(source, "http://q", "arn:aws:sqs:us-east-1:1:q", sqs, runtime)  # type: ignore[arg-type]

    poller.start()
    try:
        assert runtime.done.wait(5)
    finally:
        poller.stop()

    assert runtime.batches == [["m1"], ["m2"], ["m3"]]
    assert sqs.deleted == ["r2", "r3"]  # the refused one comes back after its visibility timeout
