"""Price and stock sync's own records in PriceStockSyncTable.

Keys (pk / sk):
  DIRTY#<shop>     / <tiktok product id>   a product waiting for a push: kinds (price, stock), generation
  PUSHED#<shop>    / <magento sku>         the last values TikTok accepted for the SKU, and its last failure
  RECONCILE#<shop> / CURSOR                the reconciliation run in progress (conditional on its run id)
  RECONCILE#<shop> / RUN#<started>#<id>    finished runs, newest last (kept 90 days)

Every write for one shop's products happens on that shop's message group of the push queue (one at a
time), so last-pushed records are read, merged and written back without racing another writer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Protocol

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from tts_connector.stock_sync.records import DirtyProduct, PushedSku, ReconcileRun, SyncKind

DIRTY_RETENTION_SECONDS = 7 * 24 * 3600
RUN_RETENTION_SECONDS = 90 * 24 * 3600
_BATCH_GET = 100
_BATCH_WRITE = 25


class SyncStore(Protocol):
    def mark_dirty(self, shop_id: str, tiktok_product_id: str, listing_sku: str, kinds: Sequence[SyncKind]) -> None:
        """Record (or add to) a pending push of the product; every call bumps its generation."""
        ...

    def dirty(self, shop_id: str, limit: int) -> list[DirtyProduct]: ...

    def clear_dirty(self, shop_id: str, tiktok_product_id: str, generation: int) -> bool:
        """Remove the mark if nothing marked it again since `generation` was read; False if it did."""
        ...

    def pushed(self, shop_id: str, magento_skus: Sequence[str]) -> dict[str, PushedSku]: ...

    def save_pushed(self, records: Sequence[PushedSku]) -> None: ...

    def iter_pushed(self, shop_id: str) -> Iterator[PushedSku]: ...

    def cursor(self, shop_id: str) -> ReconcileRun | None: ...

    def start_run(self, run: ReconcileRun) -> None:
        """Make `run` the shop's run in progress (a run already in progress is superseded)."""
        ...

    def save_cursor(self, run: ReconcileRun, expected_page: int) -> bool:
        """Advance the run; False when another run superseded it or this page was already saved."""
        ...

    def finish_run(self, run: ReconcileRun) -> bool: ...

    def runs(self, shop_id: str, limit: int) -> list[ReconcileRun]:
        """Finished runs, newest first."""
        ...


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_plain(v) for v in value]
    return value


