"""Listings, Issues and Jobs: escaping, badges and fixes naming the Magento attribute, grouping, retry, polling."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from tests.aws_tables import template_tables
from tests.unit.console.test_fragments import (
    OPERATOR,
    VIEWER,
    WRITE_CONTROL,
    _Context,
    claims,
    store_with_shops,
    ui_event,
)
from tests.unit.listings.fakes import InMemoryListingStore
from tts_connector import wiring
from tts_connector.console import jobs as jobs_screen
from tts_connector.console import listings as listings_screen
from tts_connector.console.app import build_console_app
from tts_connector.console.auth import ConsoleUser
from tts_connector.console.badges import ListingState
from tts_connector.console.rendering import render
from tts_connector.jobs.records import ItemFailure, ItemStatus, Job, JobStatus
from tts_connector.jobs.store import DynamoDBJobStore
from tts_connector.listings.records import ListedSku, Listing, ListingStatus
from tts_connector.product_push.records import PlanMessage, ProductMessage, WriteBackMessage

SHOP = "1001"
BRAND = ItemFailure(
    code="preflight_failed",
    message="Magento product <b>BAG-1</b>: Brand is required",
    magento_attribute="brand",
)
WEIGHT = ItemFailure(
    code="preflight_failed", message="Magento product BAG-2: weight is missing", magento_attribute="weight"
)
TIKTOK = ItemFailure(
    code="tiktok_api_error",
    message="Category requires a size chart",
    tiktok_code=12052048,
    request_id="REQ-777",
    magento_attribute="size_chart",
)


class RecordingQueue:
    def __init__(self) -> None:
        self.plans: list[PlanMessage] = []

    def send_plan(self, message: PlanMessage) -> None:
        self.plans.append(message)

    def send_products(self, messages: Sequence[ProductMessage]) -> None:
        raise AssertionError("a retry sends plans only")

    def send_write_back(self, message: WriteBackMessage) -> None:
        raise AssertionError("a retry sends plans only")


@pytest.fixture
def job_store() -> Iterator[DynamoDBJobStore]:
    with template_tables("JobsTable") as tables:
        ticks = itertools.count(1_800_000_000)
        # Each call a second later, so jobs created one after the other list newest first.
        yield DynamoDBJobStore(tables["JobsTable"], clock=lambda: next(ticks))


def push_job(store: DynamoDBJobStore, job_id: str, outcomes: dict[str, ItemFailure | str | None]) -> Job:
    """A push job whose items ended as given: a failure, None (succeeded) or "queued" (still waiting)."""
    store.create(Job(job_id=job_id, kind="product_push", shop_id=SHOP, warehouse_id="WH-1"), list(outcomes))
    for sku, outcome in outcomes.items():
        if outcome is None:
            store.record(job_id, sku, ItemStatus.SUCCEEDED, result={"tiktok_product_id": f"TT-{sku}"})
        elif isinstance(outcome, ItemFailure):
            store.record(job_id, sku, ItemStatus.FAILED, failure=outcome)
    job = store.get(job_id)
    assert job is not None
    return job


def listing(sku: str, status: ListingStatus, reasons: list[str] | None = None) -> Listing:
    return Listing(
        shop_id=SHOP,
        magento_sku=sku,
        tiktok_product_id=f"TT-{sku}",
        skus=[ListedSku(magento_sku=sku, tiktok_sku_id=f"TTS-{sku}")],
        status=status,
        audit_reasons=reasons or [],
    )


@pytest.fixture
def listing_store() -> InMemoryListingStore:
    store = InMemoryListingStore()
    store.save(listing("LIVE-1", ListingStatus.ACTIVATE))
    store.save(listing("REVIEW-1", ListingStatus.PENDING))
    store.save(listing("REJECT-1", ListingStatus.FAILED, ["Image has a watermark <i>x</i>"]))
    return store


def outcomes_of(job_store: DynamoDBJobStore) -> dict[str, listings_screen.PushOutcome]:
    return listings_screen.latest_outcomes(job_store, listings_screen.recent_push_jobs(job_store, SHOP))


def listings_html(listing_store: InMemoryListingStore, job_store: DynamoDBJobStore, **filters: Any) -> str:
    parsed = listings_screen.ListingFilters(**filters)
    page = listings_screen.list_listings(listing_store, outcomes_of(job_store), SHOP, parsed)
    return render("listings.html", user=VIEWER, page=page, filters=parsed, shops=[SHOP], states=list(ListingState))


def issues_html(user: ConsoleUser, job_store: DynamoDBJobStore) -> str:
    groups = listings_screen.issue_groups(outcomes_of(job_store))
    return render("listing_issues.html", user=user, shop_id=SHOP, shops=[SHOP], groups=groups, notice="")


def row(html: str, row_id: str) -> str:
    return html.split(f'id="{row_id}"')[1].split("</tr>")[0]


# ---------- Listings ----------
def test_each_status_reads_as_its_badge_beside_the_tiktok_ids(
    listing_store: InMemoryListingStore, job_store: DynamoDBJobStore
) -> None:
    push_job(job_store, "push-1", {"BAG-1": BRAND, "QUEUED-1": "queued", "LIVE-1": None})
    html = listings_html(listing_store, job_store)

    live = row(html, "listing-LIVE-1")
    assert "Live" in live and "badge-ok" in live and "TT-LIVE-1" in live and "TTS-LIVE-1" in live
    assert "In review" in row(html, "listing-REVIEW-1")
    assert "Not pushed" in row(html, "listing-QUEUED-1")
    rejected = row(html, "listing-REJECT-1")
    assert "Rejected" in rejected and "&lt;i&gt;x&lt;/i&gt;" in rejected and "<i>x</i>" not in html
    failed = row(html, "listing-BAG-1")
    assert "Failed" in failed and "badge-error" in failed and "preflight_failed" in failed
    assert "&lt;b&gt;BAG-1&lt;/b&gt;" in failed and "<b>BAG-1</b>" not in html


def test_a_failed_push_names_the_magento_attribute_to_fix_and_tiktoks_ids(
    listing_store: InMemoryListingStore, job_store: DynamoDBJobStore
) -> None:
    push_job(job_store, "push-1", {"BAG-1": BRAND, "BAG-3": TIKTOK})
    html = listings_html(listing_store, job_store)

    brand = row(html, "listing-BAG-1")
    assert '<code class="attribute">brand</code>' in brand
    assert "Fix the Magento attribute \u201cbrand\u201d of product BAG-1" in brand and "press Retry" in brand
    tiktok = row(html, "listing-BAG-3")
    assert "TikTok 12052048" in tiktok and "REQ-777" in tiktok and "size_chart" in tiktok


def test_the_newest_push_decides_and_the_status_filter_pages_by_sku(
    listing_store: InMemoryListingStore, job_store: DynamoDBJobStore
) -> None:
    push_job(job_store, "push-old", {"LIVE-1": BRAND})
    push_job(job_store, "push-new", {"LIVE-1": None})  # fixed and pushed again since
    html = listings_html(listing_store, job_store, status="failed")
    assert "listing-LIVE-1" not in html and "No product matches" in html

    for n in range(listings_screen.PAGE_SIZE + 5):
        listing_store.save(listing(f"Z-{n:03d}", ListingStatus.ACTIVATE))
    first = listings_screen.list_listings(
        listing_store, outcomes_of(job_store), SHOP, listings_screen.ListingFilters(status=ListingState.LIVE)
    )
    assert len(first.rows) == listings_screen.PAGE_SIZE and first.next_after is not None
    second = listings_screen.list_listings(
        listing_store,
        outcomes_of(job_store),
        SHOP,
        listings_screen.ListingFilters(status=ListingState.LIVE, after=first.next_after),
    )
    assert {r.sku for r in first.rows}.isdisjoint({r.sku for r in second.rows})
    assert len(first.rows) + len(second.rows) == listings_screen.PAGE_SIZE + 6  # LIVE-1 and the Z-s


# ---------- Issues ----------
def test_issues_group_the_latest_failures_by_code_with_counts_shares_and_attributes(
    job_store: DynamoDBJobStore,
) -> None:
    push_job(job_store, "push-1", {"BAG-1": BRAND, "BAG-2": WEIGHT, "BAG-3": TIKTOK, "BAG-4": BRAND})
    groups = listings_screen.issue_groups(outcomes_of(job_store))

    assert [(g.code, g.count, g.share) for g in groups] == [("preflight_failed", 3, 75), ("tiktok_api_error", 1, 25)]
    assert groups[0].attributes == [("brand", 2), ("weight", 1)]
    html = issues_html(VIEWER, job_store)
    preflight = row(html, "issue-preflight_failed")
    assert ">3<" in preflight and "75%" in preflight and '<code class="attribute">brand</code>' in preflight
    assert "<b>" not in html and '<code class="attribute">size_chart</code>' in row(html, "issue-tiktok_api_error")


def test_retry_all_is_offered_only_to_operators_and_only_for_failures(job_store: DynamoDBJobStore) -> None:
    push_job(job_store, "push-1", {"BAG-1": BRAND, "LIVE-1": None})

    assert "Retry all with this error" in row(issues_html(OPERATOR, job_store), "issue-preflight_failed")
    assert not WRITE_CONTROL.search(issues_html(VIEWER, job_store).split("</form>", 1)[1])
    push_job(job_store, "push-2", {"BAG-1": None})
    html = issues_html(OPERATOR, job_store)
    assert "Retry all with this error" not in html and "No failure in the shop's latest pushes" in html


def test_retry_all_requeues_the_codes_latest_failures_once(job_store: DynamoDBJobStore) -> None:
    push_job(job_store, "push-old", {"BAG-9": BRAND})
    push_job(job_store, "push-1", {"BAG-1": BRAND, "BAG-2": WEIGHT, "BAG-3": TIKTOK, "BAG-9": BRAND})
    queue = RecordingQueue()

    notice = listings_screen.retry_issue(job_store, queue, outcomes_of(job_store), "preflight_failed")

    assert notice.startswith("3 product(s)")
    assert [(p.job_id, p.retry_skus) for p in queue.plans] == [("push-1", ["BAG-1", "BAG-2", "BAG-9"])]
    item = job_store.get_item("push-old", "BAG-9")
    assert item is not None and item.status is ItemStatus.FAILED  # superseded by push-1: left alone
    again = listings_screen.retry_issue(job_store, queue, outcomes_of(job_store), "preflight_failed")
    assert "nothing to retry" in again and len(queue.plans) == 1
    remaining = job_store.get_item("push-1", "BAG-3")
    assert remaining is not None and remaining.status is ItemStatus.FAILED


# ---------- Jobs ----------
def job_html(user: ConsoleUser, job_store: DynamoDBJobStore, job_id: str) -> str:
    job = job_store.get(job_id)
    assert job is not None
    page = jobs_screen.job_page(user, job, job_store, InMemoryListingStore())
    return render("job.html", user=user, page=page, notice="")


POLLER = re.compile(r'hx-trigger="every 2s"')


def test_a_running_job_polls_its_counters_in_a_live_region_and_stops_when_done(job_store: DynamoDBJobStore) -> None:
    push_job(job_store, "push-1", {"BAG-1": BRAND, "BAG-2": "queued", "LIVE-1": None})
    running = job_html(VIEWER, job_store, "push-1")

    region = running.split('id="job-progress"')[1].split("</div>")[0]
    assert 'role="status"' in region and 'aria-live="polite"' in region
    assert POLLER.search(region) and 'hx-get="ui/jobs/push-1/progress"' in region
    assert "2 of 3" in region and "1 succeeded, 1 failed, 1 waiting" in region

    job_store.record("push-1", "BAG-2", ItemStatus.SUCCEEDED)
    done = job_html(VIEWER, job_store, "push-1")
    assert not POLLER.search(done) and "Completed with failures" in done
    progress = render("job_progress.html", progress=jobs_screen.progress_of(job_store.get("push-1")))  # type: ignore[arg-type]
    assert not POLLER.search(progress) and "Show the results" in progress


def test_job_items_list_failures_first_with_the_attribute_and_retry_for_operators(
    job_store: DynamoDBJobStore,
) -> None:
    push_job(job_store, "push-1", {"A-OK": None, "Z-BAD": BRAND})
    operator = job_html(OPERATOR, job_store, "push-1")

    assert operator.index('id="item-Z-BAD"') < operator.index('id="item-A-OK"')
    assert "Fix the Magento attribute \u201cbrand\u201d of product Z-BAD" in row(operator, "item-Z-BAD")
    assert 'hx-post="ui/jobs/push-1/retry"' in operator and "Retry failed" in operator
    assert "Retry failed" not in job_html(VIEWER, job_store, "push-1")
    push_job(job_store, "push-2", {"A-OK": None})
    assert "Retry failed" not in job_html(OPERATOR, job_store, "push-2")


def test_retry_failed_requeues_once(job_store: DynamoDBJobStore) -> None:
    job = push_job(job_store, "push-1", {"BAG-1": BRAND, "LIVE-1": None})
    queue = RecordingQueue()

    assert "1 failed product(s)" in jobs_screen.retry_failed(job_store, queue, job)
    assert "nothing was queued again" in jobs_screen.retry_failed(job_store, queue, job)
    assert len(queue.plans) == 1 and queue.plans[0].retry_skus == ["BAG-1"]
    requeued = job_store.get("push-1")
    assert requeued is not None and requeued.status is JobStatus.RUNNING


def test_the_jobs_list_filters_running_jobs_of_a_shop(job_store: DynamoDBJobStore) -> None:
    push_job(job_store, "push-done", {"A": None})
    push_job(job_store, "push-running", {"A": "queued", "B": None})

    running = jobs_screen.list_jobs(job_store, jobs_screen.JobFilters(shop=SHOP, status=jobs_screen.JobState.RUNNING))
    assert [p.job.job_id for p in running] == ["push-running"]
    slot = jobs_screen.running_jobs_slot(job_store, SHOP)
    assert slot.value == "1" and slot.link == "#/jobs?shop=1001&status=running" and "1 of 2" in slot.detail


def test_the_listings_slot_counts_by_status_and_links_to_failures(
    listing_store: InMemoryListingStore, job_store: DynamoDBJobStore
) -> None:
    push_job(job_store, "push-1", {"BAG-1": BRAND, "LIVE-1": None})
    slot = listings_screen.listings_slot(listing_store, job_store, SHOP)

    assert "1 live" in slot.value and "1 failed" in slot.value and "1 rejected" in slot.value
    assert slot.link == "#/listings?shop=1001&status=failed"


# ---------- through the real resolver ----------
@pytest.mark.parametrize("path", ["listings/issues/retry", "jobs/push-1/retry"])
def test_viewer_writes_are_refused(path: str) -> None:
    response = build_console_app().resolve(
        ui_event("POST", f"/console/ui/{path}", claims("viewer"), "shop_id=1001&code=preflight_failed"), _Context()
    )

    assert response["statusCode"] == 403 and "Viewers can look but not change anything" in response["body"]


def test_the_routes_render_retry_once_and_refuse_bad_ids(
    monkeypatch: pytest.MonkeyPatch, job_store: DynamoDBJobStore, listing_store: InMemoryListingStore
) -> None:
    push_job(job_store, "push-1", {"BAG-1": BRAND, "BAG-2": "queued"})
    queue = RecordingQueue()
    monkeypatch.setattr(wiring, "job_store", lambda: job_store)
    monkeypatch.setattr(wiring, "listing_store", lambda: listing_store)
    monkeypatch.setattr(wiring, "push_queue", lambda: queue)
    app = build_console_app()

    page = app.resolve(ui_event("GET", "/console/ui/jobs/push-1", claims("viewer")), _Context())
    assert page["statusCode"] == 200 and POLLER.search(page["body"])
    poll = app.resolve(ui_event("GET", "/console/ui/jobs/push-1/progress", claims("viewer")), _Context())
    assert poll["statusCode"] == 200 and "1 of 2" in poll["body"]
    monkeypatch.setattr(wiring, "connect_store", store_with_shops)
    issues = ui_event("GET", "/console/ui/listings", claims("operator"))
    issues["queryStringParameters"] = {"tab": "issues", "shop": SHOP}  # `#/listings?tab=issues&shop=1001`
    tab = app.resolve(issues, _Context())
    assert tab["statusCode"] == 200 and 'id="issue-preflight_failed"' in tab["body"]
    retried = app.resolve(ui_event("POST", "/console/ui/jobs/push-1/retry", claims("operator")), _Context())
    assert retried["statusCode"] == 200 and "queued again" in retried["body"] and len(queue.plans) == 1
    by_hash = ui_event("GET", "/console/ui/jobs", claims("viewer"))
    by_hash["queryStringParameters"] = {"job": "push-1"}  # `#/jobs?job=push-1`
    assert "Job <code>push-1</code>" in app.resolve(by_hash, _Context())["body"]
    retried_all = app.resolve(
        ui_event("POST", "/console/ui/listings/issues/retry", claims("operator"), "shop_id=1001&code=preflight_failed"),
        _Context(),
    )
    assert "nothing to retry" in retried_all["body"] and len(queue.plans) == 1  # Retry failed requeued it already
    assert app.resolve(ui_event("GET", "/console/ui/jobs/nope", claims("viewer")), _Context())["statusCode"] == 404
    bad = app.resolve(ui_event("GET", "/console/ui/jobs/a%3Cb", claims("viewer")), _Context())
    assert bad["statusCode"] in (400, 404) and "<b" not in bad["body"]


def test_a_push_shows_its_create_rate_against_the_shops_ceiling(job_store: DynamoDBJobStore) -> None:
    job = push_job(job_store, "push-1", {"A": None, "B": None, "C": "queued", "D": BRAND})
    # Two products created in the 4 s since the job was created (the store's clock ticks a second a call).
    rate = jobs_screen.create_rate(job, ceiling=50.0, now=job.created_at + 4)

    assert rate is not None and rate.per_second == 0.5 and rate.share == 1.0
    progress = render("job_progress.html", progress=jobs_screen.progress_of(job, ceiling=50.0, now=job.created_at + 4))
    assert "0.50 products/s" in progress and "ceiling of 50 calls/s per API (1 %)" in progress
    # Without a ceiling (or for a price/stock push, whose counters are not calls) no rate is claimed.
    assert "Create rate" not in render("job_progress.html", progress=jobs_screen.progress_of(job))
    assert jobs_screen.create_rate(job.model_copy(update={"kind": "stock_push"}), ceiling=50.0, now=0) is None


def test_a_finished_job_keeps_the_rate_it_ran_at(job_store: DynamoDBJobStore) -> None:
    job = push_job(job_store, "push-1", {"A": None, "B": None}).model_copy(update={"finished_at": None})
    done = job.model_copy(update={"finished_at": job.created_at + 2})

    rate = jobs_screen.create_rate(done, ceiling=50.0, now=done.created_at + 3600)
    assert rate is not None and rate.per_second == 1.0
    same_second = jobs_screen.create_rate(done.model_copy(update={"finished_at": done.created_at}), ceiling=50, now=0)
    assert same_second is not None and same_second.per_second == 2.0  # within its first second: over one second


def test_the_progress_route_reads_the_ceiling_from_the_settings(
    monkeypatch: pytest.MonkeyPatch, job_store: DynamoDBJobStore
) -> None:
    push_job(job_store, "push-1", {"A": None, "B": "queued"})
    monkeypatch.setattr(wiring, "job_store", lambda: job_store)
    monkeypatch.setenv("TIKTOK_RATE_CEILING_PER_SECOND", "20")
    from tts_connector.settings import get_settings

    get_settings.cache_clear()
    try:
        poll = build_console_app().resolve(
            ui_event("GET", "/console/ui/jobs/push-1/progress", claims("viewer")), _Context()
        )
    finally:
        get_settings.cache_clear()
    assert poll["statusCode"] == 200 and "ceiling of 45 calls/s per API" in poll["body"]
