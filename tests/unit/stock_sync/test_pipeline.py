"""Change events, flushes, manual push jobs and reconciliation, through the event pipeline's fakes."""

from __future__ import annotations

import pytest

from tests.unit.stock_sync.conftest import Harness
from tests.unit.stock_sync.fakes import SHOP, WAREHOUSE, listing
from tts_connector.events.models import EventStatus, InboundEvent
from tts_connector.jobs.records import ItemStatus, JobStatus
from tts_connector.listings.records import Listing
from tts_connector.magento.change_events import MagentoChange, MagentoChangeKind
from tts_connector.stock_sync import reconcile
from tts_connector.stock_sync.manual import PushRequest, Selection, start_push
from tts_connector.stock_sync.records import SyncKind
from tts_connector.stock_sync.settings import SYNC_SECTION, SyncSettings
from tts_connector.tiktok.errors import TikTokTransientError

_counter = iter(range(1, 1_000_000))


def change(kind: MagentoChangeKind, skus: list[str], *, ids: list[int] | None = None, **values: object) -> InboundEvent:
    payload = MagentoChange(
        kind=kind, skus=skus, product_ids=ids or [], occurred_at=1_800_000_000, delivery="signed", values=values
    )
    return InboundEvent(
        event_key=f"mage:test:{next(_counter)}",
        source="mage",
        topic=kind.value,
        message_group_id="mage:catalog",
        payload=payload.model_dump(mode="json"),
    )


def _catalogue(h: Harness) -> None:
    for sku, price, qty in (("TEE-S", "25.00", 10), ("TEE-M", "25.00", 4), ("MUG", "9.00", 1)):
        h.magento.set(sku, price, qty)
    h.listings.save(listing("TEE", "p-tee", ["TEE-S", "TEE-M"]))
    h.listings.save(listing("MUG", "p-mug", ["MUG"]))


def test_changes_to_a_product_within_the_window_become_one_call_per_kind(harness: Harness) -> None:
    _catalogue(harness)

    for sku in ("TEE-S", "TEE-M", "TEE-S", "TEE", "TEE-M"):
        harness.services.intake().accept(change(MagentoChangeKind.PRODUCT_SAVED, [sku]))
    harness.drain("stock_sync_queue_url")
    flushes = [k for k, q, _ in harness.publisher.sent if k.startswith("sync:flush:")]
    outcomes = harness.drain()

    assert flushes == [f"sync:flush:{SHOP}:{int(harness.clock.now // 2)}"]
    assert [o.status for o in outcomes] == [EventStatus.PROCESSED]
    assert harness.tiktok.count("price", "p-tee") == 1 and harness.tiktok.count("inventory", "p-tee") == 1
    assert harness.tiktok.count("price", "p-mug") == 0
    assert harness.sync_store.dirty(SHOP, 10) == []


def test_a_stale_event_cannot_push_an_old_value(harness: Harness) -> None:
    _catalogue(harness)
    harness.magento.set("MUG", price="12.00")

    # The event says 9.00 (sent before the change, delivered after it): Magento's current value is pushed.
    outcome = harness.deliver(change(MagentoChangeKind.PRODUCT_SAVED, ["MUG"], price=9.0))
    harness.drain()
    assert outcome.status is EventStatus.PROCESSED
    assert harness.tiktok.prices == {"tt-MUG": "12.00"}

    # A duplicate, later, pushes nothing: TikTok already has the current value.
    harness.clock.advance(5)
    harness.deliver(change(MagentoChangeKind.PRODUCT_SAVED, ["MUG"], price=9.0))
    harness.drain()
    assert harness.tiktok.count("price") == 1 and harness.tiktok.prices == {"tt-MUG": "12.00"}


def test_a_stock_change_pushes_stock_only_and_product_ids_are_resolved(harness: Harness) -> None:
    _catalogue(harness)
    harness.magento.ids[42] = "TEE-M"

    harness.deliver(change(MagentoChangeKind.STOCK_CHANGED, [], ids=[42]))
    harness.drain()

    assert [(c.kind, c.product_id) for c in harness.tiktok.calls] == [("inventory", "p-tee")]


