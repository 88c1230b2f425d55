"""POST /webhooks/tiktok: verify TikTok's signature, record the notification once, queue it, answer 200."""

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.api import install_error_handlers, raw_body
from tts_connector.observability import logger, metrics, tracer
from tts_connector.tiktok.webhook import accept_webhook

app = APIGatewayRestResolver()
install_error_handlers(app)


@app.post("/webhooks/tiktok")
@tracer.capture_method
def receive_tiktok_webhook() -> Response[str]:
    event = app.current_event
    result = accept_webhook(
        raw_body(event),
        event.headers.get("Authorization"),
        credentials=wiring.tiktok_app(),
        intake=wiring.event_intake(),
    )
    metrics.add_metric(
        name="WebhookDuplicate" if result.duplicate else "WebhookAccepted", unit=MetricUnit.Count, value=1
    )
    # TikTok expects 200 with an empty body within 3 seconds (reference §3.3).
    return Response(status_code=200, body="")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
