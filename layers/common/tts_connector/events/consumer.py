"""The Lambda handler of a capability's FIFO queue: each record through its queue's event processor.

A failure stops only its own message group (`skip_group_on_error`), so a group's events never overtake each
other while unrelated groups in the same batch still complete; SQS retries the group from the failed one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector.events.processing import EVENT_IDEMPOTENCY, EventProcessor, parse_event_message
from tts_connector.observability import logger, metrics, tracer

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def fifo_consumer(process_event: EventProcessor) -> LambdaHandler:
    processor = SqsFifoPartialProcessor(skip_group_on_error=True)

    @tracer.capture_method
    def handle_record(record: SQSRecord) -> None:
        message = parse_event_message(record.body)
        # The group names the shop or the order a stopped batch holds back, for the logs of a stuck group.
        logger.append_keys(event_key=message.event_key, shop_id=message.shop_id, group=message.message_group_id)
        outcome = process_event(message)
        metrics.add_metric(name=f"Event{outcome.status.value.title()}", unit=MetricUnit.Count, value=1)
        logger.info("Event handled", extra={"status": outcome.status.value, "detail": outcome.detail})

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        EVENT_IDEMPOTENCY.register_lambda_context(context)
        response = process_partial_response(
            event=event, record_handler=handle_record, processor=processor, context=context
        )
        return dict(response)

    return lambda_handler
