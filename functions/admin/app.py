"""Admin API (IAM auth): connect a seller, choose shops and warehouses, set up Magento, read status."""

import time
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from tts_connector import wiring
from tts_connector.api import install_error_handlers
from tts_connector.connect import admin
from tts_connector.connect.magento_setup import MagentoSetupReport
from tts_connector.connect.oauth import start_authorization
from tts_connector.connect.records import ConnectorSettings
from tts_connector.observability import logger, metrics, tracer
from tts_connector.settings import get_settings
from tts_connector.tiktok.models.logistics import Warehouse

app = APIGatewayRestResolver(enable_validation=True)
install_error_handlers(app)

OPENAPI_TITLE = "TikTok Shop connector admin API"


@app.get(
    "/tts/authorization/start",
    summary="Start a seller authorization",
    description="Answers {authorize_url, state, expires_at}; with redirect=true, a 302 to TikTok's page.",
)
@tracer.capture_method
def authorization_start(
    redirect: Annotated[bool, Query(description="Answer 302 to TikTok's page instead of JSON")] = False,
) -> Response[str]:
    start = start_authorization(
        wiring.connect_store(),
        authorize_url=str(get_settings().tiktok_authorize_url),
        service_id=wiring.tiktok_app().service_id,
        now=int(time.time()),
    )
    if redirect:
        return Response(
            status_code=302, headers={"Location": start.authorize_url, "Cache-Control": "no-store"}, body=""
        )
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        headers={"Cache-Control": "no-store"},
        body=start.model_dump_json(),
    )


@app.get("/admin/status", summary="Connection status of every shop and seller")
def status() -> admin.StatusReport:
    return admin.connection_status(wiring.connect_store())


@app.get("/admin/shops", summary="Shops the sellers authorized")
def shops() -> list[admin.ShopView]:
    return admin.list_shops(wiring.connect_store())


@app.put("/admin/shops/<shop_id>", summary="Serve a shop (or stop) and set its default warehouse")
def select_shop(shop_id: str, selection: Annotated[admin.ShopSelection, Body()]) -> admin.ShopView:
    return admin.select_shop(wiring.connect_store(), shop_id, selection, wiring.tiktok_api().logistics.warehouses)


@app.get("/admin/shops/<shop_id>/warehouses", summary="The shop's warehouses, from TikTok Shop")
def warehouses(shop_id: str) -> list[Warehouse]:
    return wiring.tiktok_api().logistics.warehouses(admin.shop_ref(wiring.connect_store(), shop_id))


@app.post("/admin/setup/magento", summary="Check Magento and create the connector's attributes (idempotent)")
def setup_magento() -> MagentoSetupReport:
    return admin.run_magento_setup(wiring.connect_store(), wiring.magento_client())


@app.get("/admin/settings", summary="Connector settings")
def read_settings() -> ConnectorSettings:
    return wiring.connect_store().get_settings()


@app.put("/admin/settings", summary="Change connector settings")
def write_settings(settings: Annotated[ConnectorSettings, Body()]) -> ConnectorSettings:
    return wiring.connect_store().save_settings(settings)


@app.get("/admin/openapi.json", summary="This API's OpenAPI document")
def openapi() -> dict[str, Any]:
    return openapi_document()


def openapi_document() -> dict[str, Any]:
    document: dict[str, Any] = app.get_openapi_schema(title=OPENAPI_TITLE, version="1.0.0").model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    return document


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
