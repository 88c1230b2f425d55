"""Scheduled: re-send webhook events that were recorded but never reached the events queue."""

import time
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.events.outbox import requeue_stale_events
from tts_connector.observability import logger, metrics, tracer
from tts_connector.settings import get_settings


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=EventBridgeModel)
def lambda_handler(event: EventBridgeModel, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(schedule_event_id=event.id)
    result = requeue_stale_events(
        wiring.event_store(),
        wiring.event_publisher(),
        now=int(time.time()),
        stale_after=get_settings().outbox_stale_after_seconds,
    )
    metrics.add_metric(name="EventsRequeued", unit=MetricUnit.Count, value=len(result.requeued))
    logger.info("Outbox swept", extra={"requeued": len(result.requeued), "failed": len(result.failed)})
    return {"requeued": result.requeued, "failed": result.failed}
