"""Schedule: starts a price and stock reconciliation run for every shop served (its pages run on the push queue)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.observability import logger, metrics, tracer
from tts_connector.stock_sync.reconcile import start_scheduled_runs


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    started = start_scheduled_runs(wiring.stock_sync())
    logger.info("Reconciliation scheduled", extra={"shops": started})
    return {"shops": started}
