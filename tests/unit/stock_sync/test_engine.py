"""One TikTok call per product and kind, only for what differs; per-SKU failures reported per SKU."""

from __future__ import annotations

from decimal import Decimal

from tests.unit.stock_sync.conftest import Harness
from tests.unit.stock_sync.fakes import SHOP, WAREHOUSE, listing
from tts_connector.listings.records import ListingStatus
from tts_connector.stock_sync.engine import SyncRequest
from tts_connector.stock_sync.records import SyncKind
from tts_connector.stock_sync.settings import SYNC_SECTION, PriceRule, StockBuffer, SyncSettings

BOTH = frozenset({SyncKind.PRICE, SyncKind.STOCK})


def _tee_and_mug(h: Harness) -> tuple[SyncRequest, SyncRequest]:
    for sku, price, qty in (("TEE-S", "25.00", 10), ("TEE-M", "25.00", 4), ("MUG", "9.00", 0)):
        h.magento.set(sku, price, qty)
    tee = listing("TEE", "p-tee", ["TEE-S", "TEE-M"])
    mug = listing("MUG", "p-mug", ["MUG"])
    return SyncRequest(tee, BOTH), SyncRequest(mug, BOTH)


def test_a_forced_push_sends_one_call_per_product_and_kind_with_all_its_skus(harness: Harness) -> None:
    tee, mug = _tee_and_mug(harness)

    report = harness.services.engine().run(harness.services.target(SHOP), [tee, mug], force=True)

    assert [(c.kind, c.product_id) for c in harness.tiktok.calls] == [
        ("price", "p-tee"),
        ("inventory", "p-tee"),
        ("price", "p-mug"),
        ("inventory", "p-mug"),
    ]
    assert harness.tiktok.calls[0].skus == {"tt-TEE-S": "25.00", "tt-TEE-M": "25.00"}
    assert harness.tiktok.stock == {
        "tt-TEE-S": {WAREHOUSE: 10},
        "tt-TEE-M": {WAREHOUSE: 4},
        "tt-MUG": {WAREHOUSE: 0},
    }
    assert report.count("pushed") == 6 and report.done_products == {"p-tee", "p-mug"}
    # Two Magento reads for the three SKUs: one page of prices, one page of salable quantities.
    assert harness.magento.calls == 2
    recorded = harness.sync_store.pushed(SHOP, ["TEE-S", "MUG"])
    assert recorded["TEE-S"].price == "25.00" and recorded["TEE-S"].quantities == {WAREHOUSE: 10}


def test_what_tiktok_already_has_is_not_sent_again(harness: Harness) -> None:
    tee, mug = _tee_and_mug(harness)
    engine, target = harness.services.engine(), harness.services.target(SHOP)
    engine.run(target, [tee, mug], force=True)
    harness.tiktok.calls.clear()

    harness.magento.set("TEE-M", price="27.50")
    report = engine.run(target, [tee, mug])

    assert [(c.kind, c.product_id, c.skus) for c in harness.tiktok.calls] == [("price", "p-tee", {"tt-TEE-M": "27.50"})]
    assert report.count("pushed") == 1 and report.count("unchanged") == 5


def test_tiktoks_per_sku_inventory_failures_are_reported_per_sku(harness: Harness) -> None:
    tee, _ = _tee_and_mug(harness)
    harness.tiktok.failing_skus["tt-TEE-M"] = "The warehouse does not exist"

    report = harness.services.engine().run(harness.services.target(SHOP), [tee], force=True)

    by_sku = {(r.magento_sku, r.kind): r for r in report.results}
    failed = by_sku[("TEE-M", SyncKind.STOCK)]
    assert failed.outcome == "failed" and failed.failure is not None
    assert "The warehouse does not exist" in failed.failure.message and failed.failure.tiktok_code == 12052990
    assert by_sku[("TEE-S", SyncKind.STOCK)].outcome == "pushed"
    assert harness.tiktok.count("inventory") == 1  # still one call for the product
    recorded = harness.sync_store.pushed(SHOP, ["TEE-S", "TEE-M"])
    assert recorded["TEE-M"].stock_failure is not None and recorded["TEE-M"].quantities is None
    assert recorded["TEE-S"].quantities == {WAREHOUSE: 10}


def test_a_refused_product_fails_its_skus_and_the_others_still_go(harness: Harness) -> None:
    tee, mug = _tee_and_mug(harness)
    harness.tiktok.refuse_products["p-tee"] = "Product price locked due to ongoing promotion."

    report = harness.services.engine().run(harness.services.target(SHOP), [tee, mug], force=True)

    failed = {r.magento_sku for r in report.results if r.outcome == "failed"}
    assert failed == {"TEE-S", "TEE-M"}
    first = next(r for r in report.results if r.outcome == "failed")
    assert first.failure is not None and first.failure.message == "Product price locked due to ongoing promotion."
    assert first.failure.request_id == "req-1"
    assert harness.tiktok.prices == {"tt-MUG": "9.00"}


