"""Consumes the product push queue: planning pages and products, each product in its own thread."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.observability import logger, metrics, tracer
from tts_connector.product_push.worker import process_batch


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_batch(list(event.get("Records") or []), wiring.product_push_services)
