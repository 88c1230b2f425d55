"""Product push at TikTok's rate limit: a whole generated catalogue pushed as one job through the local stack.

The TikTok sandbox is set to 50 QPS per shop and API (TikTok's documented default, reference §8.3) with
about 50 ms latency; the Magento sandbox holds 2,000 generated listable products (a quarter configurable
with 4-6 children, 3 images each drawn from a shared pool, so images repeat across products, over 20
categories). One `POST /admin/push/products` for their parent category; several ProductPushFunction
workers (the queue's MaximumConcurrency), ten products per batch in threads. The sandboxes run in
processes of their own (TikTok and Magento do not share the stack's process); audits are left pending
(no 4,000 webhooks): the measurement is the push.

Reported:
  create_calls_per_second   Create Product calls per second between the first and the last create
  qps_ceiling               the sandbox's limit for that API (50)
  http_429_rate             TikTok's 429s / all TikTok calls during the push
  tiktok_calls_per_product  TikTok API calls during the push / products
  magento_calls_per_product Magento REST reads during the push / products (the write-back's one PUT per
                            product, on its own queue, is not a read and not counted)
  image_uploads             upload calls, to compare with unique_images (images used by the products)
  peak_worker_rss_mb        highest peak RSS a ProductPushFunction worker reported
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from local_stack import LocalStack, StackConfig
from local_stack.sandboxes import magento_endpoint, tiktok_endpoint
from local_stack.stack import free_port
from magento_sandbox.config import SandboxConfig as MagentoDefaults
from tests.integration.product_push import support as s
from tiktok_sandbox.config import SandboxConfig as TikTokDefaults

RESULT_NAME = "product_push"
REQUIRED_KEYS = (
    "products",
    "succeeded",
    "failed",
    "wall_seconds",
    "create_calls_per_second",
    "qps_ceiling",
    "create_rate_vs_ceiling",
    "http_429_rate",
    "tiktok_calls_per_product",
    "magento_calls_per_product",
    "image_uploads",
    "unique_images",
    "peak_worker_rss_mb",
)
QPS = 50.0
LATENCY = 0.05
# The catalogue is 2,000 products; BENCH_PRODUCTS runs a smaller one on a busy machine (reported).
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "2000"))
SMOKE_PRODUCTS = 5
WORKERS = 5


def _log_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for raw in path.read_text().splitlines():
        if raw.startswith("{"):
            try:
                lines.append(json.loads(raw))
            except ValueError:
                continue
    return lines


def _when(line: dict[str, Any]) -> float:
    return datetime.strptime(line["timestamp"], "%Y-%m-%d %H:%M:%S,%f%z").timestamp()


@contextmanager
def _sandbox(module: str, port: int, ready: str, *args: str) -> Iterator[str]:
    """A sandbox in a process of its own, as TikTok and Magento are not in the stack's process."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}{ready}", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{module} did not start")
            time.sleep(0.2)
        yield base

    finally:
        process.terminate()
        process.wait(timeout=30)


def _json(method: str, url: str, body: Any = None) -> Any:
    response = requests.request(method, url, json=body, timeout=600)
    response.raise_for_status()
    return response.json()


def generate_catalogue(magento: str, count: int) -> Any:
    """The issue's catalogue in the Magento sandbox: a quarter configurable, 3 images each, 20 categories."""
    body = {"products": count, "configurable_share": 0.25, "images_per_product": 3, "categories": 20}
    return _json("POST", f"{magento}/_sandbox/catalog/generate", {**body, "sku_prefix": "BENCH"})


def _await_job(stack: LocalStack, job_id: str, timeout: float) -> tuple[dict[str, Any], list[str]]:
    """The finished job, polled with counters only every 2 s; a failed poll is recorded, not fatal, as the CLI's
    progress bar keeps polling: the run reports how many polls failed instead of losing its measurement."""
    errors: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = s.admin(stack, "GET", f"/admin/jobs/{job_id}", params={"limit": 0})
        if response.status_code != 200:
            errors.append(f"{response.status_code}: {response.text[:200]}")
        elif response.json()["job"]["status"] == "COMPLETED":
            return dict(response.json()), errors
        time.sleep(2.0)
    raise AssertionError(f"job {job_id} did not finish in {timeout:g} s; failed polls: {errors[-3:]}")


