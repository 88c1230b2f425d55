"""Listings and their Issues: each Magento product beside its TikTok ids and status, failures grouped by code.

The rows come from what `GET /admin/products` and `GET /admin/jobs/{id}` read: the listing store (TikTok's
product and SKU ids, its status and audit reasons) and the items of the shop's latest product-push jobs (a
push that failed before TikTok had the product leaves no listing, only the failed item with its
`ItemFailure`). *Retry all with this error* is `POST /admin/jobs/{id}/retry` with the SKUs named
(`product_push.service.retry_push`), once per job holding them: only FAILED items are requeued, so a second
click requeues nothing.
"""

# No `from __future__ import annotations`: Powertools reads route annotations at runtime.
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from tts_connector import wiring
from tts_connector.console.auth import ConsoleUser, require_operator
from tts_connector.console.badges import (
    LISTING_STATES,
    Badge,
    ListingState,
    listing_badge,
    push_failure_fix,
)
from tts_connector.console.lists import known_shop_ids
from tts_connector.console.responses import current_user, form, fragment, parsed, query
from tts_connector.console.slots import SlotValue
from tts_connector.errors import InvalidInputError
from tts_connector.jobs.records import ItemFailure, ItemStatus, Job, JobItem, JobStatus
from tts_connector.jobs.store import JobStore
from tts_connector.listings.records import Listing
from tts_connector.listings.store import ListingStore
from tts_connector.product_push import service as push_service
from tts_connector.product_push.queue import PushQueue
from tts_connector.product_push.records import JOB_KIND as PRODUCT_PUSH

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

PAGE_SIZE = 50
# The latest pushes decide a product's outcome; older jobs' failures were superseded or are stale.
RECENT_JOBS = 10
# A status filter reads listings until it has a page; this bounds one request's reads.
MAX_SCANNED = 2000
SHOP_ID = r"^[A-Za-z0-9_-]{1,64}$"
SKU = r"^[^\s<>]{1,64}$"
CODE = r"^[a-z0-9_]{1,64}$"


