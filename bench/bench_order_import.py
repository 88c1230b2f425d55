"""Order import through the local stack: 500 orders, every webhook delivered 3 times, shuffled, 2 consumers.

Orders (60% seller shipping, 40% TikTok shipping; 1-5 lines of six SKUs, one or two units each; seller and
platform discounts, tax and shipping fees) are placed and paid in the TikTok sandbox, and TikTok-shipping
orders are handed to the carrier (Awaiting Collection), while the sandbox holds its webhooks. The bench then
posts each held webhook three times, signed, at random moments within `SPREAD_SECONDS` of its order's turn,
one order's turn every 1/`ORDERS_PER_SECOND` s, from 4 sender threads: duplicates, reordering within and
across orders, all through the connector's own intake. OrderEventsFunction consumes with two concurrent
pollers (the template's ScalingConfig). The connector runs with the template's defaults (TikTok rate limit
5 calls/s per shop and API group).

Measured: acknowledgement time of every post; time from an order's first post until Magento holds its order
(the sandbox state is watched in process); the final state of every order (seller: invoiced, Processing;
TikTok shipping: shipped with TikTok's tracking, Complete) and of its record; calls each sandbox received.
A second phase (`burst`) posts 100 more orders' webhooks at once: its orders_per_minute is what the two
consumers sustain when backlogged. The main keys come from the paced phase (`BENCH_ORDER_RATE`, default 0.5
orders/s, below that capacity on the shared 2-core machine this runs on, so latencies are not a backlog's).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from local_stack.warm import warm_order_functions
from tests.integration.order_import.stack_support import OrderStack, start_order_stack, wait_for
from tests.order_support import US_SHOP_ID

RESULT_NAME = "order_import"
REQUIRED_KEYS = (
    "orders",
    "magento_orders_created",
    "duplicates",
    "wrong_state",
    "ack_ms_p50",
    "ack_ms_p99",
    "webhook_to_magento_ms_p50",
    "webhook_to_magento_ms_p95",
    "magento_calls_per_order",
    "tiktok_calls_per_order",
    "orders_per_minute",
)
ORDERS, SMOKE_ORDERS = 500, 4
BURST, SMOKE_BURST = 100, 3
COPIES = 3
# Below what the pipeline sustains on the 2 shared cores this ran on (the burst phase measures that), so
# the latencies are the pipeline's, not a backlog's.
ORDERS_PER_SECOND = float(os.environ.get("BENCH_ORDER_RATE", "0.5"))
BURST_RATE = 1000.0
SPREAD_SECONDS = 3.0
SENDERS = 4
SKUS = ("MS-TEE-S-BLA", "MS-TEE-M-BLA", "MS-TEE-L-BLA", "MS-TEE-S-RED", "MS-TEE-M-RED", "MS-TEE-L-RED")


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _place_orders(orders: OrderStack, count: int, rng: random.Random) -> dict[str, str]:
    """TikTok order id -> shipping type; the sandbox holds every webhook."""
    placed: dict[str, str] = {}
    for _ in range(count):
        lines = [(orders.sku(sku), rng.randint(1, 2)) for sku in rng.sample(SKUS, rng.randint(1, 5))]
        shipping = "SELLER" if rng.random() < 0.6 else "TIKTOK"
        units = sum(q for _, q in lines)
        charges = {
            "seller_discount": f"{rng.choice([0, 1, 2.5]) * units:.2f}",
            "platform_discount": f"{rng.choice([0, 0.5, 1]) * units:.2f}",
            "tax": f"{units * 1.75:.2f}",
            "shipping_fee": rng.choice(["0.00", "4.99"]),
        }
        order = orders.tiktok.place_order(US_SHOP_ID, lines, shipping_type=shipping, **charges)
        orders.tiktok.pay_order(order["id"])
        if shipping == "TIKTOK":
            orders.tiktok.arrange_shipment(order["id"])
        placed[str(order["id"])] = shipping
    return placed


class _MagentoWatcher:
    """When each TikTok order's Magento order first exists (the sandbox state, polled in process)."""

    def __init__(self, orders: OrderStack, wanted: set[str]) -> None:
        self._orders, self._wanted = orders, wanted
        self.seen: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        state = self._orders.magento.state
        while not self._stop.is_set():
            with state.lock:
                emails = [str(o.get("customer_email") or "") for o in state.orders.values()]
            now = time.perf_counter()
            counts: dict[str, int] = {}
            for email in emails:
                order_id = email.removeprefix("tiktok+").split("@", 1)[0]
                if order_id in self._wanted:
                    counts[order_id] = counts.get(order_id, 0) + 1
                    self.seen.setdefault(order_id, now)
            self.counts = counts
            self._stop.wait(0.02)

    def __enter__(self) -> _MagentoWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _deliver(
    orders: OrderStack, placed: dict[str, str], rng: random.Random, rate: float
) -> tuple[list[float], dict[str, float], list[int]]:
    """Post every held webhook COPIES times on a shuffled schedule; ack times and each order's first post."""
    schedule: list[tuple[float, str, bytes]] = []
    for turn, order_id in enumerate(placed):
        for body in orders.held_webhooks(order_id):
            schedule += [(turn / rate + rng.uniform(0, SPREAD_SECONDS), order_id, body) for _ in range(COPIES)]
    schedule.sort(key=lambda s: s[0])
    # The webhook workers the senders keep busy start before the clock runs (provisioned concurrency).
    warm_order_functions(orders.stack, webhook_workers=SENDERS)
    acks: list[float] = []
    errors: list[int] = []
    first: dict[str, float] = {}
    lock = threading.Lock()
    began = time.perf_counter()

    def post(item: tuple[float, str, bytes]) -> None:
        at, order_id, body = item
        delay = began + at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        for attempt in range(3):
            sent = time.perf_counter()
            with lock:
                first.setdefault(order_id, sent)
            response = orders.post_webhook(body)
            elapsed = time.perf_counter() - sent
            with lock:
                acks.append(elapsed)
                if response.status_code == 200:
                    return
                errors.append(response.status_code)
            time.sleep(1.0 * (attempt + 1))  # TikTok retries too (after 2 minutes)
        raise RuntimeError(f"webhook answered {response.status_code} three times: {response.text[:200]}")

    with ThreadPoolExecutor(SENDERS) as pool:
        began = time.perf_counter()
        list(pool.map(post, schedule))
    return acks, first, errors


