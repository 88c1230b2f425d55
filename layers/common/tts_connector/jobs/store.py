"""Jobs in JobsTable.

A job whose items are only known page by page (a Magento filter) is opened PLANNING (`open`), gets its
items with `add_items` as the planner reads them (`advance_planning` moves its cursor at most once per
page, so a redelivered page does not continue twice), and `finish_planning` lets it complete.

Keys (pk / sk):
  JOB#<job id> / JOB              the job: counters, status
  JOB#<job id> / ITEM#<item key>  one item and its outcome
  JOBS         / <created_at>#<job id>   newest-first index of jobs (`list_jobs`)

An item's outcome and the job's counters change in one transaction, conditional on the item's current
status, so a retried worker (SQS delivers at least once) never counts an item twice, and the caller whose
outcome finishes the job is told so (`ItemRecorded.job_completed`) to send the one notification.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from tts_connector.jobs.records import ItemFailure, ItemStatus, Job, JobItem, JobStatus

# Jobs and their items are kept 90 days, then expire.
RETENTION_SECONDS = 90 * 24 * 3600


@dataclass(frozen=True)
class ItemRecorded:
    changed: bool  # False: the item already had a final outcome (a duplicate delivery)
    job_completed: bool  # True for exactly one caller: the one whose outcome finished the job
    job: Job | None


class JobStore(Protocol):
    def create(self, job: Job, item_keys: Sequence[str]) -> Job: ...

    def get(self, job_id: str) -> Job | None: ...

    def list_jobs(self, limit: int = 50, kind: str | None = None) -> list[Job]: ...

    def items(self, job_id: str, status: ItemStatus | None = None) -> Iterator[JobItem]: ...

    def get_item(self, job_id: str, item_key: str) -> JobItem | None: ...

    def start_attempt(self, job_id: str, item_key: str) -> int:
        """Count one more attempt at a queued item; the attempt number."""
        ...

    def record(
        self,
        job_id: str,
        item_key: str,
        status: ItemStatus,
        *,
        failure: ItemFailure | None = None,
        result: dict[str, Any] | None = None,
    ) -> ItemRecorded:
        """QUEUED → SUCCEEDED/FAILED, updating the job's counters once; completes the job with its last item."""
        ...

    def requeue(self, job_id: str, item_keys: Sequence[str]) -> list[str]:
        """FAILED → QUEUED for a retry (the job runs again); the keys actually requeued."""
        ...

    def open(self, job: Job) -> Job:
        """Create a PLANNING job without items; it completes only after `finish_planning`."""
        ...

    def add_items(self, job_id: str, item_keys: Sequence[str]) -> list[str]:
        """Add QUEUED items to a PLANNING job; the keys that were new (a repeated page adds nothing)."""
        ...

    def advance_planning(self, job_id: str, cursor: str | None, next_cursor: str) -> bool:
        """Move the planning cursor from `cursor` to `next_cursor`; False when it was not at `cursor`."""
        ...

    def finish_planning(self, job_id: str) -> bool:
        """PLANNING → RUNNING (→ COMPLETED when every item already finished); True if this completed it."""
        ...


