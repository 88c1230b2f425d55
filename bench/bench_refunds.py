"""Refunds through the local stack: returns over imported orders, every webhook delivered 3 times, shuffled.

Orders (one to three tees priced 20.00 in TikTok and 25.00 in Magento, plus a tote; some with a shipping fee)
are imported first. Each order then gets two returns in the TikTok sandbox while it holds its webhooks: a return
of the first line with the parcel, and a refund-only request for the rest, half of them for less than the items
are worth (partial refunds); unshipped orders refund their shipping with the request that takes the last line.
Every credit memo therefore needs an adjustment (Magento's prices and shipping differ from TikTok's). The bench
posts each held return webhook three times, signed, shuffled, from 4 threads, through the connector's intake;
RefundEventsFunction consumes with two concurrent pollers.

Measured: time from a return's first post until Magento holds its credit memo (the sandbox state is watched in
process), credit memos per return (duplicates), every credit memo's grand total against TikTok's refund total,
orders Closed, and the machine's load while it ran.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.integration.order_import.stack_support import OrderStack, start_order_stack, wait_for
from tests.order_support import TEE_SKUS, TOTE_SKU, US_SHOP_ID

RESULT_NAME = "refunds"
REQUIRED_KEYS = (
    "returns",
    "credit_memos_created",
    "duplicates",
    "amount_mismatches",
    "webhook_to_credit_memo_ms_p95",
)
ORDERS, SMOKE_ORDERS = int(os.environ.get("BENCH_REFUND_ORDERS", "150")), 2
COPIES = 3
SENDERS = 4


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))] if ordered else 0.0


def _import_orders(stack: OrderStack, count: int, rng: random.Random) -> list[str]:
    ids: list[str] = []
    for _ in range(count):
        lines = [(stack.sku(rng.choice(TEE_SKUS)), rng.randint(1, 3)), (stack.sku(TOTE_SKU), 1)]
        placed = stack.tiktok.place_order(US_SHOP_ID, lines, shipping_fee=rng.choice(["0.00", "5.99"]))
        stack.tiktok.pay_order(str(placed["id"]))
        ids.append(str(placed["id"]))
    for order_id in ids:
        stack.wait_state(order_id, "imported", timeout=600)
    return ids


def _open_returns(stack: OrderStack, order_ids: list[str], rng: random.Random) -> dict[str, Decimal]:
    """return id -> TikTok refund_total."""
    state = stack.tiktok.core.state
    totals: dict[str, Decimal] = {}
    for order_id in order_ids:
        lines = [i["id"] for i in stack.tiktok.order(order_id)["line_items"]]
        first = stack.tiktok.open_return(order_id, line_item_ids=lines[:1], return_type="RETURN_AND_REFUND")
        stack.tiktok.complete_return(first)
        full = Decimal(state.returns[first].refund.total) / 100
        rest_full = (
            sum(
                (Decimal(i.sale_price + i.tax) for i in state.orders[order_id].line_items if i.id in lines[1:]),
                Decimal(0),
            )
            / 100
        )
        amount = f"{rest_full * Decimal('0.8'):.2f}" if rng.random() < 0.5 else None
        second = stack.tiktok.open_return(order_id, line_item_ids=lines[1:], return_type="REFUND", refund_amount=amount)
        stack.tiktok.complete_return(second)
        totals[first] = full
        totals[second] = Decimal(state.returns[second].refund.total) / 100
    return totals


class _Watcher:
    """When each return's credit memo shows up in Magento (its marker in the comment)."""

    def __init__(self, stack: OrderStack, wanted: set[str]) -> None:
        self._stack, self._wanted = stack, wanted
        self.first_seen: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._stack.magento.state.lock:
                texts = [c["comment"] for m in self._stack.magento.state.credit_memos.values() for c in m["comments"]]
            now = time.monotonic()
            for text in texts:
                for rid in self._wanted - self.first_seen.keys():
                    if f"[tts-return:{rid}]" in text:
                        self.first_seen[rid] = now
            self._stop.wait(0.05)

    def __enter__(self) -> _Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(smoke: bool = False) -> dict[str, Any]:
    rng = random.Random(14)
    count = SMOKE_ORDERS if smoke else ORDERS
    began = time.monotonic()
    loads = [os.getloadavg()[0]]
    prices = dict.fromkeys(TEE_SKUS, "20.00") | {TOTE_SKU: "39.00"}
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_order_stack(Path(tmp), prices=prices, stock=10_000)
        try:
            order_ids = _import_orders(stack, count, rng)
            loads.append(os.getloadavg()[0])
            stack.settle(timeout=300)
            stack.tiktok.hold_webhooks()
            totals = _open_returns(stack, order_ids, rng)
            bodies = [
                (json.loads(b)["data"]["return_id"], b)
                for order_id in order_ids
                for b in stack.held_webhooks(order_id)
                if b"return_id" in b
            ]
            posts = [item for item in bodies for _ in range(COPIES)]
            rng.shuffle(posts)
            first_post: dict[str, float] = {}
            lock = threading.Lock()

            refused: list[int] = []

            def post(item: tuple[str, bytes]) -> None:
                with lock:
                    first_post.setdefault(item[0], time.monotonic())
                # TikTok retries a delivery that was not acknowledged; so does the bench (counted).
                for _ in range(5):
                    status = stack.post_webhook(item[1]).status_code
                    if status == 200:
                        return
                    refused.append(status)
                    time.sleep(1)

            with _Watcher(stack, set(totals)) as watcher:
                with ThreadPoolExecutor(SENDERS) as pool:
                    list(pool.map(post, posts))
                wait_for(lambda: watcher.first_seen.keys() >= totals.keys(), "every credit memo", timeout=600)
            loads.append(os.getloadavg()[0])
            stack.settle(timeout=300)
            with stack.magento.state.lock:
                memos = [dict(m) for m in stack.magento.state.credit_memos.values()]
                orders = [dict(o) for o in stack.magento.state.orders.values()]
            per_return: dict[str, list[dict[str, Any]]] = {rid: [] for rid in totals}
            for memo in memos:
                for rid in totals:
                    if any(f"[tts-return:{rid}]" in c["comment"] for c in memo["comments"]):
                        per_return[rid].append(memo)
            mismatches = [
                rid
                for rid, found in per_return.items()
                for m in found
                if Decimal(str(m["grand_total"])).quantize(Decimal("0.01")) != totals[rid]
            ]
            latencies = [(watcher.first_seen[r] - first_post[r]) * 1000 for r in totals if r in first_post]
            adjusted = sum(1 for m in memos if m["adjustment_positive"] or m["adjustment_negative"])
            return {
                "returns": len(totals),
                "credit_memos_created": sum(1 for found in per_return.values() if found),
                "duplicates": sum(max(0, len(found) - 1) for found in per_return.values()),
                "amount_mismatches": len(mismatches),
                "webhook_to_credit_memo_ms_p50": round(_percentile(latencies, 50), 1),
                "webhook_to_credit_memo_ms_p95": round(_percentile(latencies, 95), 1),
                "credit_memos_with_adjustment": adjusted,
                "orders": len(order_ids),
                "orders_closed": sum(1 for o in orders if o["state"] == "closed"),
                "webhooks_posted": len(posts),
                "webhook_posts_not_acknowledged": len(refused),
                "wall_seconds": round(time.monotonic() - began, 1),
                "load_average_1m": [round(x, 2) for x in loads],
                "cores": os.cpu_count(),
                "smoke": smoke,
            }
        finally:
            stack.stack.stop()
