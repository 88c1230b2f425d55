"""Admin routes of the event pipeline: what is stuck or failed, and replaying it once the cause is fixed."""

# No `from __future__ import annotations`: Powertools reads the route annotations at runtime for validation.
import time
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from tts_connector import wiring
from tts_connector.events.models import EventStatus
from tts_connector.events.store import UnreadableEvent

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


class EventView(BaseModel):
    event_key: str
    status: str
    event_type: str | None = None
    shop_id: str | None = None
    received_at: int | None = None
    detail: str = ""


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    event_keys: list[Annotated[str, Field(min_length=1, max_length=1024)]] = Field(default_factory=list, max_length=500)
    # Also drain every dead-letter queue (the usual replay after fixing a cause).
    dead_letters: bool = True


class ReplayReport(BaseModel):
    replayed: list[str]
    skipped: dict[str, str]


@router.get("/admin/events", summary="Events in a status (oldest first), e.g. FAILED or stuck ENQUEUED")
def list_events(
    status: Annotated[EventStatus, Query(description="RECEIVED, ENQUEUED, FAILED, PROCESSED or IGNORED")],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[EventView]:
    views: list[EventView] = []
    for event in wiring.event_store().scan_status(status, received_before=int(time.time()) + 1):
        if isinstance(event, UnreadableEvent):
            views.append(
                EventView(event_key=event.event_key, status=status.value, detail=f"unreadable: {event.reason}")
            )
        else:
            views.append(
                EventView(
                    event_key=event.event_key,
                    status=event.status.value,
                    event_type=event.event_type,
                    shop_id=event.shop_id,
                    received_at=event.received_at,
                    detail=event.detail,
                )
            )
        if len(views) >= limit:
            break
    return views


@router.post("/admin/events/replay", summary="Replay parked events (DLQs) and/or named events")
def replay_events(request: Annotated[ReplayRequest, Body()]) -> ReplayReport:
    replayer = wiring.event_replayer()
    named = replayer.replay_events(request.event_keys)
    drained = replayer.drain_dead_letters(wiring.dead_letter_queues()) if request.dead_letters else None
    replayed = named.replayed + (drained.replayed if drained else [])
    skipped = named.skipped | (drained.skipped if drained else {})
    return ReplayReport(replayed=replayed, skipped=skipped)
