"""A job read page by page: items added as the planner finds them, never completed while it still plans."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.aws_tables import template_tables
from tts_connector.jobs.records import ItemStatus, Job, JobStatus
from tts_connector.jobs.store import DynamoDBJobStore


@pytest.fixture
def store() -> Iterator[DynamoDBJobStore]:
    with template_tables("JobsTable") as tables:
        yield DynamoDBJobStore(tables["JobsTable"], clock=lambda: 1_800_000_000)


def _open(store: DynamoDBJobStore) -> Job:
    return store.open(Job(job_id="job-p", kind="product_push", shop_id="shop-1", selection={"all": True}))


def test_items_finished_while_planning_complete_the_job_only_when_planning_ends(store: DynamoDBJobStore) -> None:
    opened = _open(store)
    assert (opened.status, opened.total) == (JobStatus.PLANNING, 0)

    assert store.add_items("job-p", ["A", "B"]) == ["A", "B"]
    store.record("job-p", "A", ItemStatus.SUCCEEDED)
    last = store.record("job-p", "B", ItemStatus.FAILED)

    assert not last.job_completed and last.job is not None and last.job.status is JobStatus.PLANNING
    assert store.add_items("job-p", ["C"]) == ["C"]
    assert store.record("job-p", "C", ItemStatus.SUCCEEDED).job_completed is False
    assert store.finish_planning("job-p") is True
    job = store.get("job-p")
    assert job is not None and (job.status, job.total, job.succeeded, job.failed) == (JobStatus.COMPLETED, 3, 2, 1)
    assert store.finish_planning("job-p") is False


def test_a_repeated_page_adds_nothing_twice_and_the_cursor_moves_once(store: DynamoDBJobStore) -> None:
    _open(store)
    many = [f"SKU-{i:03d}" for i in range(150)]  # more than one transaction's worth

    assert store.add_items("job-p", many) == many
    assert store.add_items("job-p", [*many[:5], "NEW"]) == ["NEW"]
    assert store.advance_planning("job-p", None, "100") is True
    assert store.advance_planning("job-p", None, "100") is False  # the redelivered first page
    assert store.advance_planning("job-p", "100", "200") is True
    job = store.get("job-p")
    assert job is not None and (job.total, job.plan_cursor) == (151, "200")
    assert store.finish_planning("job-p") is False  # 151 items still queued: running, not completed
    job = store.get("job-p")
    assert job is not None and job.status is JobStatus.RUNNING
    assert store.add_items("job-p", ["LATE"]) == []  # a running job takes no new items
