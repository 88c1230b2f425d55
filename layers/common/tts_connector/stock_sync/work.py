"""The work items of price and stock sync, carried by the event pipeline on the push queue.

Every push to TikTok for a shop runs on one FIFO message group of the push queue (`<shop>:sync`), so pushes for
a product never overlap and never overtake each other, whatever started them:

* `sync:flush`     — push the shop's products marked by Magento change events (one per shop and window);
* `sync:push`      — a chunk of a manual price or stock push job;
* `sync:reconcile` — the next page of a reconciliation run.

Being events, they are recorded once, retried, parked in the DLQ and replayed (`ttsc events replay`) like any
other. The queue's DelaySeconds holds each one back for the coalescing window.
"""

from __future__ import annotations

from typing import Any

from tts_connector.events.models import InboundEvent, bounded_group_id
from tts_connector.observability import logger
from tts_connector.stock_sync.services import SyncServices

SOURCE = "sync"
CHANGES_QUEUE = "stock_sync_queue_url"
PUSH_QUEUE = "stock_sync_push_queue_url"
FLUSH = "flush"
PUSH = "push"
RECONCILE = "reconcile"
_INTAKE_KEYS = ("event_key", "shop_id", "topic")


def event_type(topic: str) -> str:
    return f"{SOURCE}:{topic}"


def _work(topic: str, key: str, shop_id: str, now: float, payload: dict[str, Any]) -> InboundEvent:
    return InboundEvent(
        event_key=f"{SOURCE}:{topic}:{key}",
        source=SOURCE,
        topic=topic,
        shop_id=shop_id,
        occurred_at=int(now),
        message_group_id=bounded_group_id(shop_id, SOURCE),
        payload={"shop_id": shop_id, **payload},
    )


def flush_work(shop_id: str, window: int, now: float) -> InboundEvent:
    return _work(FLUSH, f"{shop_id}:{window}", shop_id, now, {"window": window})


def push_work(shop_id: str, job_id: str, chunk: int, payload: dict[str, Any], now: float) -> InboundEvent:
    return _work(PUSH, f"{job_id}:{chunk}", shop_id, now, {"job_id": job_id, "chunk": chunk, **payload})


def reconcile_work(shop_id: str, run_id: str, page: int, now: float) -> InboundEvent:
    return _work(RECONCILE, f"{shop_id}:{run_id}:{page}", shop_id, now, {"run_id": run_id, "page": page})


def publish(services: SyncServices, work: InboundEvent) -> None:
    """Record and queue a work item from inside a handler, keeping the handler's own log keys."""
    before = logger.get_current_keys()
    try:
        services.intake().accept(work)
    finally:
        # The intake tags log lines with the work item's keys; the rest of the handler's lines are its own.
        logger.remove_keys([k for k in _INTAKE_KEYS if k not in before])
        logger.append_keys(**{k: before[k] for k in _INTAKE_KEYS if k in before})


def schedule_flush(services: SyncServices, shop_id: str) -> None:
    """Make sure a flush of the shop runs after the current window closes.

    One flush per shop and window: its key names the window, so the intake records it once however many
    changes ask for it. The push queue delays it by at least the window, so it runs after every change marked
    in the window, and reads Magento after all of them.
    """
    now = services.clock()
    window = int(now // services.window_seconds)
    if (shop_id, window) in services.scheduled:
        return
    publish(services, flush_work(shop_id, window, now))
    services.scheduled.difference_update({k for k in services.scheduled if k[1] < window - 1})
    services.scheduled.add((shop_id, window))
