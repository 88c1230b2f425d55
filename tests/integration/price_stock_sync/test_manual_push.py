"""Manual price and stock pushes through the local stack: jobs, one call per product, per-SKU outcomes."""

from __future__ import annotations

import pytest

from tests.integration.price_stock_sync.conftest import ttsc, ttsc_json
from tests.stock_sync_listings import US_SECOND_WAREHOUSE, US_WAREHOUSE, SyncWorld, admin, wait_until

pytestmark = pytest.mark.integration


def test_a_price_push_sends_each_product_once_and_reports_tiktoks_refusal_per_sku(world: SyncWorld) -> None:
    tee = world.list_product("PP-TEE", {"PP-TEE-S": ("25.00", 10), "PP-TEE-M": ("25.00", 4)})
    # TikTok failed this product's audit, but the listing still says it is live: TikTok refuses the update.
    world.tiktok.fail_next_audits(["Main image has a watermark"])
    refused = world.list_product("PP-MUG", {"PP-MUG": ("9.00", 3)}, wait_live=False)
    assert wait_until(lambda: world.tiktok.product(refused.tiktok_product_id)["status"] == "FAILED")
    world.set_price_silently("PP-TEE-S", "27.00")
    world.set_price_silently("PP-TEE-M", "28.50")
    since = world.tiktok.core.state.now()

    code, out, err = ttsc(world, "push", "prices", "--sku", "PP-TEE", "PP-MUG", "PP-GHOST")

    assert code == 0, err
    assert "3/4 SKUs done" not in out and "4/4 SKUs done (2 pushed, 2 failed)" in out
    assert "PP-MUG" in out and "ACTIVATE" in out  # TikTok's own words, for the SKU it refused
    assert "PP-GHOST" in out and "not listed" in out
    assert (world.tiktok_price(tee, "PP-TEE-S"), world.tiktok_price(tee, "PP-TEE-M")) == ("27.00", "28.50")
    updates = world.updates(tee.tiktok_product_id, since)
    assert [u["kind"] for u in updates] == ["price"]  # both SKUs in one call
    assert set(updates[0]["skus"]) == {s.tiktok_sku_id for s in tee.skus}

    job = ttsc_json(world, "sync", "jobs")[0]
    view = ttsc_json(world, "sync", "job", job["job_id"])
    items = {i["item_key"]: i for i in view["items"]}
    assert view["job"]["kind"] == "price_push" and view["job"]["status"] == "COMPLETED"
    assert items["PP-MUG"]["failure"]["tiktok_code"] is not None
    assert items["PP-TEE-S"]["result"]["price"] == "27.00"


def test_a_stock_push_reports_tiktoks_per_sku_failure_inside_a_success(world: SyncWorld) -> None:
    # PS-B is stocked in the shop's other warehouse on TikTok: an update naming the shop's warehouse fails for it.
    pair = world.list_product(
        "PS-PAIR",
        {"PS-A": ("10.00", 5), "PS-B": ("10.00", 6)},
        tiktok_warehouses={"PS-B": [US_SECOND_WAREHOUSE]},
    )
    world.set_quantity_silently("PS-A", 2)
    world.set_quantity_silently("PS-B", 1)
    since = world.tiktok.core.state.now()

    view = ttsc_json(world, "push", "stock", "--sku", "PS-PAIR")

    items = {i["item_key"]: i for i in view["items"]}
    assert (view["job"]["succeeded"], view["job"]["failed"]) == (1, 1)
    assert items["PS-A"]["status"] == "SUCCEEDED" and items["PS-A"]["result"]["stock"] == {US_WAREHOUSE: 2}
    failure = items["PS-B"]["failure"]
    assert failure["code"] == "tiktok_refused" and "warehouse" in failure["message"]
    assert failure["hint"]
    assert world.tiktok_quantity(pair, "PS-A") == 2
    assert world.tiktok_quantity(pair, "PS-B", US_SECOND_WAREHOUSE) == 6  # untouched
    assert [u["kind"] for u in world.updates(pair.tiktok_product_id, since)] == ["inventory"]


def test_a_push_by_magento_filter_and_of_everything_listed(world: SyncWorld) -> None:
    bag = world.list_product("PF-BAG", {"PF-BAG": ("39.00", 3)})
    with world.magento.state.lock:
        world.magento.state.products["PF-BAG"].category_ids = [7]
    world.set_quantity_silently("PF-BAG", 8)

    by_category = ttsc_json(world, "push", "stock", "--category", "7")
    everything = ttsc_json(world, "push", "prices", "--all")

    assert [i["item_key"] for i in by_category["items"]] == ["PF-BAG"]
    assert world.tiktok_quantity(bag, "PF-BAG") == 8
    assert "PF-BAG" in {i["item_key"] for i in everything["items"]}
    assert everything["job"]["selection"] == {"all": True}


