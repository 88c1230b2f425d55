"""Price and stock sync's admin routes: manual pushes (jobs), settings per shop, status, reconciliation."""

# No `from __future__ import annotations`: Powertools reads the route annotations at runtime for validation.
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from tts_connector import wiring
from tts_connector.errors import NotFoundError
from tts_connector.jobs.records import Job
from tts_connector.stock_sync import admin
from tts_connector.stock_sync.manual import PushRequest, start_push
from tts_connector.stock_sync.reconcile import start_run
from tts_connector.stock_sync.records import PushedSku, ReconcileRun

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


@router.post(
    "/admin/sync/pushes",
    summary="Push prices or stock of selected listed products to TikTok (a job)",
    description="Answers 202 with the job; `GET /admin/sync/pushes/{job_id}` shows its progress and per-SKU results.",
)
def push(request: Annotated[PushRequest, Body()]) -> Response[str]:
    job = start_push(wiring.stock_sync(), request)
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=job.model_dump_json())


@router.get("/admin/sync/pushes", summary="Recent price and stock push jobs, newest first")
def push_jobs(limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[Job]:
    jobs = wiring.job_store()
    found = jobs.list_jobs(limit=limit, kind="price_push") + jobs.list_jobs(limit=limit, kind="stock_push")
    return sorted(found, key=lambda j: j.created_at, reverse=True)[:limit]


@router.get("/admin/sync/pushes/<job_id>", summary="A push job with its per-SKU results (failures first)")
def push_job(job_id: str, limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> admin.PushJobView:
    view = admin.push_job_view(wiring.stock_sync(), job_id, limit)
    if view is None:
        raise NotFoundError(f"No price or stock push job {job_id}", hint="`ttsc sync jobs` lists them")
    return view


@router.get("/admin/sync/settings/<shop_id>", summary="A shop's price and stock sync settings")
def read_settings(shop_id: str) -> admin.SyncSettingsView:
    services = wiring.stock_sync()
    sync, inventory = services.settings_of(services.target(shop_id).shop_id)
    return admin.SyncSettingsView(shop_id=shop_id, sync=sync, inventory=inventory)


@router.patch(
    "/admin/sync/settings/<shop_id>",
    summary="Change a shop's sync settings (only the fields given); re-syncs what the change affects",
)
def change_settings(shop_id: str, change: Annotated[admin.SettingsChange, Body()]) -> admin.SettingsChangeReport:
    services = wiring.stock_sync()

    def warehouses() -> set[str]:
        target = services.target(shop_id)
        return {w.id for w in wiring.tiktok_api().logistics.warehouses(target.ref)}

    def sources() -> set[str]:
        return set(admin.magento_source_codes(wiring.magento_client()))

    return admin.change_settings(services, shop_id, change, known_warehouses=warehouses, known_sources=sources)


@router.get(
    "/admin/sync/status", summary="Sync status of each shop served: waiting pushes, reconciliation, SKU problems"
)
def status(shop_id: Annotated[str | None, Query(max_length=64)] = None) -> list[admin.ShopSyncStatus]:
    services = wiring.stock_sync()
    shops = [shop_id] if shop_id else [s.shop_id for s in services.connect().list_shops() if s.selected]
    return [admin.shop_status(services, s) for s in shops]


@router.post("/admin/sync/reconcile/<shop_id>", summary="Start a reconciliation run for the shop now")
def reconcile(shop_id: str) -> ReconcileRun:
    services = wiring.stock_sync()
    return start_run(services, services.target(shop_id).shop_id, reason="manual")


@router.get("/admin/sync/skus/<shop_id>", summary="What TikTok last accepted for a SKU, and its last failure")
def pushed_sku(shop_id: str, sku: Annotated[str, Query(min_length=1, max_length=64)]) -> PushedSku:
    record = wiring.stock_sync().store().pushed(shop_id, [sku]).get(sku)
    if record is None:
        raise NotFoundError(f"Nothing was pushed for {sku} in shop {shop_id} yet")
    return record
