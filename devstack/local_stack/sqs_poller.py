"""Event source mappings for SQS: poll, invoke with a real SQS batch, delete what succeeded.

Semantics follow Lambda's: a failed invocation deletes nothing (the whole batch reappears after the
visibility timeout); with ReportBatchItemFailures only the reported messages stay; a malformed
response fails the whole batch. Redrive to the DLQ is SQS's own (maxReceiveCount), done by the backend.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from typing import Any

from botocore.exceptions import ClientError

from local_stack.runtime import InvocationError, LambdaRuntime
from local_stack.template import REGION, SqsSource

LOG = logging.getLogger(__name__)


class SqsPoller:
    def __init__(self, source: SqsSource, queue_url: str, queue_arn: str, sqs: Any, runtime: LambdaRuntime):
        self.source = source
        self._url = queue_url
        self._arn = queue_arn
        self._sqs = sqs
        self._runtime = runtime
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"sqs-{source.function}", daemon=True)
        self.batches = 0

    def start(self) -> None:
        self._thread.start()

    def signal_stop(self) -> None:
        self._stop.set()

    def stop(self) -> None:
        self.signal_stop()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                messages = self._sqs.receive_message(
                    QueueUrl=self._url,
                    MaxNumberOfMessages=min(self.source.batch_size, 10),
                    WaitTimeSeconds=1,
                    MessageSystemAttributeNames=["All"],
                    MessageAttributeNames=["All"],
                ).get("Messages", [])
            except Exception:
                if self._stop.is_set():
                    return
                self._stop.wait(0.5)
                continue
            if messages:
                try:
                    self._deliver(messages)
                except Exception:
                    # Lambda's poller outlives any one batch; what was not deleted comes back after its timeout.
                    LOG.exception("%s: delivering a batch failed", self.source.function)

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        self.batches += 1
        event = {"Records": [self._record(m) for m in messages]}
        try:
            result = self._runtime.invoke(self.source.function, event)
        except InvocationError:
            return  # the batch becomes visible again after the visibility timeout
        failed = self._failed_ids(result, messages)
        if failed is None:
            return
        for message in messages:
            if message["MessageId"] not in failed:
                self._delete(message)

    def _delete(self, message: dict[str, Any]) -> None:
        try:
            self._sqs.delete_message(QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"])
        except ClientError as exc:
            # A batch that outlived its visibility timeout was handed out again with a new receipt handle. moto
            # refuses the old one; SQS may accept it without deleting ("you must provide the most recently
            # received ReceiptHandle", DeleteMessage API reference). Either way Lambda's poller carries on and
            # the message is processed once more (the consumers are idempotent): this poller must not die of it.
            if exc.response["Error"]["Code"] != "ReceiptHandleIsInvalid":
                raise
            LOG.warning(
                "%s: message %s was received again before its delete", self.source.function, message["MessageId"]
            )

    def _failed_ids(self, result: Any, messages: list[dict[str, Any]]) -> set[str] | None:
        if not self.source.report_batch_item_failures:
            return set()
        if result is None:
            return set()
        ids = {m["MessageId"] for m in messages}
        try:
            failures = {str(item["itemIdentifier"]) for item in result.get("batchItemFailures", [])}
        except (AttributeError, KeyError, TypeError):
            return None  # Lambda treats an unreadable response as a failure of the whole batch
        if not failures <= ids:
            return None
        return failures

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        body = message["Body"]
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": body,
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {
                k: {
                    "stringValue": v.get("StringValue"),
                    "binaryValue": v.get("BinaryValue"),
                    "stringListValues": [],
                    "binaryListValues": [],
                    "dataType": v.get("DataType"),
                }
                for k, v in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message.get("MD5OfBody") or hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": self._arn,
            "awsRegion": REGION,
        }
