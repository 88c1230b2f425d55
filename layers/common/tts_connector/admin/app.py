"""The admin resolver: every capability's Router mounted on one Powertools resolver with validation."""

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

from tts_connector.admin import events_routes, jobs_routes
from tts_connector.api import install_error_handlers
from tts_connector.catalog import routes as catalog_routes
from tts_connector.connect import routes as connect_routes
from tts_connector.order_import import routes as order_routes
from tts_connector.product_push import routes as push_routes
from tts_connector.refunds import routes as refund_routes
from tts_connector.stock_sync import routes as stock_sync_routes

OPENAPI_TITLE = "TikTok Shop connector admin API"


def build_admin_app() -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True)
    install_error_handlers(app)

    @app.exception_handler(RecursionError)  # type: ignore[untyped-decorator]
    def _too_deep(_error: RecursionError) -> Response[str]:
        # json.loads recurses per nesting level; a body nested thousands deep is refused, not a crash.
        return Response(
            status_code=400,
            content_type=content_types.APPLICATION_JSON,
            body=json.dumps({"code": "invalid_input", "message": "Request body is nested too deeply"}),
        )

    app.include_router(connect_routes.router)
    app.include_router(events_routes.router)
    app.include_router(catalog_routes.router)
    app.include_router(push_routes.router)
    app.include_router(jobs_routes.router)
    app.include_router(order_routes.router)
    app.include_router(stock_sync_routes.router)
    app.include_router(refund_routes.router)

    @app.get("/admin/openapi.json", summary="This API's OpenAPI document")
    def openapi() -> dict[str, Any]:
        return openapi_document(app)

    return app


def openapi_document(app: APIGatewayRestResolver) -> dict[str, Any]:
    document: dict[str, Any] = app.get_openapi_schema(title=OPENAPI_TITLE, version="1.0.0").model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    return document
