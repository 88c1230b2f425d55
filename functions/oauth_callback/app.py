"""GET /tts/authorization/code: TikTok redirects the seller's browser here after the consent page."""

import time
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.connect.oauth import CallbackParams, complete_authorization
from tts_connector.connect.pages import PAGE_HEADERS, render_callback_page
from tts_connector.observability import logger, metrics, tracer

app = APIGatewayRestResolver()


@app.get("/tts/authorization/code")
@tracer.capture_method
def authorization_callback() -> Response[str]:
    params = CallbackParams.model_validate(app.current_event.query_string_parameters or {})
    api = wiring.tiktok_api()
    outcome = complete_authorization(
        params,
        store=wiring.connect_store(),
        exchange_code=wiring.tiktok_auth_client().exchange_code,
        authorized_shops=api.shops.authorized_shops,
        now=int(time.time()),
    )
    metrics.add_metric(
        name="AuthorizationSucceeded" if outcome.ok else "AuthorizationRefused", unit=MetricUnit.Count, value=1
    )
    return Response(
        status_code=outcome.status_code,
        content_type=content_types.TEXT_HTML,
        body=render_callback_page(outcome),
        headers=PAGE_HEADERS,
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
