"""Two fixes to moto's DynamoDB for a stack that many concurrent functions use (moto 5.2.5).

1. moto's server answers requests on several threads but its DynamoDB backend is not thread-safe; every
   DynamoDB request is therefore handled under one lock, as if DynamoDB served each atomically.
2. `DynamoDBBackend.transact_write_items` (moto/dynamodb/models/__init__.py) deep-copies every table a
   transaction touches, once per item, and rolls a failed transaction back by putting the copies in place.
   That costs O(table size) per item, so it slows down as tables grow (a push of thousands of products
   writes listings and job results in transactions), and under concurrency the copy races other writers
   (`RuntimeError: dictionary changed size during iteration`) and the rollback throws away writes made
   meanwhile. The replacement keeps moto's checks and error reporting but backs up only the items the
   transaction touches and restores only those.
"""

from __future__ import annotations

import copy
import threading
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

_LOCK = threading.RLock()


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
