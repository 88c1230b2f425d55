"""What the admin routes of price and stock sync do: settings changes (and the re-sync they start), status."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tts_connector.errors import InvalidInputError
from tts_connector.jobs.records import Job, JobItem
from tts_connector.magento.client import MagentoClient
from tts_connector.stock_sync.reconcile import start_run
from tts_connector.stock_sync.records import PushedSku, ReconcileRun, SyncKind
from tts_connector.stock_sync.services import SyncServices
from tts_connector.stock_sync.settings import (
    INVENTORY_SECTION,
    SYNC_SECTION,
    InventorySettings,
    PriceAdjustment,
    PriceRounding,
    StockHoldBack,
    SyncSettings,
)

Code = Annotated[str, Field(min_length=1, max_length=64)]


class PriceRulePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    adjustment: PriceAdjustment | None = None
    amount: Decimal | None = None
    rounding: PriceRounding | None = None
    use_special_price: bool | None = None


class StockBufferPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hold_back: StockHoldBack | None = None
    amount: Decimal | None = None
    floor: int | None = None


class SyncSettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price_sync: bool | None = None
    stock_sync: bool | None = None
    price_rule: PriceRulePatch | None = None
    stock_buffer: StockBufferPatch | None = None
    website_code: str | None = None


class InventoryPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Replaces the whole mapping; {} goes back to "the shop's warehouse sells the whole stock".
    sources_by_warehouse: dict[Code, list[Code]]


class SettingsChange(BaseModel):
    """Only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    sync: SyncSettingsPatch | None = None
    inventory: InventoryPatch | None = None


class SyncSettingsView(BaseModel):
    shop_id: str
    sync: SyncSettings
    inventory: InventorySettings


class SettingsChangeReport(SyncSettingsView):
    changed: list[str]
    # The reconciliation run started to push what the change affects, if any.
    resync: ReconcileRun | None = None


class SkuProblem(BaseModel):
    magento_sku: str
    kind: SyncKind
    code: str
    message: str
    tiktok_code: int | None = None
    at: int = 0


class ShopSyncStatus(BaseModel):
    shop_id: str
    name: str
    settings: SyncSettings
    inventory: InventorySettings
    products_waiting: int
    reconcile_in_progress: ReconcileRun | None
    recent_runs: list[ReconcileRun]
    sku_problems: list[SkuProblem]


class PushJobView(BaseModel):
    job: Job
    items: list[JobItem]


def _patched(model: BaseModel, patch: BaseModel | None) -> dict[str, Any]:
    data = model.model_dump()
    if patch is not None:
        data.update(patch.model_dump(exclude_none=True))
    return data


def apply_change(
    current: SyncSettings, inventory: InventorySettings, change: SettingsChange
) -> tuple[SyncSettings, InventorySettings]:
    try:
        sync = current
        if change.sync is not None:
            data = _patched(current, change.sync)
            data["price_rule"] = _patched(current.price_rule, change.sync.price_rule)
            data["stock_buffer"] = _patched(current.stock_buffer, change.sync.stock_buffer)
            sync = SyncSettings.model_validate(data)
        new_inventory = inventory
        if change.inventory is not None:
            new_inventory = InventorySettings.model_validate(
                inventory.model_dump() | {"sources_by_warehouse": change.inventory.sources_by_warehouse}
            )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False))
        raise InvalidInputError(f"Invalid sync settings: {problems}") from exc
    return sync, new_inventory


def affected_kinds(
    before: SyncSettings, after: SyncSettings, inv_before: InventorySettings, inv_after: InventorySettings
) -> tuple[list[SyncKind], list[str]]:
    changed: list[str] = []
    for name in ("price_sync", "stock_sync", "price_rule", "stock_buffer", "website_code"):
        if getattr(before, name) != getattr(after, name):
            changed.append(name)
    if inv_before.sources_by_warehouse != inv_after.sources_by_warehouse:
        changed.append("sources_by_warehouse")
    kinds = []
    if after.price_sync and ({"price_rule"} & set(changed) or (after.price_sync and not before.price_sync)):
        kinds.append(SyncKind.PRICE)
    stock_fields = {"stock_buffer", "website_code", "sources_by_warehouse"}
    if after.stock_sync and (stock_fields & set(changed) or not before.stock_sync):
        kinds.append(SyncKind.STOCK)
    return kinds, changed


