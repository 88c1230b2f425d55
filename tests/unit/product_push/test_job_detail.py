"""A job's detail lists failures first; a progress poll (`limit=0`) is answered from the job's counters alone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.aws_tables import template_tables
from tts_connector.jobs.records import ItemFailure, ItemStatus, Job
from tts_connector.jobs.store import DynamoDBJobStore
from tts_connector.listings.store import DynamoDBListingStore
from tts_connector.product_push.service import JOB_KIND, job_detail


class CountingStore(DynamoDBJobStore):
    def __init__(self, table: Any):
        super().__init__(table, clock=lambda: 1_800_000_000)
        self.item_queries = 0

    def items(self, job_id: str, status: ItemStatus) -> Iterator[Any]:
        self.item_queries += 1
        return super().items(job_id, status)


@pytest.fixture
def stores() -> Iterator[tuple[CountingStore, DynamoDBListingStore]]:
    with template_tables("JobsTable", "MappingsTable") as tables:
        jobs = CountingStore(tables["JobsTable"])
        jobs.create(Job(job_id="job-1", kind=JOB_KIND, shop_id="shop-1"), ["A", "B", "C"])
        jobs.record("job-1", "A", ItemStatus.SUCCEEDED)
        jobs.record("job-1", "B", ItemStatus.FAILED, failure=ItemFailure(code="preflight_failed", message="Brand"))
        yield jobs, DynamoDBListingStore(tables["MappingsTable"])


def test_a_progress_poll_reads_the_counters_and_no_item(stores: tuple[CountingStore, DynamoDBListingStore]) -> None:
    jobs, listings = stores
    job = jobs.get("job-1")
    assert job is not None

    detail = job_detail(job, jobs=jobs, listings=listings, status=None, limit=0)

    assert (detail.job.total, detail.job.succeeded, detail.job.failed) == (3, 1, 1)
    assert detail.items == [] and detail.more_items
    assert jobs.item_queries == 0


def test_a_listing_shows_failures_first_and_says_when_more_remain(
    stores: tuple[CountingStore, DynamoDBListingStore],
) -> None:
    jobs, listings = stores
    job = jobs.get("job-1")
    assert job is not None

    detail = job_detail(job, jobs=jobs, listings=listings, status=None, limit=2)

    assert [(i.sku, i.status) for i in detail.items] == [("B", ItemStatus.FAILED), ("C", ItemStatus.QUEUED)]
    assert detail.more_items
