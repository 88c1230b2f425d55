"""Connect's admin routes: authorization start, status, shops, warehouses, settings, Magento setup."""

# No `from __future__ import annotations`: Powertools reads the route annotations at runtime for validation.
import time
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from tts_connector import wiring
from tts_connector.connect import admin
from tts_connector.connect.magento_setup import MagentoSetupReport
from tts_connector.connect.oauth import start_authorization
from tts_connector.connect.records import ConnectorSettings
from tts_connector.observability import tracer
from tts_connector.settings import get_settings
from tts_connector.tiktok.models.logistics import Warehouse

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


@router.get(
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


@router.get("/admin/status", summary="Connection status of every shop and seller")
def status() -> admin.StatusReport:
    return admin.connection_status(wiring.connect_store())


@router.get("/admin/shops", summary="Shops the sellers authorized")
def shops() -> list[admin.ShopView]:
    return admin.list_shops(wiring.connect_store())


@router.put("/admin/shops/<shop_id>", summary="Serve a shop (or stop) and set its default warehouse")
def select_shop(shop_id: str, selection: Annotated[admin.ShopSelection, Body()]) -> admin.ShopView:
    return admin.select_shop(wiring.connect_store(), shop_id, selection, wiring.tiktok_api().logistics.warehouses)


@router.get("/admin/shops/<shop_id>/warehouses", summary="The shop's warehouses, from TikTok Shop")
def warehouses(shop_id: str) -> list[Warehouse]:
    return wiring.tiktok_api().logistics.warehouses(admin.shop_ref(wiring.connect_store(), shop_id))


@router.post("/admin/setup/magento", summary="Check Magento and create the connector's attributes (idempotent)")
def setup_magento() -> MagentoSetupReport:
    return admin.run_magento_setup(wiring.connect_store(), wiring.magento_client())


@router.get("/admin/settings", summary="Connector settings")
def read_settings() -> ConnectorSettings:
    return wiring.connect_store().get_settings()


@router.put("/admin/settings", summary="Change connector settings")
def write_settings(settings: Annotated[ConnectorSettings, Body()]) -> ConnectorSettings:
    return wiring.connect_store().save_settings(settings)
