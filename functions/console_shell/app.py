"""GET /console, /console/{proxy+} (public): the console's page, static assets and config.json."""

from pathlib import Path
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector.console.shell import ConsoleShell
from tts_connector.observability import logger
from tts_connector.settings import get_settings

shell = ConsoleShell(Path(__file__).parent / "static", get_settings().require("console_auth_url"))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return shell.respond(event)
