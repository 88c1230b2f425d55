"""Scheduled: read TikTok's status of pushed products still in review (a missed webhook 5/37 catches up)."""

import time
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.observability import logger, metrics, tracer
from tts_connector.product_push.audit import check_in_review


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=EventBridgeModel)
def lambda_handler(event: EventBridgeModel, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(schedule_event_id=event.id)
    report = check_in_review(
        listings=wiring.listing_store(), connect=wiring.connect_store(), api=wiring.tiktok_api(), clock=time.time
    )
    metrics.add_metric(name="ProductAuditsChecked", unit=MetricUnit.Count, value=report.checked)
    logger.info("Audit check", extra={"checked": report.checked, "changed": len(report.changed)})
    return {"checked": report.checked, "changed": report.changed, "failed": report.failed}