def test_a_stock_push_for_one_warehouse_keeps_the_skus_other_warehouses(world: SyncWorld) -> None:
    both = world.list_product("PW-TWO", {"PW-TWO": ("5.00", 4)}, tiktok_warehouses={"PW-TWO": [US_WAREHOUSE]})
    world.set_quantity_silently("PW-TWO", 9)

    refused = admin(
        world.stack,
        "POST",
        "/admin/sync/pushes",
        json={"kind": "stock", "selection": {"skus": ["PW-TWO"]}, "warehouse_id": "7068517275539719999"},
    )
    pushed = ttsc_json(world, "push", "stock", "--sku", "PW-TWO", "--warehouse", US_WAREHOUSE)

    assert refused.status_code == 400 and "does not sell" in refused.json()["message"]
    assert pushed["job"]["warehouse_id"] == US_WAREHOUSE and pushed["job"]["succeeded"] == 1
    assert world.tiktok_quantity(both, "PW-TWO") == 9


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"kind": "price", "selection": {"skus": ["A"], "all": True}}, 422),
        ({"kind": "price", "selection": {}}, 422),
        ({"kind": "price", "selection": {"all": True}, "warehouse_id": US_WAREHOUSE}, 422),
        ({"kind": "colour", "selection": {"all": True}}, 422),
        ({"kind": "price", "selection": {"updated_since": "last tuesday"}}, 422),
        ({"kind": "price", "selection": {"all": True}, "shop_id": "123"}, 404),
    ],
)
def test_a_bad_push_request_is_refused_and_starts_nothing(
    world: SyncWorld, body: dict[str, object], status: int
) -> None:
    before = len(ttsc_json(world, "sync", "jobs", "--limit", "100"))

    response = admin(world.stack, "POST", "/admin/sync/pushes", json=body)

    assert response.status_code == status, response.text
    assert len(ttsc_json(world, "sync", "jobs", "--limit", "100")) == before


def test_mapped_msi_sources_feed_their_tiktok_warehouses(world: SyncWorld) -> None:
    both = world.list_product(
        "PM-TWO", {"PM-TWO": ("5.00", 1)}, tiktok_warehouses={"PM-TWO": [US_WAREHOUSE, US_SECOND_WAREHOUSE]}
    )
    world.set_quantity_silently("PM-TWO", 6, source="default")
    world.set_quantity_silently("PM-TWO", 4, source="warehouse_east")

    unknown_warehouse = ttsc(world, "sync", "settings", "--warehouse-sources", "7068517275539719999=default")
    unknown_source = ttsc(world, "sync", "settings", "--warehouse-sources", f"{US_WAREHOUSE}=nowhere")
    assert unknown_warehouse[0] == 1 and "Not a warehouse of this shop" in unknown_warehouse[2]
    assert unknown_source[0] == 1 and "Not an MSI source" in unknown_source[2]
    mapping = (f"{US_WAREHOUSE}=default", f"{US_SECOND_WAREHOUSE}=warehouse_east")
    try:
        code, out, err = ttsc(world, "sync", "settings", "--warehouse-sources", *mapping)
        assert code == 0, err
        assert f"{US_WAREHOUSE} <- default" in out and "Re-syncing stock" in out
        # The change re-syncs stock: each warehouse gets its own source's quantity.
        assert wait_until(lambda: world.tiktok_quantity(both, "PM-TWO", US_SECOND_WAREHOUSE) == 4, timeout=90)
        assert world.tiktok_quantity(both, "PM-TWO", US_WAREHOUSE) == 6
    finally:
        assert ttsc(world, "sync", "settings", "--clear-warehouse-sources")[0] == 0


def test_bad_settings_are_refused_and_change_nothing(world: SyncWorld) -> None:
    before = ttsc_json(world, "sync", "settings")

    too_low = admin(
        world.stack,
        "PATCH",
        f"/admin/sync/settings/{world.shop.shop_id}",
        json={"sync": {"stock_buffer": {"floor": -1}}},
    )
    unknown = admin(
        world.stack, "PATCH", f"/admin/sync/settings/{world.shop.shop_id}", json={"sync": {"colour": "red"}}
    )
    rounding = admin(
        world.stack,
        "PATCH",
        f"/admin/sync/settings/{world.shop.shop_id}",
        json={"sync": {"price_rule": {"rounding": ".95"}}},
    )

    assert too_low.status_code == 400 and "floor" in too_low.json()["message"]
    assert unknown.status_code == 422
    assert rounding.status_code == 422
    assert ttsc_json(world, "sync", "settings") == before
