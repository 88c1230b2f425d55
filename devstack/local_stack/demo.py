"""The README's demo: the integration guide's steps, run against the sandboxes through the local stack.

Each capability adds its steps here. Output is what a merchant would see: `ttsc` commands and results.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import time
from collections.abc import Iterator
from typing import Any

import requests

from local_stack.stack import LocalStack, StackConfig
from ttsc.__main__ import main as ttsc_main


def _step(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


def _ttsc(command: str) -> None:
    print(f"$ ttsc {command}")
    code = ttsc_main(shlex.split(command))
    if code != 0:
        raise RuntimeError(f"`ttsc {command}` failed with exit code {code}")


def _ttsc_json(command: str) -> Any:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = ttsc_main(["--json", *shlex.split(command)])
    if code != 0:
        raise RuntimeError(f"`ttsc {command}` failed with exit code {code}")
    return json.loads(buffer.getvalue())


@contextlib.contextmanager
def _admin_environment(stack: LocalStack) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("TTSC_URL", "TTSC_ADMIN_TOKEN")}
    os.environ["TTSC_URL"] = stack.url
    os.environ["TTSC_ADMIN_TOKEN"] = stack.config.admin_token
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_demo(time_scale: float = 0.02) -> int:
    began = time.perf_counter()
    stack = LocalStack(StackConfig(time_scale=time_scale, run_schedules=False))
    stack.start()
    try:
        with _admin_environment(stack):
            _walk_the_guide(stack)
    finally:
        stack.stop()
    print(f"\nDemo finished in {time.perf_counter() - began:.1f}s; the stack is stopped.")
    return 0


def _walk_the_guide(stack: LocalStack) -> None:
    assert stack.tiktok is not None and stack.magento is not None
    _step("Local stack")
    print(f"Started in {stack.started_in:.1f}s: gateway {stack.url}, AWS (moto) {stack.aws_endpoint}")
    print(f"TikTok Shop sandbox {stack.tiktok.api_url}; Magento sandbox {stack.magento.base_url}")
    health = requests.get(f"{stack.url}/health", timeout=60).json()
    print(f"GET /health -> {health['status']} (checks: {health['checks']})")

    _step("General configuration: what to paste where")
    print(f"TikTok Partner Center > App > Redirect URL:  {stack.url}/tts/authorization/code")
    print(f"TikTok Partner Center > Webhooks (all topics): {stack.url}/webhooks/tiktok")

    _step("Magento setup")
    _ttsc("setup magento")
    print("Running it again changes nothing:")
    _ttsc("setup magento")

    _step("Authorize the TikTok Shop account")
    start = _ttsc_json("connect")
    print(f"$ ttsc connect\n{start['authorize_url']}")
    print("The seller opens the link, logs in and clicks Authorize; TikTok redirects back to the callback:")
    page = requests.get(start["authorize_url"], timeout=60)
    title = page.text.split("<h1", 1)[1].split(">", 1)[1].split("</h1>", 1)[0] if "<h1" in page.text else page.text[:80]
    print(f"GET {page.url.split('?')[0]} -> HTTP {page.status_code}: {title}")
    if page.status_code != 200:
        raise RuntimeError("authorization failed")

    _step("Load the shop list and choose a shop and warehouse")
    _ttsc("shops list")
    shops = _ttsc_json("shops list")
    shop = next((s for s in shops if s["region"] == "US"), shops[0])
    _ttsc(f"warehouses list --shop {shop['shop_id']}")
    warehouses = _ttsc_json(f"warehouses list --shop {shop['shop_id']}")
    warehouse = next((w for w in warehouses if w.get("is_default")), warehouses[0])
    _ttsc(f"shops select {shop['shop_id']} --warehouse {warehouse['id']}")

    _step("Status")
    _ttsc("status")

    from local_stack.demo_orders import walk_orders

    walk_orders(stack, shop["shop_id"], step=_step, ttsc=_ttsc, ttsc_json=_ttsc_json)
