"""Scheduled: re-send events recorded but never queued; report events stuck or failed."""

import time
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.events.outbox import sweep_events
from tts_connector.observability import logger, metrics, tracer
from tts_connector.settings import get_settings


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=EventBridgeModel)
def lambda_handler(event: EventBridgeModel, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(schedule_event_id=event.id)
    settings = get_settings()
    result = sweep_events(
        wiring.event_store(),
        wiring.event_publisher(),
        wiring.event_registry(),
        now=int(time.time()),
        stale_after=settings.outbox_stale_after_seconds,
        stuck_after=settings.events_stuck_after_seconds,
    )
    metrics.add_metric(name="EventsRequeued", unit=MetricUnit.Count, value=len(result.requeued))
    # The EventsStuck alarm watches this: events that need `ttsc events replay` (or a look at why).
    metrics.add_metric(name="EventsStuck", unit=MetricUnit.Count, value=len(result.stuck) + len(result.unreadable))
    logger.info(
        "Outbox swept",
        extra={
            "requeued": len(result.requeued),
            "failed": len(result.failed),
            "stuck": result.stuck[:50],
            "unreadable": result.unreadable[:50],
        },
    )
    return {
        "requeued": result.requeued,
        "failed": result.failed,
        "stuck": result.stuck,
        "unreadable": result.unreadable,
    }
