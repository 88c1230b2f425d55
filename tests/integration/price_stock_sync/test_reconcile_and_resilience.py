"""Reconciliation healing drift no event announced, and sync riding out Magento 5xx and TikTok 429."""

from __future__ import annotations

import time

import pytest

from magento_sandbox import Fault
from tests.integration.price_stock_sync.conftest import ttsc, ttsc_json
from tests.stock_sync_listings import SyncWorld, change_body, post_change, wait_until

pytestmark = pytest.mark.integration


def _latest_run(world: SyncWorld) -> dict[str, object] | None:
    runs = ttsc_json(world, "sync", "status")[0]["recent_runs"]
    return runs[0] if runs else None


def _reconcile_until_done(world: SyncWorld, fire: bool) -> dict[str, object]:
    before = _latest_run(world)
    if fire:
        result = world.stack.fire_schedule("StockReconcileFunction.Reconcile")
        assert result is not None
    else:
        assert ttsc(world, "sync", "reconcile")[0] == 0
    assert wait_until(lambda: _latest_run(world) not in (None, before), timeout=120)
    run = _latest_run(world)
    assert run is not None
    return run


def _event_statuses(world: SyncWorld, prefix: str) -> dict[str, str]:
    items = world.stack.client("dynamodb").scan(TableName=world.stack.physical("EventsTable"))["Items"]
    return {i["event_key"]["S"]: i["status"]["S"] for i in items if i["event_key"]["S"].startswith(prefix)}


def test_reconciliation_heals_drift_that_no_event_announced(world: SyncWorld) -> None:
    listed = [world.list_product(f"RC-{n}", {f"RC-{n}-A": ("10.00", 5), f"RC-{n}-B": ("12.00", 2)}) for n in range(3)]
    baseline = _reconcile_until_done(world, fire=False)  # every new SKU once: nothing was pushed for them yet
    assert baseline["skus_checked"] >= 6

    # A direct database change and a stock change that touches no updated_at: Magento sends nothing.
    world.set_price_silently("RC-1-B", "13.00")
    world.set_quantity_silently("RC-2-A", 0)
    since = world.tiktok.core.state.now()
    healed = _reconcile_until_done(world, fire=True)

    assert (healed["skus_drifted"], healed["skus_healed"], healed["skus_failed"]) == (2, 2, 0)
    assert healed["reason"] == "schedule"
    assert world.tiktok_price(listed[1], "RC-1-B") == "13.00"
    assert world.tiktok_quantity(listed[2], "RC-2-A") == 0
    calls = world.tiktok.update_log(since)
    assert sorted((u["kind"], u["product_id"]) for u in calls) == sorted(
        [("price", listed[1].tiktok_product_id), ("inventory", listed[2].tiktok_product_id)]
    )
    code, out, _ = ttsc(world, "sync", "status")
    assert code == 0 and "2 drifted, 2 healed" in out
    log = world.stack.function_log("StockSyncPushFunction", containing='"ReconcileHealed":[2.0]')
    assert '"message":"Reconciliation healed drift"' in log and '"ReconcileHealed":[2.0]' in log


def test_magento_5xx_during_sync_is_retried_and_nothing_is_lost(world: SyncWorld) -> None:
    vase = world.list_product("RM-VASE", {"RM-VASE": ("30.00", 4)})
    world.set_price_silently("RM-VASE", "31.00")
    world.set_quantity_silently("RM-VASE", 9)
    # Longer than the client's own retries: the flush fails, SQS hands it back, and it goes through later.
    world.magento.inject_fault(Fault(status=503, method="GET", path_contains="/V1/products", times=6))
    world.magento.inject_fault(Fault(status=502, method="GET", path_contains="export-stock-salable-qty", times=2))
    try:
        assert post_change(world.stack, change_body("product_saved", ["RM-VASE"])).status_code == 200

        assert wait_until(lambda: world.tiktok_price(vase, "RM-VASE") == "31.00", timeout=120)
        assert wait_until(lambda: world.tiktok_quantity(vase, "RM-VASE") == 9, timeout=60)
    finally:
        world.magento.clear_faults()
    logs = world.stack.function_log("StockSyncPushFunction", containing="Magento call failed, retrying")
    assert "Magento call failed, retrying" in logs


def test_tiktok_429_during_sync_is_retried_and_nothing_is_lost(world: SyncWorld) -> None:
    pot = world.list_product("RT-POT", {"RT-POT-1": ("15.00", 3), "RT-POT-2": ("16.00", 3)})
    for sku, price in (("RT-POT-1", "15.50"), ("RT-POT-2", "16.50")):
        world.set_price_silently(sku, price)
    world.tiktok.inject_fault("rate_limit", count=12, path_prefix="/product/202309/products")
    try:
        assert post_change(world.stack, change_body("product_saved", ["RT-POT-1", "RT-POT-2"])).status_code == 200

        assert wait_until(lambda: world.tiktok_price(pot, "RT-POT-2") == "16.50", timeout=180)
        assert world.tiktok_price(pot, "RT-POT-1") == "15.50"
    finally:
        world.tiktok.clear_faults()
    logs = world.stack.function_log("StockSyncPushFunction", containing="Retrying TikTok call")
    assert "Retrying TikTok call" in logs


def test_a_push_that_keeps_failing_is_parked_and_replayed_once_fixed(world: SyncWorld) -> None:
    jar = world.list_product("RD-JAR", {"RD-JAR": ("7.00", 8)})
    world.set_quantity_silently("RD-JAR", 3)
    world.tiktok.inject_fault("http_503", count=10_000, path_prefix="/product/202309/products")
    try:
        assert post_change(world.stack, change_body("stock_changed", ["RD-JAR"])).status_code == 200
        flushes = lambda: _event_statuses(world, "sync:flush:")  # noqa: E731
        assert wait_until(lambda: "FAILED" in flushes().values(), timeout=120)
        failed = ttsc_json(world, "events", "list", "--status", "FAILED")
        assert any(e["event_key"].startswith("sync:flush:") and "TikTok" in e["detail"] for e in failed)
        dlq = world.stack.physical("StockSyncPushDLQ")
        sqs = world.stack.client("sqs")

        def parked() -> bool:
            attributes = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
            return int(attributes["Attributes"]["ApproximateNumberOfMessages"]) >= 1

        assert wait_until(parked, timeout=240, interval=1.0)
    finally:
        world.tiktok.clear_faults()
    assert world.tiktok_quantity(jar, "RD-JAR") == 8

    report = ttsc_json(world, "events", "replay")

    assert any(k.startswith("sync:flush:") for k in report["replayed"])
    assert wait_until(lambda: world.tiktok_quantity(jar, "RD-JAR") == 3, timeout=120)
    time.sleep(1)
    assert "FAILED" not in _event_statuses(world, "sync:flush:").values()
