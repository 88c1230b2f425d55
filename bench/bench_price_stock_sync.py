"""Price and stock sync through the local stack: change events to TikTok, and reconciliation of silent drift.

Events: 1,000 Magento SKUs in 300 listed TikTok products (100 with 2 SKUs, 100 with 3, 100 with 5). 10,000
change events are POSTed to /magento/events over HTTP in the connector's signed format by 8 concurrent senders:
75 % announce a real change (applied to the Magento sandbox just before its event is sent; a new price or a new
quantity), 15 % are duplicates of an earlier delivery (same id), 10 % are stale hints (a new id naming an old
value); the stream is shuffled locally so events arrive out of order. Measured from the TikTok sandbox's journal
of accepted updates:
  * `final_mismatches`: listed SKUs whose TikTok price or quantity differs from Magento's once sync settled;
  * `tiktok_update_calls`: Update Price + Update Inventory calls during the event phase;
  * `update_calls_per_product_per_window`: for each product and kind, TikTok calls divided by the number of
    coalescing windows (STOCK_SYNC_WINDOW_SECONDS) in which it had changes, the largest; also
    `max_calls_per_product_in_any_window` (the most calls one product and kind got in any sliding window);
  * `event_to_tiktok_ms_*`: from sending a real change's event to TikTok accepting that value or a later one;
  * `ack_ms_p99`: POST /magento/events answer time.
Reconciliation: 1,000 more products of 4 SKUs are listed (5,000 SKUs), a first run records what TikTok holds,
then 2 % of the SKUs change in Magento with no event (half prices, half quantities) and the schedule fires:
`reconcile_writes` are the TikTok calls it made (goal: one per drifted product and kind,
`reconcile_expected_writes`), Magento calls are the run's REST reads (pages of 100).

The push functions use TIKTOK_RATE_PER_SECOND=40 (the sandbox allows TikTok's documented 50 QPS per API).
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from local_stack import LocalStack, StackConfig
from tests.stock_sync_listings import SyncWorld, admin, change_body, open_world, post_change, wait_until
from tts_connector.listings.records import Listing

RESULT_NAME = "price_stock_sync"
REQUIRED_KEYS = (
    "events",
    "final_mismatches",
    "tiktok_update_calls",
    "update_calls_per_product_per_window",
    "event_to_tiktok_ms_p50",
    "event_to_tiktok_ms_p95",
    "ack_ms_p99",
    "reconcile_skus",
    "reconcile_drifted",
    "reconcile_writes",
    "reconcile_seconds",
    "reconcile_magento_calls",
    "reconcile_tiktok_calls",
)
WINDOW_SECONDS = 2.0
SENDERS = 4
SETTLE_TIMEOUT = 600.0


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))], 1) if ordered else 0.0


class Catalogue:
    """The listed SKUs, what Magento holds for them, and every value each SKU took (for the latency)."""

    def __init__(self, world: SyncWorld) -> None:
        self.world = world
        self.listings: list[Listing] = []
        self.product_of: dict[str, Listing] = {}
        # (sku, kind) -> [(applied at, value)], in the order they were applied to Magento.
        self.history: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
        self.lock = threading.Lock()

    def add(self, prefix: str, sizes: list[int], rng: random.Random) -> list[Listing]:
        added = []
        for number, size in enumerate(sizes):
            skus = {
                f"{prefix}{number:04d}-{n}": (f"{rng.randint(500, 9999) / 100:.2f}", rng.randint(1, 40))
                for n in range(size)
            }
            added.append(self.world.list_product(f"{prefix}{number:04d}", skus, wait_live=False))
        tiktok = self.world.tiktok
        if not wait_until(lambda: all(tiktok.product(x.tiktok_product_id)["status"] == "ACTIVATE" for x in added), 300):
            raise RuntimeError("TikTok did not approve the benchmark's products")
        for listing in added:
            for sku in listing.skus:
                self.product_of[sku.magento_sku] = listing
        self.listings += added
        return added

    def magento_values(self, sku: str) -> tuple[str, int]:
        state = self.world.magento.state
        with state.lock:
            price = f"{Decimal(str(state.products[sku].values['price'])):.2f}"
            quantity = int(state.salable_quantity(sku))
        return price, quantity

    def apply(self, sku: str, kind: str, value: str) -> None:
        with self.lock:
            if kind == "price":
                self.world.set_price_silently(sku, value)
            else:
                self.world.set_quantity_silently(sku, float(value))
            self.history[(sku, kind)].append((time.time(), value))


def _settle(world: SyncWorld, catalogue: Catalogue, timeout: float) -> int:
    """Wait until TikTok holds Magento's values for every SKU (or the timeout); the mismatches left."""
    deadline = time.monotonic() + timeout
    mismatches = -1
    while time.monotonic() < deadline:
        tiktok = {x.tiktok_product_id: world.tiktok.product(x.tiktok_product_id) for x in catalogue.listings}
        mismatches = 0
        for listing in catalogue.listings:
            by_id = {s["id"]: s for s in tiktok[listing.tiktok_product_id]["skus"]}
            for sku in listing.skus:
                price, quantity = catalogue.magento_values(sku.magento_sku)
                shown = by_id[sku.tiktok_sku_id]
                stock = {i["warehouse_id"]: i["quantity"] for i in shown["inventory"]}
                if str(shown["price"]["sale_price"]) != price or stock.get(world.warehouse) != quantity:
                    mismatches += 1
        if mismatches == 0:
            return 0
        time.sleep(2.0)
    return mismatches