class ListingFilters(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    shop: str | None = Field(default=None, pattern=SHOP_ID)
    status: ListingState | None = None
    after: str | None = Field(default=None, pattern=SKU)
    # `#/listings?tab=issues` is the Issues tab (the console's hash routes are one word).
    tab: Literal["listings", "issues"] = "listings"


class IssueRetryForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shop_id: str = Field(pattern=SHOP_ID)
    code: str = Field(pattern=CODE)


@dataclass(frozen=True)
class PushOutcome:
    """A SKU's item in the newest push job that has it."""

    job_id: str
    item: JobItem


@dataclass(frozen=True)
class ListingRow:
    sku: str
    state: ListingState
    badge: Badge
    listing: Listing | None
    job_id: str | None
    failure: ItemFailure | None
    fix: str
    changed_at: int


@dataclass(frozen=True)
class ListingsPage:
    shop_id: str | None
    rows: list[ListingRow]
    next_after: str | None


@dataclass(frozen=True)
class IssueGroup:
    code: str
    count: int
    share: int  # percent of the failures
    attributes: list[tuple[str, int]]
    example: ItemFailure
    skus_by_job: dict[str, list[str]] = field(default_factory=dict)


def recent_push_jobs(jobs: JobStore, shop_id: str) -> list[Job]:
    return [j for j in jobs.list_jobs(limit=RECENT_JOBS * 5, kind=PRODUCT_PUSH) if j.shop_id == shop_id][:RECENT_JOBS]


def latest_outcomes(jobs: JobStore, recent: Iterable[Job]) -> dict[str, PushOutcome]:
    """Per SKU, its item in the newest of `recent` (newest first) that holds it."""
    outcomes: dict[str, PushOutcome] = {}
    for job in recent:
        for item in jobs.items(job.job_id):
            outcomes.setdefault(item.item_key, PushOutcome(job.job_id, item))
    return outcomes


def row_of(sku: str, listing: Listing | None, outcome: PushOutcome | None) -> ListingRow:
    item = outcome.item if outcome else None
    failure = item.failure if item is not None and item.status is ItemStatus.FAILED else None
    if failure is not None:
        state = ListingState.FAILED
    elif listing is not None:
        state = LISTING_STATES[listing.status]
    else:
        state = ListingState.NOT_PUSHED
    badge = listing_badge(state)
    return ListingRow(
        sku=sku,
        state=state,
        badge=badge,
        listing=listing,
        job_id=outcome.job_id if outcome else None,
        failure=failure,
        fix=push_failure_fix(sku, failure) if failure is not None else badge.fix,
        changed_at=max(listing.updated_at if listing else 0, item.updated_at if item else 0),
    )


def merged(
    listings: ListingStore, outcomes: dict[str, PushOutcome], shop_id: str, after: str | None
) -> Iterator[tuple[str, Listing | None]]:
    """Every product by Magento SKU: the shop's listings merged with SKUs only its push jobs know."""
    pending = sorted(s for s in outcomes if after is None or s > after)
    i = 0
    for listing in listings.iter_listings(shop_id, after):
        while i < len(pending) and pending[i] < listing.magento_sku:
            yield pending[i], None
            i += 1
        if i < len(pending) and pending[i] == listing.magento_sku:
            i += 1
        yield listing.magento_sku, listing
    yield from ((sku, None) for sku in pending[i:])


def list_listings(
    listings: ListingStore, outcomes: dict[str, PushOutcome], shop_id: str, filters: ListingFilters
) -> ListingsPage:
    rows: list[ListingRow] = []
    last = None
    for scanned, (sku, listing) in enumerate(merged(listings, outcomes, shop_id, filters.after), start=1):
        row = row_of(sku, listing, outcomes.get(sku))
        if filters.status is None or row.state is filters.status:
            if len(rows) == PAGE_SIZE:
                return ListingsPage(shop_id, rows, rows[-1].sku)
            rows.append(row)
        last = sku
        if scanned >= MAX_SCANNED:
            return ListingsPage(shop_id, rows, last)
    return ListingsPage(shop_id, rows, None)


def issue_groups(outcomes: dict[str, PushOutcome]) -> list[IssueGroup]:
    """The latest failures grouped by code, largest first, with the Magento attributes they name."""
    by_code: dict[str, list[tuple[str, PushOutcome]]] = {}
    for sku, outcome in outcomes.items():
        if outcome.item.status is ItemStatus.FAILED and outcome.item.failure is not None:
            by_code.setdefault(outcome.item.failure.code, []).append((sku, outcome))
    total = sum(len(v) for v in by_code.values())
    groups = []
    for code, members in by_code.items():
        attributes = Counter(o.item.failure.magento_attribute for _, o in members if o.item.failure)
        skus_by_job: dict[str, list[str]] = {}
        for sku, outcome in sorted(members):
            skus_by_job.setdefault(outcome.job_id, []).append(sku)
        first = members[0][1].item.failure
        assert first is not None  # filtered above
        groups.append(
            IssueGroup(
                code=code,
                count=len(members),
                share=round(100 * len(members) / total),
                attributes=[(a, n) for a, n in attributes.most_common() if a],
                example=first,
                skus_by_job=skus_by_job,
            )
        )
    return sorted(groups, key=lambda g: (-g.count, g.code))


def retry_issue(jobs: JobStore, queue: PushQueue, outcomes: dict[str, PushOutcome], code: str) -> str:
    group = next((g for g in issue_groups(outcomes) if g.code == code), None)
    if group is None:
        return f"No product's latest push failed with {code}: nothing to retry."
    requeued: list[str] = []
    waiting: list[str] = []
    for job_id, skus in group.skus_by_job.items():
        job = jobs.get(job_id)
        if job is None or job.status is JobStatus.PLANNING:
            waiting.append(job_id)  # retry_push refuses a job still reading its selection
            continue
        report = push_service.retry_push(job_id, push_service.RetryRequest(skus=skus), jobs=jobs, queue=queue)
        requeued += report.requeued
    text = f"{len(requeued)} product(s) failing with {code} are queued again; refresh to see the result."
    if waiting:
        text += f" Job {', '.join(waiting)} is still reading its selection: retry once it runs."
    return text


def listings_slot(listings: ListingStore, jobs: JobStore, shop_id: str) -> SlotValue:
    """Overview: the shop's products by state, linking to the Listings screen (filtered to failures if any)."""
    outcomes = latest_outcomes(jobs, recent_push_jobs(jobs, shop_id))
    counts: Counter[ListingState] = Counter()
    for scanned, (sku, listing) in enumerate(merged(listings, outcomes, shop_id, None), start=1):
        counts[row_of(sku, listing, outcomes.get(sku)).state] += 1
        if scanned >= MAX_SCANNED:
            break
    link = f"#/listings?shop={shop_id}"
    if not counts:
        return SlotValue("none pushed", link=link)
    text = ", ".join(f"{n} {listing_badge(s).label.lower()}" for s, n in counts.most_common())
    if counts[ListingState.FAILED]:
        link += "&status=failed"
    return SlotValue(text, link=link)


def _shop(requested: str | None, shops: list[str]) -> str | None:
    if requested is not None and requested not in shops:
        raise InvalidInputError(f"No shop {requested} is connected", hint="Choose one of the shops listed")
    return requested or (shops[0] if shops else None)


def _listings_fragment(user: ConsoleUser, filters: ListingFilters) -> Response[str]:
    shops = known_shop_ids()
    shop_id = _shop(filters.shop, shops)
    page = ListingsPage(None, [], None)
    if shop_id is not None:
        jobs = wiring.job_store()
        outcomes = latest_outcomes(jobs, recent_push_jobs(jobs, shop_id))
        page = list_listings(wiring.listing_store(), outcomes, shop_id, filters)
    return fragment("listings.html", user=user, page=page, filters=filters, shops=shops, states=list(ListingState))


def _issues_fragment(user: ConsoleUser, shop: str | None, notice: str = "") -> Response[str]:
    shops = known_shop_ids()
    shop_id = _shop(shop, shops)
    groups: list[IssueGroup] = []
    if shop_id is not None:
        jobs = wiring.job_store()
        groups = issue_groups(latest_outcomes(jobs, recent_push_jobs(jobs, shop_id)))
    return fragment("listing_issues.html", user=user, shop_id=shop_id, shops=shops, groups=groups, notice=notice)


@router.get("/console/ui/listings")
def listings() -> Response[str]:
    event = router.current_event
    filters = parsed(ListingFilters, query(event), "Filter ")
    if filters.tab == "issues":
        return _issues_fragment(current_user(event), filters.shop)
    return _listings_fragment(current_user(event), filters)


@router.get("/console/ui/listings/issues")
def issues() -> Response[str]:
    event = router.current_event
    filters = parsed(ListingFilters, query(event), "Filter ")
    return _issues_fragment(current_user(event), filters.shop)


@router.post("/console/ui/listings/issues/retry")
def retry_issues() -> Response[str]:
    event = router.current_event
    user = current_user(event)
    require_operator(user)
    request = parsed(IssueRetryForm, form(event))
    shop_id = _shop(request.shop_id, known_shop_ids())
    assert shop_id is not None  # _shop returns the shop asked for
    jobs = wiring.job_store()
    notice = retry_issue(
        jobs, wiring.push_queue(), latest_outcomes(jobs, recent_push_jobs(jobs, shop_id)), request.code
    )
    return _issues_fragment(user, shop_id, notice)