def run(smoke: bool = False) -> dict[str, Any]:
    count = SMOKE_PRODUCTS if smoke else PRODUCTS
    stack_port, tiktok_port, magento_port = free_port(), free_port(), free_port()
    stack_url = f"http://127.0.0.1:{stack_port}"
    tiktok_args = [
        "--callback-url",
        f"{stack_url}/tts/authorization/code",
        "--webhook-url",
        f"{stack_url}/webhooks/tiktok",
    ]
    tiktok_args += ["--rate-limit-qps", str(QPS), "--manual-audits"]
    with (
        tempfile.TemporaryDirectory() as state,
        _sandbox("tiktok_sandbox", tiktok_port, "/_sandbox/route-calls", *tiktok_args) as tiktok,
        _sandbox("magento_sandbox", magento_port, "/_sandbox/health") as magento,
    ):
        config = StackConfig(
            state_dir=Path(state),
            port=stack_port,
            time_scale=0.1,
            run_schedules=False,
            max_concurrency=WORKERS,
            tiktok=tiktok_endpoint(tiktok, TikTokDefaults()),
            magento=magento_endpoint(magento, MagentoDefaults()),
            function_env={"PRODUCT_PUSH_RETRY_BASE_SECONDS": "1"},
        )
        with LocalStack(config) as stack:
            s.connect(stack)
            made = generate_catalogue(magento, count)
            s.map_category(stack, made["parent_category"], s.GRAPHIC_TEES)
            s.map_attribute(stack, tiktok_attribute_id=s.MATERIAL_APPAREL, fixed_value_name="Cotton")
            s.map_product_fields(stack)
            _json("POST", f"{tiktok}/_sandbox/latency", {"seconds": LATENCY})
            calls_before = _json("GET", f"{tiktok}/_sandbox/route-calls")
            limits_before = _json("GET", f"{tiktok}/_sandbox/rate-limit")
            magento_before = len(_json("GET", f"{magento}/_sandbox/requests"))

            began = time.perf_counter()
            job = s.push(stack, category_id=made["parent_category"])
            done, poll_errors = _await_job(stack, job["job_id"], timeout=7200)
            wall = time.perf_counter() - began
            kept = ""
            if poll_errors:
                # The stack's logs go with its temporary directory: keep them to see why a poll failed.
                kept = str(shutil.copytree(stack.log_dir, Path(tempfile.mkdtemp(prefix="bench-product-push-")) / "l"))

            calls = _json("GET", f"{tiktok}/_sandbox/route-calls")
            limits = _json("GET", f"{tiktok}/_sandbox/rate-limit")
            requests_seen = _json("GET", f"{magento}/_sandbox/requests")[magento_before:]
            log = _log_lines(stack.log_dir / "ProductPushFunction.log")
            admin_errors = Counter(
                str(r.error_type) for r in stack.runtime.history if r.function == "AdminFunction" and not r.ok
            )
    reads = [r for r in requests_seen if r["method"] == "GET" and "/rest/" in r["path"]]
    creates = sorted(_when(line) for line in log if line.get("message") == "TikTok product created")
    span = (creates[-1] - creates[0]) if len(creates) > 1 else 0.0
    create_rate = (len(creates) - 1) / span if span > 0 else 0.0
    api_calls = sum(calls.values()) - sum(calls_before.values())
    throttled = limits["throttled"] - limits_before["throttled"]
    allowed = limits["allowed"] - limits_before["allowed"]
    products = done["job"]["total"]
    return {
        "products": products,
        "succeeded": done["job"]["succeeded"],
        "failed": done["job"]["failed"],
        "wall_seconds": round(wall, 1),
        "create_calls_per_second": round(create_rate, 1),
        "qps_ceiling": QPS,
        "create_rate_vs_ceiling": round(create_rate / QPS, 3),
        "http_429_rate": round(throttled / max(1, allowed + throttled), 4),
        "tiktok_calls_per_product": round(api_calls / max(1, products), 2),
        "magento_calls_per_product": round(len(reads) / max(1, products), 3),
        "image_uploads": calls.get("image_upload", 0) - calls_before.get("image_upload", 0),
        "unique_images": made["unique_images"],
        "peak_worker_rss_mb": max((float(line["peak_rss_mb"]) for line in log if "peak_rss_mb" in line), default=0.0),
        "progress_poll_errors": poll_errors,
        "admin_invocation_errors": dict(admin_errors),
        "logs_kept": kept,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
