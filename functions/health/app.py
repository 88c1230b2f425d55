"""GET /health: is this deployment configured and are its stores reachable?"""

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import aws
from tts_connector.health import check_health
from tts_connector.observability import logger, metrics, tracer
from tts_connector.settings import get_settings

app = APIGatewayRestResolver()


@app.get("/health")
@tracer.capture_method
def health() -> Response[str]:
    settings = get_settings()
    table = settings.require("events_table")
    report = check_health(
        settings.stage, {"events_table": lambda: aws.client("dynamodb").describe_table(TableName=table)}
    )
    status = 200 if report.status == "ok" else 503
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=report.model_dump_json())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
