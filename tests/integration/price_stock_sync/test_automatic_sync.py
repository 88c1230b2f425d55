"""Automatic sync through the local stack: Magento's change events reach TikTok, coalesced, never stale."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.integration.price_stock_sync.conftest import ttsc, ttsc_json
from tests.stock_sync_listings import (
    SyncWorld,
    admin,
    change_body,
    post_adobe_io,
    post_change,
    wait_until,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack_options() -> dict[str, Any]:
    # The Magento sandbox delivers every change it records to POST /magento/events, signed.
    return {"magento_event_format": "signed"}


def _event_status(world: SyncWorld, key: str) -> str | None:
    item = (
        world.stack.client("dynamodb")
        .get_item(TableName=world.stack.physical("EventsTable"), Key={"event_key": {"S": key}})
        .get("Item")
    )
    return item["status"]["S"] if item else None


def test_a_price_and_a_stock_change_in_magento_reach_tiktok(world: SyncWorld) -> None:
    tote = world.list_product("AS-TOTE", {"AS-TOTE": ("39.00", 3)})

    world.magento.set_price("AS-TOTE", 35.0)
    world.magento.set_source_quantity("AS-TOTE", 1)

    assert wait_until(lambda: world.tiktok_price(tote, "AS-TOTE") == "35.00", timeout=60)
    assert wait_until(lambda: world.tiktok_quantity(tote, "AS-TOTE") == 1, timeout=60)
    assert {d["status"] for d in world.magento.deliveries()} == {200}


def test_changes_to_one_product_within_the_window_become_one_call_per_kind(world: SyncWorld) -> None:
    tee = world.list_product("AC-TEE", {f"AC-TEE-{n}": ("20.00", 5) for n in range(3)})
    for n in range(3):
        world.set_price_silently(f"AC-TEE-{n}", f"2{n}.50")
        world.set_quantity_silently(f"AC-TEE-{n}", 10 + n)
    since = world.tiktok.core.state.now()

    # Twelve deliveries about the product's SKUs in a burst (a mass update in the admin, repeated saves).
    for _ in range(4):
        for n in range(3):
            assert post_change(world.stack, change_body("product_saved", [f"AC-TEE-{n}"])).status_code == 200

    assert wait_until(lambda: world.tiktok_quantity(tee, "AC-TEE-2") == 12, timeout=60)
    time.sleep(5)  # any later flush would have run by now
    kinds = [u["kind"] for u in world.updates(tee.tiktok_product_id, since)]
    assert kinds.count("price") == 1 and kinds.count("inventory") == 1
    assert [world.tiktok_price(tee, f"AC-TEE-{n}") for n in range(3)] == ["20.50", "21.50", "22.50"]


def test_a_stale_or_reordered_event_cannot_overwrite_newer_data(world: SyncWorld) -> None:
    mug = world.list_product("AO-MUG", {"AO-MUG": ("9.00", 4)})
    world.magento.set_price("AO-MUG", 11.0)  # delivered: TikTok goes to 11
    assert wait_until(lambda: world.tiktok_price(mug, "AO-MUG") == "11.00", timeout=60)
    world.magento.set_price("AO-MUG", 12.0)
    assert wait_until(lambda: world.tiktok_price(mug, "AO-MUG") == "12.00", timeout=60)
    pushes = len(world.updates(mug.tiktok_product_id))

    # The first change's event again, late and with its old value; and an event claiming an older price.
    late = post_change(world.stack, change_body("product_saved", ["AO-MUG"], price=11.0))
    older = post_change(world.stack, change_body("product_saved", ["AO-MUG"], price=9.0))

    assert (late.status_code, older.status_code) == (200, 200)
    time.sleep(6)
    assert world.tiktok_price(mug, "AO-MUG") == "12.00"
    assert len(world.updates(mug.tiktok_product_id)) == pushes  # read again, found nothing new to push


def test_each_delivery_format_reaches_tiktok_and_a_forged_one_changes_nothing(world: SyncWorld) -> None:
    products = {fmt: world.list_product(f"AF-{fmt}", {f"AF-{fmt}": ("10.00", 2)}) for fmt in ("S", "H", "A")}
    for fmt in products:
        world.set_quantity_silently(f"AF-{fmt}", 7)

    forged = post_change(world.stack, change_body("stock_changed", ["AF-S"]), key="x" * 40)
    expired = post_change(world.stack, change_body("stock_changed", ["AF-S"]), signed_at=int(time.time()) - 900)
    malformed = post_change(world.stack, {"id": "af-bad", "event": "stock_changed", "occurred_at": 1})
    time.sleep(4)
    assert (forged.status_code, expired.status_code, malformed.status_code) == (401, 401, 400)
    assert world.tiktok_quantity(products["S"], "AF-S") == 2  # nothing queued, nothing pushed

    signed = post_change(world.stack, change_body("stock_changed", ["AF-S"]))
    shared = post_change(world.stack, change_body("stock_changed", ["AF-H"]), delivery="shared_secret")
    adobe = post_adobe_io(world.stack, "stock_changed", "AF-A")

    assert (signed.status_code, shared.status_code, adobe.status_code) == (200, 200, 200)
    for fmt, listing in products.items():
        assert wait_until(lambda x=listing, f=fmt: world.tiktok_quantity(x, f"AF-{f}") == 7, timeout=60), fmt


def test_the_price_rule_and_stock_buffer_shape_what_tiktok_shows(world: SyncWorld) -> None:
    ring = world.list_product("AR-RING", {"AR-RING": ("20.00", 10)})
    code, out, err = ttsc(
        world,
        "sync",
        "settings",
        "--price-adjustment",
        "percent",
        "--price-amount",
        "10",
        "--price-rounding",
        ".99",
        "--hold-back",
        "units",
        "--hold-back-amount",
        "2",
        "--stock-floor",
        "3",
    )
    try:
        assert code == 0, err
        assert "Re-syncing price and stock" in out
        # The change re-syncs what it affects: the listed product gets the rule without any Magento change.
        assert wait_until(lambda: world.tiktok_price(ring, "AR-RING") == "22.99", timeout=60)
        assert wait_until(lambda: world.tiktok_quantity(ring, "AR-RING") == 8, timeout=60)

        world.magento.set_price("AR-RING", 30.0)
        world.magento.set_source_quantity("AR-RING", 4)  # 4 - 2 = 2, below the floor of 3: sold out on TikTok
        assert wait_until(lambda: world.tiktok_price(ring, "AR-RING") == "33.99", timeout=60)
        assert wait_until(lambda: world.tiktok_quantity(ring, "AR-RING") == 0, timeout=60)
    finally:
        ttsc(
            world,
            "sync",
            "settings",
            "--price-adjustment",
            "none",
            "--price-rounding",
            "none",
            "--hold-back",
            "none",
            "--stock-floor",
            "0",
        )


def test_with_sync_switched_off_nothing_is_pushed_and_switching_on_catches_up(world: SyncWorld) -> None:
    cup = world.list_product("AD-CUP", {"AD-CUP": ("8.00", 6)})
    assert ttsc(world, "sync", "settings", "--price-sync", "off", "--stock-sync", "off")[0] == 0
    try:
        since = world.tiktok.core.state.now()
        world.magento.set_price("AD-CUP", 8.5)
        world.magento.set_source_quantity("AD-CUP", 2)
        assert world.magento.wait_for_deliveries()
        time.sleep(6)
        assert world.updates(cup.tiktok_product_id, since) == []
        assert (world.tiktok_price(cup, "AD-CUP"), world.tiktok_quantity(cup, "AD-CUP")) == ("8.00", 6)
    finally:
        assert ttsc(world, "sync", "settings", "--price-sync", "on", "--stock-sync", "on")[0] == 0
    assert wait_until(lambda: world.tiktok_price(cup, "AD-CUP") == "8.50", timeout=60)
    assert wait_until(lambda: world.tiktok_quantity(cup, "AD-CUP") == 2, timeout=60)


def test_price_and_stock_keep_flowing_while_a_live_products_edit_is_under_review(world: SyncWorld) -> None:
    lamp = world.list_product("AE-LAMP", {"AE-LAMP": ("50.00", 5)})
    world.tiktok.config.auto_audit_after = None  # the edit stays in review
    try:
        world.api.products.partial_edit(world.shop, lamp.tiktok_product_id, {"title": "Desk lamp, new title"})
        product = world.api.products.get(world.shop, lamp.tiktok_product_id)
        assert product.edit_under_review

        world.magento.set_price("AE-LAMP", 45.0)
        world.magento.set_source_quantity("AE-LAMP", 3)

        assert wait_until(lambda: world.tiktok_price(lamp, "AE-LAMP") == "45.00", timeout=60)
        assert wait_until(lambda: world.tiktok_quantity(lamp, "AE-LAMP") == 3, timeout=60)
        review = world.api.products.get(world.shop, lamp.tiktok_product_id, under_review_version=True)
        assert str(review.skus[0].price.sale_price if review.skus[0].price else "") == "45.00"  # type: ignore[union-attr]
    finally:
        world.tiktok.config.auto_audit_after = 0.2


def test_status_shows_what_is_waiting_and_the_skus_that_failed(world: SyncWorld) -> None:
    statuses = ttsc_json(world, "sync", "status")
    code, out, _ = ttsc(world, "sync", "status")

    assert statuses[0]["shop_id"] == world.shop.shop_id and statuses[0]["settings"]["price_sync"] is True
    assert code == 0 and "price sync:  on" in out
    pushed = admin(world.stack, "GET", "/admin/sync/skus/" + world.shop.shop_id, params={"sku": "AS-TOTE"})
    assert pushed.status_code == 200 and pushed.json()["price"] == "35.00", pushed.text