def test_unlisted_skus_and_switched_off_sync_push_nothing(harness: Harness) -> None:
    _catalogue(harness)

    ignored = harness.deliver(change(MagentoChangeKind.PRODUCT_SAVED, ["NOT-LISTED"]))
    assert ignored.status is EventStatus.IGNORED and "NOT-LISTED" in ignored.detail

    harness.settings.save(SHOP, SYNC_SECTION, SyncSettings(price_sync=False, stock_sync=False))
    # Right after the switch the change consumer may still go by the settings it read moments ago: the push
    # reads them again and sends nothing.
    harness.deliver(change(MagentoChangeKind.PRODUCT_SAVED, ["MUG"]))
    harness.drain()
    assert harness.tiktok.calls == []
    harness.clock.advance(31)
    off = harness.deliver(change(MagentoChangeKind.PRODUCT_SAVED, ["MUG"]))
    harness.drain()
    assert off.status is EventStatus.IGNORED
    assert harness.tiktok.calls == []


def test_a_change_right_after_sync_is_switched_back_on_is_pushed(harness: Harness) -> None:
    _catalogue(harness)
    harness.settings.save(SHOP, SYNC_SECTION, SyncSettings(price_sync=False, stock_sync=False))
    assert harness.deliver(change(MagentoChangeKind.PRODUCT_SAVED, ["MUG"])).status is EventStatus.IGNORED

    # Seconds later, well within the consumer's settings cache, the merchant switches sync on again.
    harness.clock.advance(3)
    harness.settings.save(SHOP, SYNC_SECTION, SyncSettings(price_sync=True, stock_sync=True))
    harness.magento.set("MUG", price="11.00")
    marked = harness.deliver(change(MagentoChangeKind.PRODUCT_SAVED, ["MUG"]))
    harness.drain()

    assert marked.status is EventStatus.PROCESSED
    assert harness.tiktok.prices == {"tt-MUG": "11.00"}


def test_a_flush_that_meets_a_transient_failure_fails_keeps_its_marks_and_pushes_on_retry(harness: Harness) -> None:
    _catalogue(harness)
    harness.deliver(change(MagentoChangeKind.PRODUCT_SAVED, ["TEE-S", "MUG"]))
    harness.tiktok.unavailable = 1
    flush = next(k for k, q, _ in harness.publisher.sent if k.startswith("sync:flush:"))

    with pytest.raises(TikTokTransientError):
        harness.drain()
    assert len(harness.sync_store.dirty(SHOP, 10)) == 2

    # SQS delivers it again after the visibility timeout.
    harness.outcomes.clear()
    harness.drain()
    assert harness.events.status(flush) is EventStatus.PROCESSED
    assert harness.sync_store.dirty(SHOP, 10) == []
    assert set(harness.tiktok.prices) == {"tt-TEE-S", "tt-TEE-M", "tt-MUG"}


