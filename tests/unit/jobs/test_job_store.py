"""The job store counts each item once however often its outcome is recorded, and tells who finished the job."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tests.aws_tables import template_tables
from tts_connector.jobs.records import ItemFailure, ItemStatus, Job, JobStatus
from tts_connector.jobs.store import DynamoDBJobStore


@pytest.fixture
def store() -> Iterator[DynamoDBJobStore]:
    with template_tables("JobsTable") as tables:
        yield DynamoDBJobStore(tables["JobsTable"], clock=lambda: 1_800_000_000)


def _job(job_id: str = "job-1") -> Job:
    return Job(job_id=job_id, kind="product_push", shop_id="shop-1", selection={"skus": ["A", "B", "C"]})


FAILURE = ItemFailure(code="preflight_failed", message="Brand is required", magento_attribute="brand")


def test_each_item_counts_once_and_the_last_one_completes_the_job(store: DynamoDBJobStore) -> None:
    store.create(_job(), ["A", "B", "C", "A"])

    first = store.record("job-1", "A", ItemStatus.SUCCEEDED, result={"tiktok_product_id": "1"})
    duplicate = store.record("job-1", "A", ItemStatus.FAILED, failure=FAILURE)
    store.record("job-1", "B", ItemStatus.FAILED, failure=FAILURE)
    last = store.record("job-1", "C", ItemStatus.SUCCEEDED)

    assert first.changed and not first.job_completed
    assert not duplicate.changed
    assert last.job_completed and last.job is not None
    assert (last.job.total, last.job.succeeded, last.job.failed) == (3, 2, 1)
    assert last.job.status is JobStatus.COMPLETED
    failed = list(store.items("job-1", ItemStatus.FAILED))
    assert [i.item_key for i in failed] == ["B"] and failed[0].failure == FAILURE
    assert store.get_item("job-1", "A").result == {"tiktok_product_id": "1"}  # type: ignore[union-attr]


def test_concurrent_outcomes_complete_the_job_exactly_once(store: DynamoDBJobStore) -> None:
    keys = [f"SKU-{n}" for n in range(20)]
    store.create(_job(), keys)
    completions: list[bool] = []

    def record(key: str) -> None:
        completions.append(store.record("job-1", key, ItemStatus.SUCCEEDED).job_completed)

    threads = [threading.Thread(target=record, args=(k,)) for k in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert completions.count(True) == 1
    assert store.get("job-1").succeeded == 20  # type: ignore[union-attr]


def test_a_retry_requeues_only_failed_items_and_reopens_the_job(store: DynamoDBJobStore) -> None:
    store.create(_job(), ["A", "B"])
    store.record("job-1", "A", ItemStatus.SUCCEEDED)
    store.record("job-1", "B", ItemStatus.FAILED, failure=FAILURE)

    assert store.requeue("job-1", ["A", "B", "missing"]) == ["B"]
    reopened = store.get("job-1")
    assert reopened is not None and reopened.status is JobStatus.RUNNING and reopened.failed == 0
    assert store.start_attempt("job-1", "B") == 1

    assert store.record("job-1", "B", ItemStatus.SUCCEEDED).job_completed
    assert store.get("job-1").succeeded == 2  # type: ignore[union-attr]


def test_jobs_are_listed_newest_first(store: DynamoDBJobStore) -> None:
    times = iter([100, 200, 300])
    timed = DynamoDBJobStore(store._table, clock=lambda: next(times))
    for job_id in ("old", "mid", "new"):
        timed.create(_job(job_id), ["A"])

    assert [j.job_id for j in store.list_jobs()] == ["new", "mid", "old"]
    assert store.create(_job("empty"), []).status is JobStatus.COMPLETED