def test_a_transient_failure_stops_the_run_after_saving_what_was_done(harness: Harness) -> None:
    tee, mug = _tee_and_mug(harness)
    engine, target = harness.services.engine(), harness.services.target(SHOP)
    harness.tiktok.unavailable = 0
    calls = {"n": 0}
    original = harness.tiktok.update_price

    def flaky(shop, product_id, skus):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if product_id == "p-mug":
            harness.tiktok.unavailable = 1
        return original(shop, product_id, skus)

    harness.tiktok.update_price = flaky  # type: ignore[method-assign]
    report = engine.run(target, [tee, mug], force=True)

    assert report.interrupted is not None
    assert report.done_products == {"p-tee"}
    assert harness.sync_store.pushed(SHOP, ["TEE-S"])["TEE-S"].price == "25.00"
    assert "MUG" not in harness.sync_store.pushed(SHOP, ["MUG"])


def test_products_not_live_on_tiktok_are_skipped_automatically_and_failed_when_pushed(harness: Harness) -> None:
    harness.magento.set("NEW", "5.00", 3)
    pending = SyncRequest(listing("NEW", "p-new", ["NEW"], status=ListingStatus.PENDING), BOTH)
    engine, target = harness.services.engine(), harness.services.target(SHOP)

    automatic = engine.run(target, [pending])
    forced = engine.run(target, [pending], force=True)

    assert harness.tiktok.calls == []
    assert {r.outcome for r in automatic.results} == {"skipped"}
    assert {r.outcome for r in forced.results} == {"failed"}
    assert forced.results[0].failure is not None and "status PENDING" in forced.results[0].failure.message


def test_the_shops_rule_and_buffer_shape_what_is_pushed(harness: Harness) -> None:
    harness.settings.save(
        SHOP,
        SYNC_SECTION,
        SyncSettings(
            price_rule=PriceRule(adjustment="percent", amount=Decimal(10), rounding=".99"),
            stock_buffer=StockBuffer(hold_back="units", amount=Decimal(2), floor=3),
        ),
    )
    tee, _ = _tee_and_mug(harness)

    harness.services.engine().run(harness.services.target(SHOP), [tee], force=True)

    assert harness.tiktok.prices == {"tt-TEE-S": "27.99", "tt-TEE-M": "27.99"}  # 25 + 10 % = 27.50 -> 27.99
    assert harness.tiktok.stock == {"tt-TEE-S": {WAREHOUSE: 8}, "tt-TEE-M": {WAREHOUSE: 0}}  # 4 - 2 = 2 < floor 3


def test_a_kind_switched_off_is_left_alone_unless_pushed_by_hand(harness: Harness) -> None:
    harness.settings.save(SHOP, SYNC_SECTION, SyncSettings(price_sync=False))
    tee, _ = _tee_and_mug(harness)
    engine, target = harness.services.engine(), harness.services.target(SHOP)

    engine.run(target, [tee])
    assert [c.kind for c in harness.tiktok.calls] == ["inventory"]

    engine.run(target, [SyncRequest(tee.listing, frozenset({SyncKind.PRICE}))], force=True)
    assert [c.kind for c in harness.tiktok.calls] == ["inventory", "price"]


def test_mapped_sources_feed_their_warehouses(harness: Harness) -> None:
    from tts_connector.stock_sync.settings import INVENTORY_SECTION, InventorySettings

    harness.settings.save(
        SHOP, INVENTORY_SECTION, InventorySettings(sources_by_warehouse={"wh-a": ["default"], "wh-b": ["east"]})
    )
    harness.magento.set("TEE-S", "25.00", 9)
    harness.magento.sources["TEE-S"] = {"default": 6, "east": 4}
    tee = SyncRequest(listing("TEE", "p-tee", ["TEE-S"]), frozenset({SyncKind.STOCK}))
    engine, target = harness.services.engine(), harness.services.target(SHOP)

    engine.run(target, [tee], force=True)
    # 6 + 4 = 10 offered, 9 salable: both scaled down so TikTok never sells more than Magento can.
    assert harness.tiktok.stock == {"tt-TEE-S": {"wh-a": 5, "wh-b": 3}}

    harness.magento.sources["TEE-S"] = {"default": 1, "east": 7}
    engine.run(target, [tee], force=True, warehouse="wh-b")
    # Only wh-b is recomputed; wh-a keeps what it was given (TikTok wants every warehouse of the SKU).
    assert harness.tiktok.stock == {"tt-TEE-S": {"wh-a": 5, "wh-b": 7}}
