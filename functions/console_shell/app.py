"""GET /console, /console/{proxy+} (public): the console's page, static assets and config.json.

Kept light on purpose (no Powertools tracer, no boto3): it runs before anything else a merchant sees, so
its cold start is the console's first paint. It logs nothing: there is nothing secret or stateful here.
"""

from pathlib import Path
from typing import Any

from tts_connector.console.shell import ConsoleShell
from tts_connector.settings import get_settings

shell = ConsoleShell(Path(__file__).parent / "static", get_settings().require("console_auth_url"))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return shell.respond(event)
