"""The console's UI resolver: one Router per screen, typed errors rendered as HTML fragments."""

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError as RouteNotFound

from tts_connector.console import (
    activity,
    jobs,
    listings,
    mappings,
    orders,
    overview,
    refunds,
    settings_screen,
    shops,
)
from tts_connector.console.responses import current_user, fragment
from tts_connector.console.screens import SCREENS
from tts_connector.errors import ConnectorError
from tts_connector.observability import logger

SCREEN_ROUTERS = (
    overview.router,
    shops.router,
    mappings.router,
    listings.router,
    jobs.router,
    orders.router,
    refunds.router,
    settings_screen.router,
    activity.router,
)


def build_console_app() -> APIGatewayRestResolver:
    app = APIGatewayRestResolver()
    for router in SCREEN_ROUTERS:
        app.include_router(router)

    @app.get("/console/ui/nav")
    def nav() -> Response[str]:
        return fragment("nav.html", user=current_user(app.current_event), screens=SCREENS)

    @app.exception_handler(ConnectorError)  # type: ignore[untyped-decorator]
    def _refused(error: ConnectorError) -> Response[str]:
        logger.warning("Console request refused", extra={"error_code": error.code, "reason": error.message})
        return fragment("error.html", status=error.http_status, error=error)

    @app.not_found
    def _unknown(_error: RouteNotFound) -> Response[str]:
        return fragment("error.html", status=404, error=ConnectorError("There is no such console screen"))

    return app