class DynamoDBJobStore:
    def __init__(self, table: Any, clock: Callable[[], float] = time.time):
        self._table = table
        self._clock = clock

    def create(self, job: Job, item_keys: Sequence[str]) -> Job:
        now = int(self._clock())
        keys = list(dict.fromkeys(item_keys))
        created = job.model_copy(update={"total": len(keys), "created_at": now, "status": JobStatus.RUNNING})
        if not keys:
            created = created.model_copy(update={"status": JobStatus.COMPLETED, "finished_at": now})
        expires = now + RETENTION_SECONDS
        with self._table.batch_writer() as batch:
            for key in keys:
                item = JobItem(job_id=job.job_id, item_key=key, updated_at=now)
                batch.put_item(Item=_item_record(item, expires))
            batch.put_item(Item=_pointer_record(job, now))
        # The job record last: a reader that finds it finds all its items.
        self._table.put_item(Item=_job_record(created, expires))
        return created

    def get(self, job_id: str) -> Job | None:
        item = self._table.get_item(Key=_job_key(job_id), ConsistentRead=True).get("Item")
        return _to_job(item) if item else None

    def list_jobs(self, limit: int = 50, kind: str | None = None) -> list[Job]:
        jobs: list[Job] = []
        kwargs: dict[str, Any] = {"KeyConditionExpression": Key("pk").eq("JOBS"), "ScanIndexForward": False}
        while len(jobs) < limit:
            page = self._table.query(**kwargs)
            for pointer in page.get("Items", []):
                if kind is None or pointer.get("kind") == kind:
                    job = self.get(str(pointer["job_id"]))
                    if job is not None:
                        jobs.append(job)
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return jobs[:limit]

    def items(self, job_id: str, status: ItemStatus | None = None) -> Iterator[JobItem]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(f"JOB#{job_id}") & Key("sk").begins_with("ITEM#"),
            "ConsistentRead": True,
        }
        if status is not None:
            kwargs["FilterExpression"] = Attr("status").eq(status.value)
        while True:
            page = self._table.query(**kwargs)
            for item in page.get("Items", []):
                yield _to_item(item)
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def get_item(self, job_id: str, item_key: str) -> JobItem | None:
        item = self._table.get_item(Key=_item_key(job_id, item_key), ConsistentRead=True).get("Item")
        return _to_item(item) if item else None

    def start_attempt(self, job_id: str, item_key: str) -> int:
        response = self._table.update_item(
            Key=_item_key(job_id, item_key),
            UpdateExpression="ADD attempts :one SET updated_at = :now",
            ConditionExpression=Attr("pk").exists(),
            ExpressionAttributeValues={":one": 1, ":now": int(self._clock())},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["attempts"])

    def record(
        self,
        job_id: str,
        item_key: str,
        status: ItemStatus,
        *,
        failure: ItemFailure | None = None,
        result: dict[str, Any] | None = None,
    ) -> ItemRecorded:
        if not status.finished:
            raise ValueError("record() takes a final status; use requeue() to retry")
        now = int(self._clock())
        counter = "succeeded" if status is ItemStatus.SUCCEEDED else "failed"
        recorded = self._transact_if(
            [
                {
                    "Update": {
                        "TableName": self._table.name,
                        "Key": _item_key(job_id, item_key),
                        "UpdateExpression": "SET #s = :s, failure = :f, #r = :r, updated_at = :now",
                        "ConditionExpression": "#s = :queued",
                        "ExpressionAttributeNames": {"#s": "status", "#r": "result"},
                        "ExpressionAttributeValues": {
                            ":s": status.value,
                            ":f": failure.model_dump_json() if failure else None,
                            ":r": _json_map(result or {}),
                            ":now": now,
                            ":queued": ItemStatus.QUEUED.value,
                        },
                    }
                },
                {
                    "Update": {
                        "TableName": self._table.name,
                        "Key": _job_key(job_id),
                        # DynamoDB conditions cannot add, so the job also counts what is left.
                        "UpdateExpression": f"ADD {counter} :one, remaining :minus",
                        "ExpressionAttributeValues": {":one": 1, ":minus": -1},
                    }
                },
            ]
        )
        if not recorded:
            return ItemRecorded(changed=False, job_completed=False, job=self.get(job_id))
        return ItemRecorded(changed=True, job_completed=self._complete_if_done(job_id, now), job=self.get(job_id))

    def requeue(self, job_id: str, item_keys: Sequence[str]) -> list[str]:
        requeued: list[str] = []
        for key in item_keys:
            if self._transact_if(
                [
                    {
                        "Update": {
                            "TableName": self._table.name,
                            "Key": _item_key(job_id, key),
                            "UpdateExpression": "SET #s = :queued, updated_at = :now REMOVE failure",
                            "ConditionExpression": "#s = :failed",
                            "ExpressionAttributeNames": {"#s": "status"},
                            "ExpressionAttributeValues": {
                                ":queued": ItemStatus.QUEUED.value,
                                ":failed": ItemStatus.FAILED.value,
                                ":now": int(self._clock()),
                            },
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table.name,
                            "Key": _job_key(job_id),
                            "UpdateExpression": "ADD failed :minus, remaining :one SET #s = :running "
                            "REMOVE finished_at",
                            "ExpressionAttributeNames": {"#s": "status"},
                            "ExpressionAttributeValues": {
                                ":minus": -1,
                                ":one": 1,
                                ":running": JobStatus.RUNNING.value,
                            },
                        }
                    },
                ]
            ):
                requeued.append(key)
        return requeued

    def open(self, job: Job) -> Job:
        now = int(self._clock())
        opened = job.model_copy(
            update={"total": 0, "succeeded": 0, "failed": 0, "created_at": now, "status": JobStatus.PLANNING}
        )
        self._table.put_item(Item=_pointer_record(job, now))
        self._table.put_item(Item=_job_record(opened, now + RETENTION_SECONDS))
        return opened

    def add_items(self, job_id: str, item_keys: Sequence[str]) -> list[str]:
        now = int(self._clock())
        added: list[str] = []
        keys = list(dict.fromkeys(item_keys))
        # One transaction per chunk: the items and the job's counters together (TransactWriteItems takes 100).
        for start in range(0, len(keys), 99):
            chunk = keys[start : start + 99]
            if self._add_chunk(job_id, chunk, now):
                added += chunk
            else:
                # Some already exist (a redelivered page): add the rest one by one.
                added += [key for key in chunk if self._add_chunk(job_id, [key], now)]
        return added

    def _add_chunk(self, job_id: str, keys: list[str], now: int) -> bool:
        expires = now + RETENTION_SECONDS
        actions: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": _item_record(JobItem(job_id=job_id, item_key=key, updated_at=now), expires),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            for key in keys
        ]
        actions.append(
            {
                "Update": {
                    "TableName": self._table.name,
                    "Key": _job_key(job_id),
                    "UpdateExpression": "ADD #t :n, remaining :n",
                    "ConditionExpression": "#s = :planning",
                    "ExpressionAttributeNames": {"#t": "total", "#s": "status"},
                    "ExpressionAttributeValues": {":n": len(keys), ":planning": JobStatus.PLANNING.value},
                }
            }
        )
        return self._transact_if(actions)

    def advance_planning(self, job_id: str, cursor: str | None, next_cursor: str) -> bool:
        condition = "#s = :planning AND " + (
            "attribute_not_exists(plan_cursor)" if cursor is None else "plan_cursor = :cursor"
        )
        values: dict[str, Any] = {":next": next_cursor, ":planning": JobStatus.PLANNING.value}
        if cursor is not None:
            values[":cursor"] = cursor
        return self._update_if(
            Key=_job_key(job_id),
            UpdateExpression="SET plan_cursor = :next",
            ConditionExpression=condition,
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=values,
        )

    def finish_planning(self, job_id: str) -> bool:
        now = int(self._clock())
        started = self._update_if(
            Key=_job_key(job_id),
            UpdateExpression="SET #s = :running",
            ConditionExpression="#s = :planning",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":running": JobStatus.RUNNING.value, ":planning": JobStatus.PLANNING.value},
        )
        return started and self._complete_if_done(job_id, now)

    def _complete_if_done(self, job_id: str, now: int) -> bool:
        return self._update_if(
            Key=_job_key(job_id),
            UpdateExpression="SET #s = :done, finished_at = :now",
            ConditionExpression="#s = :running AND remaining <= :zero",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":done": JobStatus.COMPLETED.value,
                ":running": JobStatus.RUNNING.value,
                ":now": now,
                ":zero": 0,
            },
        )

    # Conditional writes answer whether their condition held: a refused one is a duplicate or a lost race, not
    # an error, and the caller decides what that means.
    def _update_if(self, **update: Any) -> bool:
        """`update_item(**update)`; False when its ConditionExpression did not hold."""
        try:
            self._table.update_item(**update)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _transact_if(self, actions: list[dict[str, Any]]) -> bool:
        """All of `actions` in one transaction; False when a condition of one of them did not hold."""
        try:
            self._table.meta.client.transact_write_items(TransactItems=actions)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "TransactionCanceledException":
                return False
            raise
        return True