def _expected(record: Any, magento: list[dict[str, Any]], shipping: str) -> bool:
    want_state, want_magento = ("shipped", "complete") if shipping == "TIKTOK" else ("imported", "processing")
    return (
        record is not None
        and record.state.value == want_state
        and len(magento) == 1
        and magento[0]["state"] == want_magento
    )


def _phase(orders: OrderStack, count: int, rate: float, rng: random.Random) -> dict[str, Any]:
    """Place `count` orders with their webhooks held, deliver them at `rate` orders/s, check every outcome."""
    orders.tiktok.hold_webhooks()
    try:
        placed = _place_orders(orders, count, rng)
        magento_before = len(orders.magento.requests())
        tiktok_stats = orders.tiktok.rate_limit_stats()
        tiktok_before = tiktok_stats["allowed"] + tiktok_stats["throttled"]
        loads: list[float] = []
        with _MagentoWatcher(orders, set(placed)) as watcher:
            began = time.perf_counter()
            acks, first, errors = _deliver(orders, placed, rng, rate)
            loads.append(os.getloadavg()[0])

            def done() -> bool:
                return all(_expected(orders.record(o), orders.magento_orders(o), s) for o, s in placed.items())

            try:
                wait_for(lambda: len(watcher.seen) == len(placed) or None, "Magento orders", timeout=300 + count * 2)
                wait_for(done, "final states", timeout=60 + count / 5, interval=1.0)
            except AssertionError:
                pass  # reported as wrong_state
            finished = max(watcher.seen.values(), default=time.perf_counter())
            loads.append(os.getloadavg()[0])
        wrong = [o for o, s in placed.items() if not _expected(orders.record(o), orders.magento_orders(o), s)]
        latencies = [watcher.seen[o] - first[o] for o in placed if o in watcher.seen and o in first]
        stats = orders.tiktok.rate_limit_stats()
        tiktok_calls = stats["allowed"] + stats["throttled"] - tiktok_before
        magento_calls = len(orders.magento.requests()) - magento_before
        counts = watcher.counts
    finally:
        orders.tiktok.release_webhooks()
        orders.settle()
    return {
        "orders": count,
        "seller_shipping_orders": sum(1 for s in placed.values() if s == "SELLER"),
        "webhooks_posted": len(acks),
        "webhook_errors": len(errors),
        "magento_orders_created": sum(1 for o in placed if counts.get(o)),
        "duplicates": sum(max(0, n - 1) for n in counts.values()),
        "wrong_state": len(wrong),
        "ack_ms_p50": round(statistics.median(acks) * 1000, 1),
        "ack_ms_p99": round(_percentile(acks, 99) * 1000, 1),
        "webhook_to_magento_ms_p50": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "webhook_to_magento_ms_p95": round(_percentile(latencies, 95) * 1000, 1) if latencies else None,
        "magento_calls_per_order": round(magento_calls / count, 1),
        "tiktok_calls_per_order": round(tiktok_calls / count, 2),
        "orders_per_minute": round(count / max(finished - began, 1e-9) * 60, 1),
        "arrival_orders_per_second": rate,
        # The machine is shared with other work: its load explains slow acknowledgements and processing.
        "load_average_1m": [round(x, 2) for x in loads],
    }


def run(smoke: bool = False) -> dict[str, Any]:
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as state:
        orders = start_order_stack(
            Path(state), prices=dict.fromkeys(SKUS, "25.00"), stock=99_999, time_scale=0.01, function_env={}
        )
        try:
            # Not measured: each consumer's first events open its clients (secrets, tokens, connections).
            _phase(orders, 2, BURST_RATE, rng)
            paced = _phase(orders, SMOKE_ORDERS if smoke else ORDERS, BURST_RATE if smoke else ORDERS_PER_SECOND, rng)
            burst = _phase(orders, SMOKE_BURST if smoke else BURST, BURST_RATE, rng)
        finally:
            orders.stack.stop()
    return paced | {
        "cpus": os.cpu_count(),
        # Every order's webhooks at once: what the two consumers sustain (orders_per_minute) when backlogged.
        "burst": {
            k: burst[k]
            for k in (
                "orders",
                "duplicates",
                "wrong_state",
                "orders_per_minute",
                "webhook_to_magento_ms_p50",
                "webhook_to_magento_ms_p95",
                "load_average_1m",
            )
        },
        "goals": {"duplicates": 0, "wrong_state": 0, "ack_ms_p99": "< 100", "webhook_to_magento_ms_p95": "< 10000"},
    }
