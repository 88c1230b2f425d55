"""Fixes to moto (5.2.5) for a stack that many concurrent functions use.

1. moto's server answers requests on several threads but its DynamoDB backend is not thread-safe; every
   DynamoDB request is therefore handled under one lock, as if DynamoDB served each atomically.
2. `DynamoDBBackend.transact_write_items` (moto/dynamodb/models/__init__.py) deep-copies every table a
   transaction touches, once per item, and rolls a failed transaction back by putting the copies in place.
   That costs O(table size) per item, so it slows down as tables grow (a push of thousands of products
   writes listings and job results in transactions), and under concurrency the copy races other writers
   (`RuntimeError: dictionary changed size during iteration`) and the rollback throws away writes made
   meanwhile. The replacement keeps moto's checks and error reporting but backs up only the items the
   transaction touches and restores only those.
3. moto's SQS backend is not thread-safe either: two pollers receiving from one queue at once can both hand
   out a message of the same FIFO group (each checks a copy of the pending groups), or both move one message
   to the DLQ (`ValueError: list.remove(x): x not in list`). Every SQS backend call that reads or changes
   messages runs under one lock; a long poll is a series of non-waiting receives, so it never holds the
   lock while it waits.
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.responses import DynamoHandler
from moto.sqs.models import SQSBackend

_LOCK = threading.RLock()
_SQS_LOCK = threading.RLock()
_SQS_METHODS = (
    "send_message",
    "send_message_batch",
    "delete_message",
    "delete_message_batch",
    "change_message_visibility",
    "change_message_visibility_batch",
    "purge_queue",
)


def install() -> None:
    """Patch moto in this process (the local stack runs moto's server in a thread of its own process)."""
    if getattr(DynamoHandler.call_action, "_tts_serialised", False):
        return
    original = DynamoHandler.call_action

    def serialised(self: DynamoHandler) -> Any:
        with _LOCK:
            return original(self)

    serialised._tts_serialised = True  # type: ignore[attr-defined]
    DynamoHandler.call_action = serialised  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    for name in _SQS_METHODS:
        setattr(SQSBackend, name, _sqs_serialised(getattr(SQSBackend, name)))
    SQSBackend.receive_message = _receive_message(SQSBackend.receive_message)  # type: ignore[method-assign]


def _sqs_serialised(method: Any) -> Any:
    def serialised(self: SQSBackend, *args: Any, **kwargs: Any) -> Any:
        with _SQS_LOCK:
            return method(self, *args, **kwargs)

    return serialised


def _receive_message(original: Any) -> Any:
    def receive_message(
        self: SQSBackend,
        queue_name: str,
        count: int,
        wait_seconds_timeout: int,
        visibility_timeout: int,
        message_attribute_names: list[str] | None = None,
    ) -> Any:
        deadline = time.monotonic() + wait_seconds_timeout
        while True:
            with _SQS_LOCK:
                result = original(self, queue_name, count, 0, visibility_timeout, message_attribute_names)
            if result or time.monotonic() >= deadline:
                return result
            # Wake up when a message arrives (moto's own wait), at most every 0.2 s for delays and timeouts;
            # visible messages of FIFO groups in flight end that wait at once, so pause instead of spinning.
            began = time.monotonic()
            self.get_queue(queue_name).wait_for_messages(0.2)  # type: ignore[arg-type]
            if time.monotonic() - began < 0.05:
                time.sleep(0.1)

    return receive_message


def _key_of(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    table = backend.get_table(op["TableName"])
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    backups: dict[str, tuple[str, dict[str, Any], dict[str, Any] | None]] = {}
    seen: set[str] = set()

    def rollback() -> None:
        for table_name, key, original in backups.values():
            if original is None:
                if self.get_item(table_name, key) is not None:
                    self.delete_item(table_name, key)
            else:
                self.put_item(table_name, original)

    errors: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
    for item in transact_items:
        original_item: dict[str, Any] | None = None
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            key = _key_of(self, op_type, op)
            ident = f"{table_name}|{sorted(key.items())!s}"
            if ident in seen:
                raise MultipleTransactionsException()
            seen.add(ident)
            current = self.get_item(table_name, key)
            if ident not in backups and op_type != "ConditionCheck":
                backups[ident] = (table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None)
            condition_expression = op.get("ConditionExpression")
            names = op.get("ExpressionAttributeNames")
            values = op.get("ExpressionAttributeValues")
            if condition_expression is not None:
                condition = get_filter_expression(condition_expression, names, values)
                if not condition.expr(current):
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)
            if op_type == "Put":
                self.put_item(
                    table_name,
                    op["Item"],
                    condition_expression=condition_expression,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif op_type == "Delete":
                self.delete_item(
                    table_name,
                    key,
                    condition_expression=condition_expression,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    condition_expression=condition_expression,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            rollback()
            raise
        except ConditionalCheckFailed as exc:
            errors.append(("ConditionalCheckFailed", str(exc.message), original_item))
        except Exception as exc:  # moto reports any other failure per item, as DynamoDB does
            errors.append((type(exc).__name__, str(exc), original_item))
    if any(code is not None for code, _, _ in errors):
        rollback()
        raise TransactionCanceledException(errors)
