"""Local stack: start-up time (target < 20 s), webhook acknowledgement latency, webhook-to-routed latency."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from local_stack import LocalStack, StackConfig
from tests.helpers import encode, sign_tiktok_webhook, tiktok_notification

STARTS = 3
WEBHOOKS = 40


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def run(smoke: bool = False) -> dict[str, Any]:
    startups: list[float] = []
    starts, samples = (1, 5) if smoke else (STARTS, WEBHOOKS)
    with tempfile.TemporaryDirectory() as state:
        for _ in range(starts):
            stack = LocalStack(StackConfig(state_dir=Path(state), run_schedules=False))
            began = time.perf_counter()
            stack.start()
            requests.get(f"{stack.url}/health", timeout=30).raise_for_status()
            startups.append(time.perf_counter() - began)
            stack.stop()

        with LocalStack(StackConfig(state_dir=Path(state), run_schedules=False)) as stack:
            assert stack.tiktok is not None
            creds = stack.tiktok.credentials
            acks: list[float] = []
            routed: list[float] = []
            table = stack.physical("EventsTable")
            dynamodb = stack.client("dynamodb")
            for i in range(samples):
                # Topic 6 is routed through the shop events queue to its handler (the shop is unknown: IGNORED).
                body = encode(tiktok_notification(topic=6, notification_id=f"bench-{i}", data={}))
                signature = sign_tiktok_webhook(creds["app_key"], creds["app_secret"], body)
                sent = time.perf_counter()
                response = requests.post(
                    f"{stack.url}/webhooks/tiktok", data=body, headers={"Authorization": signature}, timeout=30
                )
                response.raise_for_status()
                acks.append(time.perf_counter() - sent)
                while True:
                    item = dynamodb.get_item(TableName=table, Key={"event_key": {"S": f"tts:bench-{i}"}}).get("Item")
                    if item and item["status"]["S"] in ("IGNORED", "PROCESSED"):
                        break
                    if time.perf_counter() - sent > 30:
                        raise RuntimeError(f"webhook bench-{i} was not routed within 30 s")
                    time.sleep(0.01)
                routed.append(time.perf_counter() - sent)
    warm_acks = acks[1:]
    return {
        "startup_seconds": {"runs": [round(s, 3) for s in startups], "max": round(max(startups), 3), "target": 20},
        "webhook_ack_ms": {
            "cold": round(acks[0] * 1000, 1),
            "p50": round(statistics.median(warm_acks) * 1000, 1),
            "p95": round(_percentile(warm_acks, 95) * 1000, 1),
            "tiktok_deadline": 3000,
        },
        "webhook_to_routed_ms": {
            "p50": round(statistics.median(routed[1:]) * 1000, 1),
            "p95": round(_percentile(routed[1:], 95) * 1000, 1),
        },
        "samples": samples,
    }
