"""How a status reads on screen: a badge (label and tone) and, where the merchant must act, the fix.

The only place statuses are turned into words; templates print what these return.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tts_connector.connect.records import ShopStatus
from tts_connector.events.models import EventStatus
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
