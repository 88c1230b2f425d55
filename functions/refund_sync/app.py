"""Scheduled reconciliation: TikTok returns and cancellations changed since each shop's cursor."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.observability import logger, metrics, tracer
from tts_connector.refunds.sync import reconcile_refunds


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = reconcile_refunds(
        wiring.refund_services(),
        [shop.shop_id for shop in wiring.connect_store().list_shops() if shop.selected],
        enqueue=wiring.event_intake().accept,
        budget_seconds=max(1.0, context.get_remaining_time_in_millis() / 1000 - 15),
    )
    logger.info("Refunds reconciled", extra=report)
    return report