def _plan(catalogue: Catalogue, events: int, rng: random.Random) -> list[dict[str, Any]]:
    """The deliveries, in sending order: real changes, duplicates of earlier deliveries, stale hints."""
    skus = sorted(catalogue.product_of)
    plan: list[dict[str, Any]] = []
    current = {s: catalogue.magento_values(s) for s in skus}
    for index in range(events):
        roll = rng.random()
        if plan and roll < 0.15:
            plan.append({**rng.choice(plan), "duplicate": True})
            continue
        sku = rng.choice(skus)
        if plan and roll < 0.25:
            stale = rng.choice([p for p in plan[-200:] if not p.get("duplicate")])
            body = change_body("product_saved", [sku], price=stale["value"] if stale["kind"] == "price" else 1.0)
            body["occurred_at"] -= 3600
            plan.append({"body": body, "sku": sku, "kind": "stale", "value": None})
            continue
        kind = "price" if rng.random() < 0.5 else "stock"
        price, quantity = current[sku]
        if kind == "price":
            value = price
            while value == price:
                value = f"{rng.randint(500, 9999) / 100:.2f}"
            current[sku] = (value, quantity)
        else:
            value = str(quantity)
            while value == str(quantity):
                value = str(rng.randint(0, 60))
            current[sku] = (price, int(value))
        event = "product_saved" if kind == "price" else "stock_changed"
        plan.append(
            {"body": change_body(event, [sku], event_id=f"bench-{index}"), "sku": sku, "kind": kind, "value": value}
        )
    # Out of order: each delivery moves up to 30 places from where it was produced.
    keyed = sorted(enumerate(plan), key=lambda p: p[0] + rng.uniform(-30, 30))
    return [p for _, p in keyed]


def _send(
    world: SyncWorld, catalogue: Catalogue, plan: list[dict[str, Any]]
) -> tuple[list[float], list[tuple[dict[str, Any], float]], int]:
    acks: list[float] = []
    sent: list[tuple[dict[str, Any], float]] = []
    retried: list[int] = []
    lock = threading.Lock()
    cursor = iter(range(len(plan)))

    def worker() -> None:
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            item = plan[index]
            if item["kind"] in ("price", "stock") and not item.get("duplicate"):
                catalogue.apply(item["sku"], item["kind"], item["value"])
            began = time.time()
            for attempt in range(10):
                started = time.time()
                response = post_change(world.stack, item["body"])
                ack = time.time() - started
                if response.status_code < 500:
                    break
                with lock:
                    retried.append(attempt)  # a store's sender retries a 5xx (e.g. a worker starting cold)
                time.sleep(min(5.0, 0.5 * 2**attempt))
            if response.status_code != 200:
                raise RuntimeError(f"POST /magento/events answered {response.status_code}: {response.text[:200]}")
            with lock:
                acks.append(ack * 1000)
                if item["kind"] in ("price", "stock") and not item.get("duplicate"):
                    sent.append((item, began))

    with ThreadPoolExecutor(SENDERS) as pool:
        for future in [pool.submit(worker) for _ in range(SENDERS)]:
            future.result()
    return acks, sent, len(retried)


