"""Consumes the refund events FIFO queue: TikTok return and cancellation topics, the connector's own settle requests."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.events.processing import EVENT_IDEMPOTENCY, parse_event_message
from tts_connector.observability import logger, metrics, tracer
from tts_connector.refunds.topics import REFUND_EVENTS_QUEUE

# FIFO per shop and order (the group order import uses): a failing refund stops only its own order.
processor = SqsFifoPartialProcessor(skip_group_on_error=True)
process_event = wiring.event_processor(REFUND_EVENTS_QUEUE)


@tracer.capture_method
def handle_record(record: SQSRecord) -> None:
    message = parse_event_message(record.body)
    logger.append_keys(event_key=message.event_key, shop_id=message.shop_id, group=message.message_group_id)
    outcome = process_event(message)
    metrics.add_metric(name=f"Event{outcome.status.value.title()}", unit=MetricUnit.Count, value=1)
    logger.info("Event handled", extra={"status": outcome.status.value, "detail": outcome.detail})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    EVENT_IDEMPOTENCY.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
