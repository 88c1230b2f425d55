"""Consumes the FIFO events queue: each TikTok notification goes to the capability that handles its topic."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.events.processing import (
    IDEMPOTENCY_WINDOW_SECONDS,
    build_event_processor,
    parse_event_message,
)
from tts_connector.events.topics import build_router
from tts_connector.observability import logger, metrics, tracer

# FIFO: after the first failure the rest of the batch is failed too, so an order's events never overtake.
processor = SqsFifoPartialProcessor()
idempotency_config = IdempotencyConfig(event_key_jmespath="event_key", expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS)
process_event = build_event_processor(
    build_router(), wiring.event_store(), wiring.idempotency_store(), idempotency_config
)


@tracer.capture_method
def handle_record(record: SQSRecord) -> None:
    message = parse_event_message(record.body)
    logger.append_keys(event_key=message.event_key, shop_id=message.notification.shop_id)
    outcome = process_event(message)
    metrics.add_metric(name=f"Event{outcome.status.value.title()}", unit=MetricUnit.Count, value=1)
    logger.info("Event handled", extra={"status": outcome.status.value, "detail": outcome.detail})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
