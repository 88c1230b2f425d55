"""Consumes the write-back queue: the TikTok product id and "synced" flag saved on the Magento product."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.observability import logger, metrics, tracer
from tts_connector.product_push.records import WriteBackMessage
from tts_connector.product_push.writeback import write_back

processor = BatchProcessor(event_type=EventType.SQS)


@tracer.capture_method
def handle_record(record: SQSRecord) -> None:
    message = WriteBackMessage.model_validate_json(record.body)
    state = write_back(message, magento=wiring.magento_client(), store=wiring.push_store())
    logger.info("Write-back", extra={"sku": message.sku, "status": state.status, "detail": state.message})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