def _warm_senders(world: SyncWorld) -> None:
    """As many warm intake workers as senders (the local stack starts one per concurrent request, cold)."""

    def warm(n: int) -> None:
        body = change_body("stock_changed", ["BENCH-WARM-UP"], event_id=f"warm-{n}-{time.time_ns()}")
        wait_until(lambda: post_change(world.stack, body).status_code == 200, timeout=120, interval=0.2)

    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(warm, range(SENDERS)))


def _journal(world: SyncWorld, since: float, until: float) -> list[dict[str, Any]]:
    return [e for e in world.tiktok.update_log(since) if e["at"] <= until]


def _latencies(
    catalogue: Catalogue, sent: list[tuple[dict[str, Any], float]], journal: list[dict[str, Any]]
) -> list[float]:
    """For each real change: from its send to TikTok accepting that value or one applied after it."""
    by_sku: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
    sku_of_id = {s.tiktok_sku_id: s.magento_sku for x in catalogue.listings for s in x.skus}
    for entry in journal:
        kind = "price" if entry["kind"] == "price" else "stock"
        for sku_id, value in entry["skus"].items():
            shown = str(value) if kind == "price" else str(next(iter(value.values())))
            by_sku[(sku_of_id[sku_id], kind)].append((entry["at"], shown))
    latencies = []
    for item, sent_at in sent:
        key = (item["sku"], item["kind"])
        history = catalogue.history[key]
        applied_at = max(t for t, v in history if v == item["value"] and t <= sent_at)
        later_values = {v for t, v in history if t >= applied_at}
        hit = next((t for t, v in sorted(by_sku[key]) if t >= applied_at and v in later_values), None)
        if hit is not None:
            latencies.append((hit - sent_at) * 1000)
    return latencies