class DynamoDBSyncStore:
    def __init__(self, table: Any, clock: Callable[[], float] = time.time) -> None:
        self._table = table
        self._clock = clock

    # ---------- products waiting for a push ----------
    def mark_dirty(self, shop_id: str, tiktok_product_id: str, listing_sku: str, kinds: Sequence[SyncKind]) -> None:
        now = int(self._clock())
        self._table.update_item(
            Key={"pk": f"DIRTY#{shop_id}", "sk": tiktok_product_id},
            UpdateExpression="ADD generation :one, kinds :kinds SET listing_sku = :sku, "
            "first_marked_at = if_not_exists(first_marked_at, :now), expires_at = :expires",
            ExpressionAttributeValues={
                ":one": 1,
                ":kinds": {k.value for k in kinds},
                ":sku": listing_sku,
                ":now": now,
                ":expires": now + DIRTY_RETENTION_SECONDS,
            },
        )

    def dirty(self, shop_id: str, limit: int) -> list[DirtyProduct]:
        found: list[DirtyProduct] = []
        for item in self._query(Key("pk").eq(f"DIRTY#{shop_id}")):
            found.append(
                DirtyProduct(
                    shop_id=shop_id,
                    tiktok_product_id=str(item["sk"]),
                    listing_sku=str(item["listing_sku"]),
                    kinds=frozenset(SyncKind(k) for k in item.get("kinds", set())),
                    generation=int(item["generation"]),
                    first_marked_at=int(item.get("first_marked_at", 0)),
                )
            )
            if len(found) >= limit:
                break
        return found

    def clear_dirty(self, shop_id: str, tiktok_product_id: str, generation: int) -> bool:
        try:
            self._table.delete_item(
                Key={"pk": f"DIRTY#{shop_id}", "sk": tiktok_product_id},
                ConditionExpression=Attr("generation").eq(generation),
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # ---------- last pushed ----------
    def pushed(self, shop_id: str, magento_skus: Sequence[str]) -> dict[str, PushedSku]:
        found: dict[str, PushedSku] = {}
        unique = list(dict.fromkeys(magento_skus))
        client = self._table.meta.client
        for start in range(0, len(unique), _BATCH_GET):
            keys = [{"pk": f"PUSHED#{shop_id}", "sk": sku} for sku in unique[start : start + _BATCH_GET]]
            request: dict[str, Any] = {self._table.name: {"Keys": keys, "ConsistentRead": True}}
            while request:
                answer = client.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table.name, []):
                    record = _to_pushed(item)
                    found[record.magento_sku] = record
                request = answer.get("UnprocessedKeys") or {}
        return found

    def save_pushed(self, records: Sequence[PushedSku]) -> None:
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
            for record in records:
                batch.put_item(Item=_pushed_item(record))

    def iter_pushed(self, shop_id: str) -> Iterator[PushedSku]:
        for item in self._query(Key("pk").eq(f"PUSHED#{shop_id}")):
            yield _to_pushed(item)

    def _query(self, condition: Any) -> Iterator[dict[str, Any]]:
        kwargs: dict[str, Any] = {"KeyConditionExpression": condition, "ConsistentRead": True}
        while True:
            page = self._table.query(**kwargs)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # ---------- reconciliation ----------
    def cursor(self, shop_id: str) -> ReconcileRun | None:
        item = self._table.get_item(Key={"pk": f"RECONCILE#{shop_id}", "sk": "CURSOR"}, ConsistentRead=True).get("Item")
        return _to_run(item) if item else None

    def start_run(self, run: ReconcileRun) -> None:
        self._table.put_item(Item=_run_item(run, "CURSOR"))

    def save_cursor(self, run: ReconcileRun, expected_page: int) -> bool:
        try:
            self._table.put_item(
                Item=_run_item(run, "CURSOR"),
                ConditionExpression=Attr("run_id").eq(run.run_id) & Attr("page").eq(expected_page),
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def finish_run(self, run: ReconcileRun) -> bool:
        """Record the run as finished and remove the cursor, in one transaction conditional on the run id."""
        table = self._table.name
        history = _run_item(run, f"RUN#{run.started_at:012d}#{run.run_id}")
        history["expires_at"] = int(self._clock()) + RUN_RETENTION_SECONDS
        try:
            self._table.meta.client.transact_write_items(
                TransactItems=[
                    {
                        "Delete": {
                            "TableName": table,
                            "Key": {"pk": f"RECONCILE#{run.shop_id}", "sk": "CURSOR"},
                            "ConditionExpression": "run_id = :run",
                            "ExpressionAttributeValues": {":run": run.run_id},
                        }
                    },
                    {"Put": {"TableName": table, "Item": history}},
                ]
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "TransactionCanceledException":
                return False
            raise
        return True

    def runs(self, shop_id: str, limit: int) -> list[ReconcileRun]:
        page = self._table.query(
            KeyConditionExpression=Key("pk").eq(f"RECONCILE#{shop_id}") & Key("sk").begins_with("RUN#"),
            ScanIndexForward=False,
            Limit=limit,
        )
        return [_to_run(item) for item in page.get("Items", [])]


def _pushed_item(record: PushedSku) -> dict[str, Any]:
    data = record.model_dump(mode="json", exclude_none=True)
    for name in ("price_failure", "stock_failure", "quantities"):
        if name in data:
            data[name] = json.dumps(data[name], separators=(",", ":"), sort_keys=True)
    return {"pk": f"PUSHED#{record.shop_id}", "sk": record.magento_sku, **data}


def _to_pushed(item: dict[str, Any]) -> PushedSku:
    data = {k: _plain(v) for k, v in item.items() if k not in ("pk", "sk")}
    for name in ("price_failure", "stock_failure", "quantities"):
        if isinstance(data.get(name), str):
            data[name] = json.loads(data[name])
    return PushedSku.model_validate(data)


def _run_item(run: ReconcileRun, sk: str) -> dict[str, Any]:
    data = run.model_dump(mode="json", exclude_none=True)
    data["kinds"] = json.dumps(data["kinds"])
    data["healed_sample"] = json.dumps(data["healed_sample"])
    return {"pk": f"RECONCILE#{run.shop_id}", "sk": sk, **data}


def _to_run(item: dict[str, Any]) -> ReconcileRun:
    data = {k: _plain(v) for k, v in item.items() if k not in ("pk", "sk", "expires_at")}
    for name in ("kinds", "healed_sample"):
        if isinstance(data.get(name), str):
            data[name] = json.loads(data[name])
    return ReconcileRun.model_validate(data)
