"""Scheduled: renew TikTok access tokens well before they expire; alert on authorizations about to end."""

import time
from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.connect.tokens import alert_on_refresh_report, refresh_due_tokens
from tts_connector.observability import logger, metrics, tracer
from tts_connector.settings import get_settings


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=EventBridgeModel)
def lambda_handler(event: EventBridgeModel, context: LambdaContext) -> dict[str, Any]:
    settings = get_settings()
    report = refresh_due_tokens(
        wiring.token_source(),
        now=int(time.time()),
        refresh_ahead_seconds=settings.token_refresh_ahead_seconds,
        warn_ahead_seconds=settings.authorization_warn_ahead_seconds,
    )
    alert_on_refresh_report(report, wiring.alerts())
    logger.info("Token refresh run", extra={"refreshed": report.refreshed, "failed": list(report.failed)})
    return {
        "refreshed": report.refreshed,
        "skipped": report.skipped,
        "failed": report.failed,
        "expiring_authorizations": report.expiring_authorizations,
        "needs_reauthorization": report.needs_reauthorization,
    }