def _per_window(
    catalogue: Catalogue, sent: list[tuple[dict[str, Any], float]], journal: list[dict[str, Any]]
) -> tuple[float, int]:
    windows: dict[tuple[str, str], set[int]] = defaultdict(set)
    for item, sent_at in sent:
        product = catalogue.product_of[item["sku"]].tiktok_product_id
        windows[(product, "price" if item["kind"] == "price" else "inventory")].add(int(sent_at // WINDOW_SECONDS))
    calls: dict[tuple[str, str], list[float]] = defaultdict(list)
    for entry in journal:
        calls[(entry["product_id"], entry["kind"])].append(entry["at"])
    ratio = max((len(times) / max(1, len(windows.get(key, ()))) for key, times in calls.items()), default=0.0)
    sliding = 0
    for times in calls.values():
        times.sort()
        start = 0
        for end, at in enumerate(times):
            while at - times[start] >= WINDOW_SECONDS:
                start += 1
            sliding = max(sliding, end - start + 1)
    return round(ratio, 3), sliding


def _event_phase(world: SyncWorld, catalogue: Catalogue, events: int, rng: random.Random) -> dict[str, Any]:
    plan = _plan(catalogue, events, rng)
    since = time.time()
    _warm_senders(world)
    acks, sent, retries = _send(world, catalogue, plan)
    mismatches = _settle(world, catalogue, SETTLE_TIMEOUT)
    time.sleep(WINDOW_SECONDS * 3)  # let any last flush land before reading the journal
    journal = _journal(world, since, time.time())
    latencies = _latencies(catalogue, sent, journal)
    ratio, sliding = _per_window(catalogue, sent, journal)
    return {
        "events": len(plan),
        "real_changes": len(sent),
        "final_mismatches": mismatches,
        "tiktok_update_calls": len(journal),
        "update_calls_per_product_per_window": ratio,
        "max_calls_per_product_in_any_window": sliding,
        "event_to_tiktok_ms_p50": _pct(latencies, 50),
        "event_to_tiktok_ms_p95": _pct(latencies, 95),
        "latency_samples": len(latencies),
        "ack_ms_p50": _pct(acks, 50),
        "ack_ms_p99": _pct(acks, 99),
        "ack_retries_5xx": retries,
        "send_seconds": round(max(t for _, t in sent) - since, 1) if sent else 0.0,
    }


def _latest_run(world: SyncWorld) -> dict[str, Any] | None:
    runs = admin(world.stack, "GET", "/admin/sync/status").json()[0]["recent_runs"]
    return runs[0] if runs else None


def _reconcile(world: SyncWorld, start: Callable[[], Any]) -> tuple[dict[str, Any], float]:
    before = _latest_run(world)
    began = time.time()
    start()
    if not wait_until(lambda: _latest_run(world) not in (None, before), timeout=SETTLE_TIMEOUT, interval=0.5):
        raise RuntimeError("the reconciliation run did not finish")
    run = _latest_run(world)
    assert run is not None
    return run, began


def _reconcile_phase(world: SyncWorld, catalogue: Catalogue, drift_share: float, rng: random.Random) -> dict[str, Any]:
    _reconcile(
        world, lambda: admin(world.stack, "POST", f"/admin/sync/reconcile/{world.shop.shop_id}").raise_for_status()
    )
    skus = sorted(catalogue.product_of)
    drifted = rng.sample(skus, max(2, round(len(skus) * drift_share)))
    expected: set[tuple[str, str]] = set()
    for index, sku in enumerate(drifted):
        price, quantity = catalogue.magento_values(sku)
        if index % 2 == 0:
            world.set_price_silently(sku, f"{Decimal(price) + Decimal('1.11'):.2f}")
            expected.add((catalogue.product_of[sku].tiktok_product_id, "price"))
        else:
            world.set_quantity_silently(sku, quantity + 3)
            expected.add((catalogue.product_of[sku].tiktok_product_id, "inventory"))
    magento_before = len(world.magento.requests())
    run, began = _reconcile(world, lambda: world.stack.fire_schedule("StockReconcileFunction.Reconcile"))
    journal = _journal(world, began, time.time())
    return {
        "reconcile_skus": run["skus_checked"],
        "reconcile_drifted": run["skus_drifted"],
        "reconcile_drift_made": len(drifted),
        "reconcile_writes": len(journal),
        "reconcile_expected_writes": len(expected),
        "reconcile_seconds": round(float(run["updated_at"]) - began, 1),
        "reconcile_magento_calls": run["magento_calls"],
        "reconcile_magento_requests_seen": len(world.magento.requests()) - magento_before,
        "reconcile_tiktok_calls": run["tiktok_calls"],
        "reconcile_final_mismatches": _settle(world, catalogue, 60),
    }


@contextmanager
def listed_world(
    prefix: str, sizes: list[int], rng: random.Random
) -> Iterator[tuple[SyncWorld, Catalogue, dict[str, Any]]]:
    """A local stack serving the shop, products of `sizes` SKUs listed, and a first reconciliation run (what
    TikTok then holds is what the connector last pushed)."""
    with tempfile.TemporaryDirectory() as state:
        config = StackConfig(
            state_dir=Path(state),
            time_scale=1.0,
            run_schedules=False,
            magento_event_format=None,
            function_env={"TIKTOK_RATE_PER_SECOND": "40"},
        )
        with LocalStack(config) as stack:
            world = open_world(stack)
            catalogue = Catalogue(world)
            catalogue.add(prefix, sizes, rng)
            baseline, _ = _reconcile(
                world, lambda: admin(stack, "POST", f"/admin/sync/reconcile/{world.shop.shop_id}").raise_for_status()
            )
            yield world, catalogue, baseline


def run(smoke: bool = False) -> dict[str, Any]:
    rng = random.Random(12)
    sizes = [2, 1] if smoke else [2] * 100 + [3] * 100 + [5] * 100
    more = [4] * (1 if smoke else 1000)
    events = 20 if smoke else 10_000
    with listed_world("BE", sizes, rng) as (world, catalogue, baseline):
        result: dict[str, Any] = {"listed_skus": baseline["skus_checked"]}
        result |= _event_phase(world, catalogue, events, rng)
        catalogue.add("BR", more, rng)
        result |= _reconcile_phase(world, catalogue, 0.02, rng)
        result["note"] = (
            "Events over HTTP (signed format) through the local stack on a shared 2-core machine; "
            f"{SENDERS} senders; TIKTOK_RATE_PER_SECOND=40; window {WINDOW_SECONDS:g} s"
        )
    return result
