"""Activity: events by shop, entity, severity and time, with correlation and request ids; replay for operators.

Replay is the admin API's (`POST /admin/events/replay`): a named FAILED event is re-sent from its record,
or every dead-letter queue is drained. Processing is idempotent on the event key, so a second click (or a
replay of something already done) changes nothing.
"""

# No `from __future__ import annotations`: Powertools reads route annotations at runtime.
import re
import time
from dataclasses import dataclass

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from tts_connector import wiring
from tts_connector.console.auth import ConsoleUser, require_operator
from tts_connector.console.badges import SEVERITY_STATUSES, Badge, Severity, event_badge, event_severity
from tts_connector.console.lists import list_fragment
from tts_connector.console.responses import current_user, form, parsed, query
from tts_connector.errors import InvalidInputError, NotFoundError
from tts_connector.events.activity import EventActivity
from tts_connector.events.models import EventStatus, StoredEvent
from tts_connector.events.replay import EventReplayer
from tts_connector.events.store import UnreadableEvent
from tts_connector.settings import get_settings

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

WINDOWS = {"1h": 3600, "24h": 86400, "7d": 7 * 86400, "30d": 30 * 86400}
PAGE_LIMIT = 100
# TikTok's webhook topics by number (shared/reference/tiktok-shop-api.md §3.1), for people reading the list.
TIKTOK_TOPICS = {
    "1": "ORDER_STATUS_CHANGE",
    "2": "REVERSE_STATUS_UPDATE",
    "3": "RECIPIENT_ADDRESS_UPDATE",
    "4": "PACKAGE_UPDATE",
    "5": "PRODUCT_STATUS_CHANGE",
    "6": "SELLER_DEAUTHORIZATION",
    "7": "UPCOMING_AUTHORIZATION_EXPIRATION",
    "11": "CANCELLATION_STATUS_CHANGE",
    "12": "RETURN_STATUS_CHANGE",
    "15": "PRODUCT_INFORMATION_CHANGE",
    "16": "PRODUCT_CREATION",
    "27": "INVENTORY_STATUS_CHANGE",
    "37": "PRODUCT_AUDIT_STATUS_CHANGE",
}


class ActivityFilters(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    shop: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    severity: Severity | None = None
    entity: str | None = Field(default=None, max_length=128)
    window: str = Field(default="24h", pattern="^(1h|24h|7d|30d)$")


@dataclass(frozen=True)
class ActivityRow:
    event_key: str
    received_at: int
    severity: Severity
    badge: Badge
    status: str
    kind: str
    shop_id: str | None
    entity: str
    request_id: str | None
    detail: str
    can_replay: bool


def entity_of(message_group_id: str) -> str:
    """What the event is about, from its FIFO group: `<shop>:order:<id>` -> `order <id>`."""
    parts = message_group_id.split(":")
    if len(parts) >= 3:
        return f"{parts[-2]} {parts[-1]}"
    if len(parts) == 2 and parts[1] == "shop":
        return "shop"
    return message_group_id


def kind_of(event: StoredEvent) -> str:
    if event.source == "tts":
        return f"TikTok {event.topic} {TIKTOK_TOPICS.get(event.topic, '(unknown topic)')}"
    return f"Magento {event.topic.replace('_', ' ')}"


def row_of(event: StoredEvent | UnreadableEvent, user: ConsoleUser, now: int, stuck_after: int) -> ActivityRow:
    if isinstance(event, UnreadableEvent):
        return ActivityRow(
            event_key=event.event_key,
            received_at=0,
            severity=Severity.ERROR,
            badge=Badge("Unreadable", event_badge(EventStatus.FAILED, age_seconds=0, stuck_after_seconds=1).tone),
            status="UNREADABLE",
            kind="—",
            shop_id=None,
            entity="—",
            request_id=None,
            detail=event.reason,
            can_replay=False,
        )
    return ActivityRow(
        event_key=event.event_key,
        received_at=event.received_at,
        severity=event_severity(event.status),
        badge=event_badge(event.status, age_seconds=now - event.received_at, stuck_after_seconds=stuck_after),
        status=event.status.value,
        kind=kind_of(event),
        shop_id=event.shop_id,
        entity=entity_of(event.message_group_id),
        request_id=event.request_id,
        detail=event.detail,
        can_replay=user.can_write and event.status is EventStatus.FAILED,
    )


def parse_filters(params: dict[str, str]) -> ActivityFilters:
    return parsed(ActivityFilters, params, "Filter ")


def list_activity(
    user: ConsoleUser, activity: EventActivity, filters: ActivityFilters, *, now: int, stuck_after: int
) -> list[ActivityRow]:
    statuses = SEVERITY_STATUSES[filters.severity] if filters.severity else tuple(EventStatus)
    events = activity.recent(
        statuses,
        since=now - WINDOWS[filters.window],
        until=now + 1,
        shop_id=filters.shop,
        entity=filters.entity,
        limit=PAGE_LIMIT,
    )
    return [row_of(e, user, now, stuck_after) for e in events]


def _activity_fragment(user: ConsoleUser, filters: ActivityFilters, notice: str = "") -> Response[str]:
    now = int(time.time())
    rows = list_activity(
        user, wiring.event_activity(), filters, now=now, stuck_after=get_settings().events_stuck_after_seconds
    )
    return list_fragment(
        "activity.html",
        user,
        rows,
        filters,
        limit=PAGE_LIMIT,
        notice=notice,
        severities=list(Severity),
        windows=list(WINDOWS),
    )


@router.get("/console/ui/activity")
def activity() -> Response[str]:
    event = router.current_event
    return _activity_fragment(current_user(event), parse_filters(query(event)))


EVENT_KEY = re.compile(r"^[\x21-\x7e]{1,1024}$")


def replay_one(replayer: EventReplayer, event_key: str) -> str:
    """Replay a FAILED event; anything else is left alone and said so (a double click changes nothing)."""
    if not EVENT_KEY.match(event_key):
        raise InvalidInputError("That is not an event key")
    event = replayer.store.get(event_key)
    if event is None:
        raise NotFoundError(f"No event {event_key} is recorded (expired or never received)")
    if event.status is not EventStatus.FAILED:
        return f"{event_key} is {event.status.value}: nothing to replay."
    result = replayer.replay_events([event_key])
    if event_key in result.replayed:
        return f"{event_key} was replayed: it is queued again and runs once more."
    return f"{event_key} was not replayed: {result.skipped.get(event_key, 'unknown reason')}."


@router.post("/console/ui/activity/replay")
def replay() -> Response[str]:
    event = router.current_event
    user = current_user(event)
    require_operator(user)
    fields = form(event)
    notice = replay_one(wiring.event_replayer(), fields.get("event_key", ""))
    return _activity_fragment(user, parse_filters(query(event)), notice)


@router.post("/console/ui/activity/replay-parked")
def replay_parked() -> Response[str]:
    """What `ttsc events replay` does: drain every dead-letter queue."""
    event = router.current_event
    user = current_user(event)
    require_operator(user)
    result = wiring.event_replayer().drain_dead_letters(wiring.dead_letter_queues())
    notice = f"Replayed {len(result.replayed)} parked event(s)" + (
        f"; {len(result.skipped)} left parked or skipped: "
        + "; ".join(f"{k}: {v}" for k, v in list(result.skipped.items())[:5])
        if result.skipped
        else "."
    )
    return _activity_fragment(user, parse_filters(query(event)), notice)
