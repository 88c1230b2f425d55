"""POST /magento/events: a Magento store's change event (three formats), verified, recorded once, queued.

GET /magento/events?challenge=... answers Adobe I/O Events' registration challenge.
"""

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.api import install_error_handlers, raw_body
from tts_connector.errors import InvalidInputError
from tts_connector.magento.deliveries.adobe_io import challenge_answer
from tts_connector.observability import logger, metrics, tracer

app = APIGatewayRestResolver()
install_error_handlers(app)


@app.get("/magento/events")
def registration_challenge() -> dict[str, str]:
    answer = challenge_answer(app.current_event.query_string_parameters)
    if answer is None:
        raise InvalidInputError("GET /magento/events only answers Adobe I/O Events' registration challenge")
    return answer


@app.post("/magento/events")
@tracer.capture_method
def receive_magento_event() -> Response[str]:
    event = app.current_event
    result = wiring.magento_events_intake().accept(event.headers, raw_body(event))
    metrics.add_metric(name="MagentoEventsAccepted", unit=MetricUnit.Count, value=len(result.accepted))
    logger.info(
        "Magento delivery accepted",
        extra={"delivery": result.delivery, "events": len(result.accepted), "duplicates": result.duplicates},
    )
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(
            {"accepted": len(result.accepted), "duplicates": result.duplicates, "skipped": result.skipped_types}
        ),
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
