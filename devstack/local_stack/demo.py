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
from collections.abc import Callable, Iterator
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

    _price_and_stock_sync(stack, shop["shop_id"], warehouse["id"])


# ---------- Price and stock sync ----------
def _delivered(stack: LocalStack, change: Callable[[], Any]) -> None:
    """Make a change in the Magento sandbox and wait until its event reached POST /magento/events."""
    magento = stack.sandboxes["magento"]
    for _ in range(3):  # a store's queue retries a delivery that failed (here: a function starting cold)
        before = len(magento.deliveries())
        change()
        magento.wait_for_deliveries(30)
        if any(d["status"] == 200 for d in magento.deliveries()[before:]):
            return
    raise RuntimeError("the Magento sandbox could not deliver its change event")


def _tiktok_sku(stack: LocalStack, product_id: str) -> dict[str, Any]:
    return dict(stack.sandboxes["tiktok"].product(product_id)["skus"][0])


def _wait_for_tiktok(stack: LocalStack, product_id: str, price: str, quantity: int | None) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < 90:
        sku = _tiktok_sku(stack, product_id)
        shown = (sku["price"]["sale_price"], sku["inventory"][0]["quantity"])
        if shown[0] == price and (quantity is None or shown[1] == quantity):
            return time.perf_counter() - began
        time.sleep(0.2)
    raise RuntimeError(f"TikTok did not get {price} / {quantity} for product {product_id}")


def _price_and_stock_sync(stack: LocalStack, shop_id: str, warehouse_id: str) -> None:
    from local_stack.listing_standin import listing_stand_in

    _step("Price and stock sync: Magento changes reach TikTok")
    magento = stack.sandboxes["magento"]
    print("The store sends its change events to POST /magento/events (signed format; README 'Magento change events').")
    _delivered(stack, lambda: magento.set_source_quantity("MUG-SOLDOUT", 0))
    # Until product push is merged, a stand-in lists the product on TikTok as product push will.
    listed = listing_stand_in(stack, shop_id, warehouse_id).list_product(
        "BAG-TOTE", {"BAG-TOTE": ("39.00", 3)}, magento=False
    )
    print(f"BAG-TOTE is listed as TikTok product {listed.tiktok_product_id}: 39.00 USD, 3 in stock.")
    _ttsc(f"sync settings --shop {shop_id}")
    print("In Magento the merchant sets BAG-TOTE's price to 35.00 and its stock to 2; the store sends both events.")
    _delivered(stack, lambda: magento.set_price("BAG-TOTE", 35.0))
    _delivered(stack, lambda: magento.set_source_quantity("BAG-TOTE", 2))
    seconds = _wait_for_tiktok(stack, listed.tiktok_product_id, "35.00", 2)
    print(f"TikTok now shows BAG-TOTE at 35.00 USD with 2 in stock ({seconds:.1f}s after the events).")

    _step("Price and stock sync: reconciliation heals a change no event announced")
    with magento.state.lock:  # a direct database update: Magento fires no event
        magento.state.products["BAG-TOTE"].values["price"] = 33.0
    print("A direct database update sets BAG-TOTE to 33.00 in Magento; no event is sent. The 15-minute")
    print("reconciliation finds it (here started by hand):")
    _ttsc(f"sync reconcile --shop {shop_id}")
    _wait_for_tiktok(stack, listed.tiktok_product_id, "33.00", None)
    print("TikTok now shows 33.00: reconciliation healed it.")
    _ttsc(f"sync status --shop {shop_id}")
    print("A manual stock push, as the guide's 'Push Stock':")
    _ttsc(f"push stock --sku BAG-TOTE --shop {shop_id}")
