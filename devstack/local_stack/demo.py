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

from local_stack.demo_orders import walk_orders
from local_stack.demo_refunds import walk_refunds
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
    _catalog_and_push(stack)
    _price_and_stock_sync(stack, shop["shop_id"])
    platform_order = walk_orders(stack, shop["shop_id"], step=_step, ttsc=_ttsc, ttsc_json=_ttsc_json)
    walk_refunds(stack, platform_order, step=_step, ttsc=_ttsc, ttsc_json=_ttsc_json)
    _console(stack)


def _catalog_and_push(stack: LocalStack) -> None:
    """The guide's Initial Product Push: category mapping, attribute mapping, pushing products."""
    # The sandbox re-sends a webhook a cold local function missed within 1 s instead of TikTok's 2 minutes.
    stack.sandboxes["tiktok"].core.config.webhook_retry_scale = 0.01
    _step("Category mapping (TikTok's tree for the shop's region, read once and cached with its version)")
    _ttsc("categories search tee")
    _ttsc("categories recommend 4")
    _ttsc("categories map 5 900111")
    _ttsc("categories map 8 910110")
    _ttsc("categories tree")

    _step("Product attribute mapping")
    _ttsc("attributes show 900111")
    _ttsc("attributes auto 900111")
    _ttsc("attributes map 101001 --category 900111 --value-name Cotton")
    _ttsc("attributes map 101010 --category 910110 --value-id 5202")
    _ttsc("attributes show 910110")

    _step("Push a configurable and a simple product")
    _ttsc('push products --sku MS-TEE --sku "WB/01 750ml"')

    _step("TikTok ids written back to Magento, and TikTok's audit")
    magento = stack.sandboxes["magento"]
    listing = _wait_for(lambda: _ttsc_json("products show MS-TEE")["listing"])
    _wait_for(lambda: magento.product_values("MS-TEE").get("tiktok_product_id") == listing["tiktok_product_id"])
    values = magento.product_values("MS-TEE")
    print(
        f"Magento MS-TEE: tiktok_product_id={values.get('tiktok_product_id')}, "
        f"tiktok_shop_synced={'Yes' if values.get('tiktok_shop_synced') == '1' else 'No'}"
    )
    _wait_for(lambda: _ttsc_json("products show MS-TEE")["listing"]["status"] != "PENDING")
    _ttsc("products show MS-TEE")

    _step("A product that fails preflight says what to fix in Magento")
    _ttsc("push products --sku MUG-SOLDOUT")
    _ttsc("jobs list --limit 2")


def _wait_for(condition: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise RuntimeError("the demo waited too long for the connector")


def _console(stack: LocalStack) -> None:
    """The merchant console: where it is, who can log in, and a screen fetched the way the page does."""
    _step("Merchant console")
    login_url = stack.hosted_login.url if stack.hosted_login else "-"
    print(f"Open {stack.console_url} and log in (hosted login stand-in at {login_url}):")
    for user in stack.console_users:
        print(f"  {user.group:<9} {user.username}  password {user.password}")
    operator = next(u for u in stack.console_users if u.group == "operator")
    tokens = stack.client("cognito-idp").admin_initiate_auth(
        UserPoolId=stack.console_pool_id,
        ClientId=stack.console_client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": operator.username, "PASSWORD": operator.password},
    )["AuthenticationResult"]
    screen = requests.get(f"{stack.url}/console/ui/shops", headers={"Authorization": tokens["IdToken"]}, timeout=60)
    served = screen.text.count('<tr id="shop-row-')
    print(f"GET /console/ui/shops with the operator's ID token -> HTTP {screen.status_code}, {served} shops listed")
    refused = requests.get(f"{stack.url}/console/ui/shops", timeout=60)
    print(f"... and without a token -> HTTP {refused.status_code} (API Gateway's Cognito authorizer)")


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
    raise RuntimeError(f"TikTok shows {shown[0]} / {shown[1]} for product {product_id}, not {price} / {quantity}")


def _price_and_stock_sync(stack: LocalStack, shop_id: str) -> None:
    _step("Price and stock sync: Magento changes reach TikTok")
    magento = stack.sandboxes["magento"]
    print("The store sends its change events to POST /magento/events (signed format; README 'Magento change events').")
    # The events of a product the connector has not listed change nothing on TikTok.
    _delivered(stack, lambda: magento.set_source_quantity("MUG-SOLDOUT", 0))
    product_id = _ttsc_json('products show "WB/01 750ml"')["listing"]["tiktok_product_id"]
    sku = _tiktok_sku(stack, product_id)
    print(
        f"WB/01 750ml, pushed above, is TikTok product {product_id}: {sku['price']['sale_price']} USD, "
        f"{sku['inventory'][0]['quantity']} in stock."
    )
    _ttsc(f"sync settings --shop {shop_id}")
    print(
        "In Magento the merchant sets WB/01 750ml's price to 35.00 and its quantity in source 'default' to 2; "
        "the store sends both events."
    )
    _delivered(stack, lambda: magento.set_price("WB/01 750ml", 35.0))
    _delivered(stack, lambda: magento.set_source_quantity("WB/01 750ml", 2))
    # TikTok gets the salable quantity of the website's stock: every source assigned to it, less reservations.
    with magento.state.lock:
        salable = int(magento.state.salable_quantity("WB/01 750ml"))
    print(f"Magento's salable quantity is now {salable}: 2 in 'default' plus what 'warehouse_east' holds.")
    seconds = _wait_for_tiktok(stack, product_id, "35.00", salable)
    print(f"TikTok now shows WB/01 750ml at 35.00 USD with {salable} in stock ({seconds:.1f}s after the events).")

    _step("Price and stock sync: reconciliation heals a change no event announced")
    with magento.state.lock:  # a direct database update: Magento fires no event
        magento.state.products["WB/01 750ml"].values["price"] = 33.0
    print("A direct database update sets WB/01 750ml to 33.00 in Magento; no event is sent. The 15-minute")
    print("reconciliation finds it (here started by hand):")
    _ttsc(f"sync reconcile --shop {shop_id}")
    _wait_for_tiktok(stack, product_id, "33.00", None)
    print("TikTok now shows 33.00: reconciliation healed it.")
    _ttsc(f"sync status --shop {shop_id}")
    print("A manual stock push, as the guide's 'Push Stock':")
    _ttsc(f'push stock --sku "WB/01 750ml" --shop {shop_id}')
