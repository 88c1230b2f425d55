"""Product push's admin routes: start a push, show a pushed product, choose a warehouse's sources."""

# No `from __future__ import annotations`: Powertools reads the route annotations at runtime for validation.
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from tts_connector import wiring
from tts_connector.catalog.shops import resolve_shop
from tts_connector.errors import InvalidInputError
from tts_connector.jobs.records import Job
from tts_connector.product_push import service
from tts_connector.shop_settings import INVENTORY_SECTION, InventorySettings

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


class SourcesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    shop_id: str | None = None
    # Empty: every enabled Magento source feeds the warehouse (the default).
    sources: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(default_factory=list, max_length=50)


@router.post("/admin/push/products", summary="Push products (SKUs or a Magento filter) to a shop, as a job")
def push_products(request: Annotated[service.PushRequest, Body()]) -> Job:
    return service.start_push(
        request,
        connect=wiring.connect_store(),
        jobs=wiring.job_store(),
        queue=wiring.push_queue(),
        warehouses=wiring.tiktok_api().logistics.warehouses,
    )


@router.get("/admin/products", summary="A pushed product: its TikTok ids, status, audit reasons and write-back")
def show_product(
    sku: Annotated[str, Query(min_length=1, max_length=64)],
    shop: Annotated[str | None, Query(description="TikTok shop id (default: the one served)")] = None,
) -> service.ProductView:
    shop_id = resolve_shop(wiring.connect_store(), shop).shop_id
    return service.product_view(shop_id, sku, listings=wiring.listing_store(), store=wiring.push_store())


@router.put(
    "/admin/push/warehouses/<warehouse_id>/sources",
    summary="Which Magento MSI sources feed a TikTok warehouse's stock",
)
def set_sources(warehouse_id: str, request: Annotated[SourcesRequest, Body()]) -> InventorySettings:
    shop = resolve_shop(wiring.connect_store(), request.shop_id)
    store = wiring.shop_settings()
    current = store.get(shop.shop_id, INVENTORY_SECTION, InventorySettings)
    mapping = dict(current.sources_by_warehouse)
    if request.sources:
        known = {str(s["source_code"]) for s in wiring.magento_client().inventory.sources().items}
        unknown = sorted(set(request.sources) - known)
        if unknown:
            raise InvalidInputError(
                f"Magento has no source {', '.join(unknown)}", hint=f"Sources: {', '.join(sorted(known))}"
            )
        mapping[warehouse_id] = list(dict.fromkeys(request.sources))
    else:
        mapping.pop(warehouse_id, None)
    updated = InventorySettings(sources_by_warehouse=mapping)
    store.save(shop.shop_id, INVENTORY_SECTION, updated)
    return updated