def change_settings(
    services: SyncServices,
    shop_id: str,
    change: SettingsChange,
    *,
    known_warehouses: Callable[[], set[str]],
    known_sources: Callable[[], set[str]],
) -> SettingsChangeReport:
    target = services.target(shop_id)
    sync, inventory = apply_change(target.settings, target.inventory, change)
    if change.inventory is not None and inventory.sources_by_warehouse:
        _check_mapping(inventory, known_warehouses(), known_sources())
    kinds, changed = affected_kinds(target.settings, sync, target.inventory, inventory)
    store = services.shop_settings()
    store.save(shop_id, SYNC_SECTION, sync)
    if change.inventory is not None:
        # Read again just before writing: product push may have changed its own keys of this shared section.
        latest = store.get(shop_id, INVENTORY_SECTION, InventorySettings)
        store.save(
            shop_id,
            INVENTORY_SECTION,
            InventorySettings.model_validate(
                latest.model_dump() | {"sources_by_warehouse": inventory.sources_by_warehouse}
            ),
        )
    run = start_run(services, shop_id, reason="settings changed: " + ", ".join(changed), kinds=kinds) if kinds else None
    return SettingsChangeReport(shop_id=shop_id, sync=sync, inventory=inventory, changed=changed, resync=run)


def magento_source_codes(magento: MagentoClient) -> list[str]:
    """The MSI sources a warehouse can be fed from (what a sources-by-warehouse change is checked against)."""
    return sorted(str(s["source_code"]) for s in magento.inventory.sources().items)


def _check_mapping(inventory: InventorySettings, warehouses: set[str], sources: set[str]) -> None:
    unknown_warehouses = sorted(set(inventory.sources_by_warehouse) - warehouses)
    if unknown_warehouses:
        raise InvalidInputError(
            f"Not a warehouse of this shop: {', '.join(unknown_warehouses)}",
            hint="See `ttsc warehouses list --shop SHOP`",
        )
    unknown_sources = sorted({s for v in inventory.sources_by_warehouse.values() for s in v} - sources)
    if unknown_sources:
        raise InvalidInputError(
            f"Not an MSI source in Magento: {', '.join(unknown_sources)}",
            hint="Sources are listed in Magento under Stores > Inventory > Sources (`ttsc status` shows them)",
        )


def shop_status(services: SyncServices, shop_id: str, *, problems: int = 50, scan: int = 5000) -> ShopSyncStatus:
    shop = services.connect().get_shop(shop_id)
    settings, inventory = services.settings_of(shop_id)
    store = services.store()
    found: list[SkuProblem] = []
    for index, record in enumerate(store.iter_pushed(shop_id)):
        if index >= scan or len(found) >= problems:
            break
        found += _problems(record)
    return ShopSyncStatus(
        shop_id=shop_id,
        name=shop.name if shop else shop_id,
        settings=settings,
        inventory=inventory,
        products_waiting=len(store.dirty(shop_id, 1000)),
        reconcile_in_progress=store.cursor(shop_id),
        recent_runs=store.runs(shop_id, 5),
        sku_problems=found[:problems],
    )


def _problems(record: PushedSku) -> list[SkuProblem]:
    found = []
    for kind in (SyncKind.PRICE, SyncKind.STOCK):
        failure = record.failure(kind)
        if failure is not None:
            found.append(
                SkuProblem(
                    magento_sku=record.magento_sku,
                    kind=kind,
                    code=failure.code,
                    message=failure.message,
                    tiktok_code=failure.tiktok_code,
                    at=failure.at,
                )
            )
    return found


def push_job_view(services: SyncServices, job_id: str, limit: int) -> PushJobView | None:
    jobs = services.jobs()
    job = jobs.get(job_id)
    if job is None or job.kind not in ("price_push", "stock_push"):
        return None
    items = list(jobs.items(job_id))
    # Failures first: they are what the merchant acts on.
    items.sort(key=lambda i: (i.status.value != "FAILED", i.item_key))
    return PushJobView(job=job, items=items[:limit])
