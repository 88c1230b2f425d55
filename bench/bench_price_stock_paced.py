"""Price and stock sync latency at a steady arrival rate the local stack can absorb.

bench_price_stock_sync sends its 10,000 events as fast as 4 senders can. On this machine that is the
local stack's whole capacity (about 5 events/s: the intake and the change consumer make about 15 emulated
AWS calls per event, and the emulator serves about 70 a second), so its event-to-TikTok times measure the
emulator's queue, not the connector. This one sends the same mix of events (real changes, duplicates, stale
hints, shuffled) from one sender at a fixed rate well below that capacity, and measures the same keys: what
a store sending a change now and then sees, through the same signed intake, change consumer, coalescing
window and flush.
"""

from __future__ import annotations

import random
import time
from typing import Any

from bench.bench_price_stock_sync import (
    SETTLE_TIMEOUT,
    Catalogue,
    _journal,
    _latencies,
    _pct,
    _per_window,
    _plan,
    _settle,
    _warm_senders,
    listed_world,
)
from tests.stock_sync_listings import SyncWorld, post_change

RESULT_NAME = "price_stock_sync_paced"
REQUIRED_KEYS = (
    "events",
    "events_per_second",
    "final_mismatches",
    "update_calls_per_product_per_window",
    "event_to_tiktok_ms_p50",
    "event_to_tiktok_ms_p95",
    "ack_ms_p99",
)
EVENTS_PER_SECOND = 1.0


def _send_paced(
    world: SyncWorld, catalogue: Catalogue, plan: list[dict[str, Any]], rate: float
) -> tuple[list[float], list[tuple[dict[str, Any], float]]]:
    acks: list[float] = []
    sent: list[tuple[dict[str, Any], float]] = []
    began = time.time()
    for index, item in enumerate(plan):
        time.sleep(max(0.0, began + index / rate - time.time()))
        real = item["kind"] in ("price", "stock") and not item.get("duplicate")
        if real:
            catalogue.apply(item["sku"], item["kind"], item["value"])
        at = time.time()
        response = post_change(world.stack, item["body"])
        acks.append((time.time() - at) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"POST /magento/events answered {response.status_code}: {response.text[:200]}")
        if real:
            sent.append((item, at))
    return acks, sent


def run(smoke: bool = False) -> dict[str, Any]:
    rng = random.Random(21)
    sizes = [2, 1] if smoke else [2] * 34 + [3] * 33 + [5] * 33
    events = 10 if smoke else 300
    rate = 5.0 if smoke else EVENTS_PER_SECOND
    with listed_world("BP", sizes, rng) as (world, catalogue, _):
        plan = _plan(catalogue, events, rng)
        _warm_senders(world)
        since = time.time()
        acks, sent = _send_paced(world, catalogue, plan, rate)
        mismatches = _settle(world, catalogue, SETTLE_TIMEOUT)
        time.sleep(6.0)  # let any last flush land before reading the journal
        journal = _journal(world, since, time.time())
        latencies = _latencies(catalogue, sent, journal)
        ratio, sliding = _per_window(catalogue, sent, journal)
        return {
            "events": len(plan),
            "events_per_second": rate,
            "real_changes": len(sent),
            "listed_skus": sum(sizes),
            "final_mismatches": mismatches,
            "tiktok_update_calls": len(journal),
            "update_calls_per_product_per_window": ratio,
            "max_calls_per_product_in_any_window": sliding,
            "event_to_tiktok_ms_p50": _pct(latencies, 50),
            "event_to_tiktok_ms_p95": _pct(latencies, 95),
            "latency_samples": len(latencies),
            "ack_ms_p50": _pct(acks, 50),
            "ack_ms_p99": _pct(acks, 99),
            "note": (
                "One sender at a fixed rate, through the local stack on a 2-core machine; same event mix as "
                "bench_price_stock_sync (15 % duplicates, 10 % stale hints, shuffled); window 2 s"
            ),
        }