def test_a_flush_whose_reads_spent_its_budget_leaves_the_pushes_to_a_follow_up(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    _catalogue(harness)
    read_listings = harness.listings.get_many
    slow_reads = [61.0]  # once: reading the marks' listings took longer than the flush's whole budget

    def get_many(shop_id: str, skus: list[str]) -> dict[str, Listing]:
        harness.clock.advance(slow_reads.pop() if slow_reads else 0.0)
        return read_listings(shop_id, skus)

    monkeypatch.setattr(harness.listings, "get_many", get_many)
    harness.deliver(change(MagentoChangeKind.PRODUCT_SAVED, ["TEE-S", "MUG"]))

    first, follow_up = harness.drain()

    # Out of time before the first push: nothing sent, the marks kept, a later flush does the work.
    assert first.status is EventStatus.PROCESSED and "0 TikTok update call(s)" in first.detail
    assert follow_up.status is EventStatus.PROCESSED and "SKUs pushed" in follow_up.detail
    assert set(harness.tiktok.prices) == {"tt-TEE-S", "tt-TEE-M", "tt-MUG"}
    assert harness.sync_store.dirty(SHOP, 10) == []


def test_a_manual_push_is_a_job_with_each_skus_outcome(harness: Harness) -> None:
    _catalogue(harness)
    harness.tiktok.failing_skus["tt-TEE-M"] = "The warehouse does not exist"

    job = start_push(
        harness.services,
        PushRequest(kind=SyncKind.STOCK, selection=Selection(skus=["TEE-S", "MUG", "GHOST"])),
    )
    harness.drain()

    done = harness.jobs.get(job.job_id)
    assert done is not None and done.status is JobStatus.COMPLETED
    assert (done.total, done.succeeded, done.failed) == (4, 2, 2)
    items = {i.item_key: i for i in harness.jobs.items(job.job_id)}
    assert items["TEE-S"].status is ItemStatus.SUCCEEDED and items["TEE-S"].result["stock"] == {WAREHOUSE: 10}
    assert items["TEE-M"].failure is not None and "The warehouse does not exist" in items["TEE-M"].failure.message
    assert items["GHOST"].failure is not None and items["GHOST"].failure.code == "not_listed"
    assert harness.tiktok.count("inventory") == 2 and harness.tiktok.count("price") == 0


def test_reconciliation_heals_drift_no_event_reported_page_by_page(harness: Harness) -> None:
    for n in range(60):  # 60 products x 2 SKUs: two pages of 100 SKUs at most
        skus = [f"P{n:02d}-A", f"P{n:02d}-B"]
        for sku in skus:
            harness.magento.set(sku, "10.00", 5)
        harness.listings.save(listing(f"P{n:02d}", f"p-{n:02d}", skus))
    reconcile.start_run(harness.services, SHOP, reason="test")
    harness.drain()
    baseline = harness.tiktok.count("price")
    harness.tiktok.calls.clear()

    harness.magento.set("P07-B", price="11.00")
    harness.magento.set("P42-A", qty=0)
    harness.clock.advance(900)
    run = reconcile.start_run(harness.services, SHOP, reason="test")
    calls_before = harness.magento.calls
    harness.drain()

    assert baseline == 60
    assert [(c.kind, c.product_id, c.skus) for c in harness.tiktok.calls] == [
        ("price", "p-07", {"tt-P07-B": "11.00"}),
        ("inventory", "p-42", {"tt-P42-A": {WAREHOUSE: 0}}),
    ]
    finished = harness.sync_store.runs(SHOP, 1)[0]
    assert finished.run_id == run.run_id and finished.finished_at is not None
    assert (finished.skus_checked, finished.skus_drifted, finished.skus_healed) == (120, 2, 2)
    assert finished.page == 2 and harness.magento.calls - calls_before == 4  # 2 pages x (prices, salable)
    assert harness.sync_store.cursor(SHOP) is None


def test_a_superseded_reconciliation_run_stops(harness: Harness) -> None:
    _catalogue(harness)
    first = reconcile.start_run(harness.services, SHOP, reason="test")
    second = reconcile.start_run(harness.services, SHOP, reason="settings changed")

    harness.drain()

    first_key = f"sync:reconcile:{SHOP}:{first.run_id}:0"
    assert harness.events.status(first_key) is EventStatus.IGNORED
    assert harness.sync_store.runs(SHOP, 5)[0].run_id == second.run_id


def test_a_reconciliation_page_that_runs_out_of_time_continues_where_it_stopped(harness: Harness) -> None:
    for n in range(6):
        harness.magento.set(f"S{n}", "10.00", 5)
        harness.listings.save(listing(f"S{n}", f"p-{n}", [f"S{n}"]))
    original = harness.tiktok.update_price

    def slow(shop, product_id, skus):  # type: ignore[no-untyped-def]
        harness.clock.advance(35)  # TikTok answering slowly: two products use up an invocation's budget
        return original(shop, product_id, skus)

    harness.tiktok.update_price = slow  # type: ignore[method-assign]
    run = reconcile.start_run(harness.services, SHOP, reason="test", kinds=[SyncKind.PRICE])

    outcomes = harness.drain(passes=20)

    # Two products per invocation, then one that finds nothing left and finishes the run.
    assert [o.detail.endswith("continues") for o in outcomes] == [True, True, True, False]
    assert harness.tiktok.count("price") == 6  # each product once, none skipped, none twice
    finished = harness.sync_store.runs(SHOP, 1)[0]
    assert finished.run_id == run.run_id and finished.skus_checked == 6 and finished.page == 3
