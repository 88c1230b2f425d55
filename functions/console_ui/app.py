"""/console/ui/* (Cognito ID token): the console's screens as HTML fragments, from the layer's view models."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector.console.app import build_console_app
from tts_connector.observability import logger, metrics, tracer

app = build_console_app()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
