"""How a status reads on screen: a badge (label and tone) and, where the merchant must act, the fix.

The only place statuses are turned into words; templates print what these return.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tts_connector.connect.records import ShopStatus
from tts_connector.events.models import EventStatus
from tts_connector.jobs.records import ItemFailure, JobStatus
from tts_connector.listings.records import ListingStatus
from tts_connector.order_import.records import OrderState
from tts_connector.refunds.records import RefundState


class Tone(StrEnum):
    OK = "ok"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Badge:
    label: str
    tone: Tone
    fix: str = ""


def shop_badge(status: ShopStatus, reason: str | None = None) -> Badge:
    if status is ShopStatus.CONNECTED:
        return Badge("Connected", Tone.OK)
    if status is ShopStatus.DISCONNECTED:
        return Badge(
            "Deauthorized",
            Tone.ERROR,
            "The seller removed the connector's access in TikTok Shop, so nothing is synced for this shop. "
            "Authorize again to resume.",
        )
    return Badge(
        "Needs re-authorization",
        Tone.ERROR,
        f"TikTok no longer accepts the connector's tokens{f' ({reason})' if reason else ''}. "
        "Authorize again to resume; nothing runs for this shop until then.",
    )


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OK = "ok"


# Which statuses each severity filter selects on the Activity screen.
SEVERITY_STATUSES: dict[Severity, tuple[EventStatus, ...]] = {
    Severity.ERROR: (EventStatus.FAILED,),
    Severity.WARNING: (EventStatus.RECEIVED, EventStatus.ENQUEUED),
    Severity.INFO: (EventStatus.IGNORED,),
    Severity.OK: (EventStatus.PROCESSED,),
}


def event_severity(status: EventStatus) -> Severity:
    return next(s for s, statuses in SEVERITY_STATUSES.items() if status in statuses)


def event_badge(status: EventStatus, *, age_seconds: int, stuck_after_seconds: int) -> Badge:
    if status is EventStatus.FAILED:
        return Badge(
            "Failed",
            Tone.ERROR,
            "Fix the cause named in the detail, then replay the event: it runs once more, exactly once.",
        )
    if status in (EventStatus.RECEIVED, EventStatus.ENQUEUED):
        if age_seconds >= stuck_after_seconds:
            return Badge(
                "Stuck",
                Tone.WARNING,
                "Waiting for longer than expected: the queue retries it and parks it in the dead-letter queue "
                "after 5 tries, where a replay picks it up.",
            )
        return Badge("In progress", Tone.INFO)
    if status is EventStatus.IGNORED:
        return Badge("Ignored", Tone.INFO)
    return Badge("Processed", Tone.OK)


def expiry_badge(expires_at: int | None, now: int, warn_ahead_seconds: int) -> Badge:
    if expires_at is None:
        return Badge("Unknown", Tone.INFO)
    if expires_at <= now:
        return Badge("Expired", Tone.ERROR, "Authorize the shop again.")
    if expires_at - now <= warn_ahead_seconds:
        return Badge("Ends soon", Tone.WARNING, "Authorize the shop again before it ends to keep syncing.")
    return Badge("Valid", Tone.OK)


ORDER_BADGES: dict[OrderState, Badge] = {
    OrderState.SEEN: Badge("Not in Magento yet", Tone.INFO),
    OrderState.PENDING: Badge("Pending in Magento", Tone.INFO),
    OrderState.IMPORTED: Badge("Imported", Tone.OK),
    OrderState.PARTIALLY_SHIPPED: Badge("Partially shipped", Tone.OK),
    OrderState.SHIPPED: Badge("Shipped", Tone.OK),
    OrderState.CANCELLED: Badge("Cancelled", Tone.INFO),
    OrderState.AWAITING_REFUND: Badge("Awaiting refund", Tone.WARNING),
    OrderState.FAILED: Badge("Failed", Tone.ERROR),
}


def order_badge(state: OrderState) -> Badge:
    return ORDER_BADGES[state]


REFUND_BADGES: dict[RefundState, Badge] = {
    RefundState.OPEN: Badge("Open", Tone.INFO),
    RefundState.CLOSED: Badge("Closed", Tone.INFO),
    RefundState.WAITING_FOR_ORDER: Badge(
        "Waiting for the order",
        Tone.WARNING,
        "TikTok refunded it but the Magento order is not there yet: it is credited once the order is imported.",
    ),
    RefundState.CREDITING: Badge("Crediting", Tone.INFO),
    RefundState.CREDITED: Badge("Credited", Tone.OK),
    RefundState.NOT_CREDITED: Badge(
        "Nothing to credit", Tone.INFO, "Refunded in TikTok; Magento had nothing invoiced to credit."
    ),
    RefundState.FAILED: Badge("Failed", Tone.ERROR),
}


def refund_badge(state: RefundState) -> Badge:
    return REFUND_BADGES[state]


class ListingState(StrEnum):
    """What the Listings screen filters on: the merchant's words for a product's place on TikTok."""

    NOT_PUSHED = "not_pushed"  # in a push job, not sent to TikTok yet
    IN_REVIEW = "in_review"
    LIVE = "live"
    FAILED = "failed"  # the connector's latest push of it failed (preflight, TikTok refused the request)
    REJECTED = "rejected"  # TikTok's audit failed it
    INACTIVE = "inactive"  # deactivated, frozen or deleted on TikTok


LISTING_STATES: dict[ListingStatus, ListingState] = {
    ListingStatus.PUSHING: ListingState.IN_REVIEW,
    ListingStatus.DRAFT: ListingState.IN_REVIEW,
    ListingStatus.PENDING: ListingState.IN_REVIEW,
    ListingStatus.FAILED: ListingState.REJECTED,
    ListingStatus.ACTIVATE: ListingState.LIVE,
    ListingStatus.SELLER_DEACTIVATED: ListingState.INACTIVE,
    ListingStatus.PLATFORM_DEACTIVATED: ListingState.INACTIVE,
    ListingStatus.FREEZE: ListingState.INACTIVE,
    ListingStatus.DELETED: ListingState.INACTIVE,
}

LISTING_BADGES: dict[ListingState, Badge] = {
    ListingState.NOT_PUSHED: Badge("Not pushed", Tone.INFO),
    ListingState.IN_REVIEW: Badge("In review", Tone.INFO),
    ListingState.LIVE: Badge("Live", Tone.OK),
    ListingState.FAILED: Badge("Failed", Tone.ERROR),
    ListingState.REJECTED: Badge(
        "Rejected",
        Tone.ERROR,
        "TikTok's review rejected the product for the reasons shown: change the product in Magento and push it again.",
    ),
    ListingState.INACTIVE: Badge("Inactive", Tone.WARNING, "Not for sale on TikTok (deactivated, frozen or deleted)."),
}


def listing_badge(state: ListingState) -> Badge:
    return LISTING_BADGES[state]


def push_failure_fix(sku: str, failure: ItemFailure) -> str:
    """What to change for a failed push, naming the Magento attribute when the failure has one."""
    hint = (failure.hint or "").split(" | ")[0] if failure.hint and "ttsc" not in failure.hint else ""
    detail = f" ({hint.rstrip('.')})" if hint else ""
    if failure.magento_attribute:
        return (
            f"Fix the Magento attribute \u201c{failure.magento_attribute}\u201d of product {sku}{detail}, "
            "then press Retry."
        )
    if failure.retryable:
        return "A temporary problem: press Retry."
    return f"Fix the cause above{detail}, then press Retry."


JOB_BADGES: dict[JobStatus, Badge] = {
    JobStatus.PLANNING: Badge("Reading the selection", Tone.INFO),
    JobStatus.RUNNING: Badge("Running", Tone.INFO),
    JobStatus.COMPLETED: Badge("Completed", Tone.OK),
}


def job_badge(status: JobStatus, failed: int) -> Badge:
    if status is JobStatus.COMPLETED and failed:
        return Badge("Completed with failures", Tone.WARNING, "Fix what each failed product names, then Retry failed.")
    return JOB_BADGES[status]