def _job_key(job_id: str) -> dict[str, str]:
    return {"pk": f"JOB#{job_id}", "sk": "JOB"}


def _pointer_record(job: Job, created_at: int) -> dict[str, Any]:
    """The job's entry in the newest-first index of jobs (`list_jobs`)."""
    return {"pk": "JOBS", "sk": f"{created_at:012d}#{job.job_id}", "job_id": job.job_id, "kind": job.kind}


def _item_key(job_id: str, item_key: str) -> dict[str, str]:
    return {"pk": f"JOB#{job_id}", "sk": f"ITEM#{item_key}"}


def _job_record(job: Job, expires: int) -> dict[str, Any]:
    data = job.model_dump(mode="json")
    data["selection"] = _json_map(job.selection)
    return {
        "pk": f"JOB#{job.job_id}",
        "sk": "JOB",
        **{k: v for k, v in data.items() if v is not None},
        "remaining": job.total - job.succeeded - job.failed,
        "expires_at": expires,
    }


def _item_record(item: JobItem, expires: int) -> dict[str, Any]:
    return {
        **_item_key(item.job_id, item.item_key),
        "job_id": item.job_id,
        "item_key": item.item_key,
        "status": item.status.value,
        "attempts": item.attempts,
        "updated_at": item.updated_at,
        "expires_at": expires,
    }


def _json_map(value: dict[str, Any]) -> str:
    # JSON text: DynamoDB would turn floats into Decimals and back inexactly.
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _load_map(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {}
    return {}


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | Decimal) else 0


def _to_job(item: dict[str, Any]) -> Job:
    return Job(
        job_id=str(item["job_id"]),
        kind=str(item["kind"]),
        shop_id=str(item["shop_id"]),
        warehouse_id=item.get("warehouse_id"),
        selection=_load_map(item.get("selection")),
        status=JobStatus(item.get("status", JobStatus.RUNNING.value)),
        total=_int(item.get("total")),
        succeeded=_int(item.get("succeeded")),
        failed=_int(item.get("failed")),
        created_at=_int(item.get("created_at")),
        finished_at=_int(item["finished_at"]) if item.get("finished_at") is not None else None,
        plan_cursor=str(item["plan_cursor"]) if item.get("plan_cursor") is not None else None,
    )


def _to_item(item: dict[str, Any]) -> JobItem:
    failure = item.get("failure")
    return JobItem(
        job_id=str(item["job_id"]),
        item_key=str(item["item_key"]),
        status=ItemStatus(item["status"]),
        attempts=_int(item.get("attempts")),
        failure=ItemFailure.model_validate_json(failure) if isinstance(failure, str) else None,
        result=_load_map(item.get("result")),
        updated_at=_int(item.get("updated_at")),
    )
