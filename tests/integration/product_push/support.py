"""A connected local stack for catalog and push tests: Magento set up, the US shop authorized and served."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from local_stack import LocalStack, StackConfig
from tests.helpers import encode, sign_tiktok_webhook, tiktok_notification

US_SHOP = "7494049642642441621"
US_WAREHOUSE = "7068517275539719942"
GRAPHIC_TEES = "900111"  # v2 leaf (apparel: Material required, customizable)
COFFEE_MUGS = "910110"  # v2 leaf (mug: Material required from Ceramic/Glass, package dimensions required)
PHONE_CASES = "920110"
MATERIAL_APPAREL = "101001"
MATERIAL_MUG = "101010"
GLASS = "5202"
# Magento seed categories.
WOMEN, TOPS, TEES, GEAR, BAGS, DRINKWARE = 3, 4, 5, 6, 7, 8

# Fast retries locally: a retried product comes back after ~0.05 s x 2^n instead of 10 s x 2^n.
FAST_RETRIES = {"PRODUCT_PUSH_RETRY_BASE_SECONDS": "0.05"}


def admin(stack: LocalStack, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{stack.url}{path}", headers=stack.admin_headers, timeout=120, **kwargs)


def ok(response: requests.Response) -> Any:
    assert response.status_code == 200, f"{response.status_code}: {response.text[:2000]}"
    return response.json()


def connect(stack: LocalStack) -> None:
    """Magento setup, the seller's authorization, and the US shop served with its default warehouse."""
    ok(admin(stack, "POST", "/admin/setup/magento"))
    start = ok(admin(stack, "GET", "/tts/authorization/start"))
    page = requests.get(start["authorize_url"], timeout=60)
    assert page.status_code == 200, page.text[:500]
    ok(admin(stack, "PUT", f"/admin/shops/{US_SHOP}", json={"selected": True, "warehouse_id": US_WAREHOUSE}))


def map_category(stack: LocalStack, magento_category: int, tiktok_category: str) -> dict[str, Any]:
    body = {"tiktok_category_id": tiktok_category}
    return dict(ok(admin(stack, "PUT", f"/admin/catalog/category-mappings/{magento_category}", json=body)))


def map_attribute(stack: LocalStack, **body: Any) -> dict[str, Any]:
    return dict(ok(admin(stack, "PUT", "/admin/catalog/attribute-mappings", json=body)))


def set_fields(stack: LocalStack, **fields: Any) -> dict[str, Any]:
    return dict(ok(admin(stack, "PUT", "/admin/catalog/product-fields", json=fields)))


def standard_mappings(stack: LocalStack) -> None:
    """Tees and Drinkware mapped, Material fixed per category, package and identifier fields set."""
    map_category(stack, TEES, GRAPHIC_TEES)
    map_category(stack, DRINKWARE, COFFEE_MUGS)
    map_attribute(stack, tiktok_attribute_id=MATERIAL_APPAREL, category_id=GRAPHIC_TEES, fixed_value_name="Cotton")
    map_attribute(stack, tiktok_attribute_id=MATERIAL_MUG, category_id=COFFEE_MUGS, fixed_value_id=GLASS)
    map_product_fields(stack)


def map_product_fields(stack: LocalStack) -> None:
    """Brand, package dimensions (cm) and EAN from the Magento attributes the sandbox seeds and generates."""
    set_fields(
        stack,
        brand_attribute="brand",
        package_length_attribute="package_length",
        package_width_attribute="package_width",
        package_height_attribute="package_height",
        identifier_attribute="ean",
        identifier_type="EAN",
    )


def stack_config(state_dir: Path, **overrides: Any) -> StackConfig:
    """What the push tests run: queues scaled to a tenth (a loaded machine's batches stay within their
    visibility), quick product retries, no schedules."""
    settings: dict[str, Any] = {
        "state_dir": state_dir,
        "time_scale": 0.1,
        "run_schedules": False,
        "function_env": FAST_RETRIES,
    }
    return StackConfig(**(settings | overrides))


def push(stack: LocalStack, **selection: Any) -> dict[str, Any]:
    return dict(ok(admin(stack, "POST", "/admin/push/products", json=selection)))


def wait_until(condition: Callable[[], Any], timeout: float = 90.0, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def job(stack: LocalStack, job_id: str, **query: Any) -> dict[str, Any]:
    return dict(ok(admin(stack, "GET", f"/admin/jobs/{job_id}", params=query)))


def finished_job(
    stack: LocalStack, job_id: str, timeout: float = 120.0, item_limit: int = 2000, interval: float = 0.3
) -> dict[str, Any]:
    """The job once COMPLETED, with up to `item_limit` of its items: polled with counters only (`limit=0`, what the
    CLI's progress bar asks), as listing every item on each poll would load the stack it measures."""

    def done() -> bool:
        return bool(job(stack, job_id, limit=0)["job"]["status"] == "COMPLETED")

    wait_until(done, timeout=timeout, interval=interval)
    return job(stack, job_id, limit=item_limit)


def items(detail: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["sku"]: i for i in detail["items"]}


def product(stack: LocalStack, sku: str) -> dict[str, Any]:
    return dict(ok(admin(stack, "GET", "/admin/products", params={"sku": sku})))


def tiktok(stack: LocalStack) -> Any:
    return stack.sandboxes["tiktok"]


def magento(stack: LocalStack) -> Any:
    return stack.sandboxes["magento"]


def tiktok_products(stack: LocalStack) -> list[dict[str, Any]]:
    state = tiktok(stack).core.state
    with state.lock:
        return [{"id": p.id, "status": p.status, "body": p.body, "skus": p.skus} for p in state.products.values()]


def warm_webhooks(stack: LocalStack) -> None:
    """Start the webhook and shop-events functions: a cold start on a loaded machine takes longer than the
    3 s TikTok waits for an acknowledgement, and its retries come minutes later."""
    sandbox = tiktok(stack)
    body = encode(tiktok_notification(topic=6, shop_id="1", data={"message": "warm-up"}))
    headers = {"Authorization": sign_tiktok_webhook(sandbox.config.app_key, sandbox.config.app_secret, body)}
    # A start slower than the function's timeout on a busy machine is killed and tried again, as Lambda does.
    for _ in range(5):
        response = requests.post(f"{stack.url}/webhooks/tiktok", data=body, headers=headers, timeout=120)
        if response.status_code == 200:
            break
    assert response.status_code == 200, response.text

    def handled() -> bool:
        events = ok(admin(stack, "GET", "/admin/events", params={"status": "IGNORED", "limit": 500}))
        return any(e["shop_id"] == "1" for e in events)

    wait_until(handled)


def prepared_stack(stack: LocalStack) -> LocalStack:
    """Connected and mapped, webhooks warm, TikTok's webhook retries quick."""
    tiktok(stack).core.config.webhook_retry_scale = 0.01
    connect(stack)
    standard_mappings(stack)
    warm_webhooks(stack)
    return stack


def generate(stack: LocalStack, **spec: Any) -> dict[str, Any]:
    return dict(magento(stack).generate_catalog(**spec))


def subscribe_alerts(stack: LocalStack, name: str) -> str:
    """An SQS queue subscribed to the alerts topic, standing in for the merchant's e-mail."""
    sqs = stack.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stack.client("sns").subscribe(TopicArn=stack.physical("AlertsTopic"), Protocol="sqs", Endpoint=arn)
    return str(url)


def alerts(stack: LocalStack, url: str, wait: float = 2) -> list[str]:
    import json

    found = []
    messages = stack.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=int(wait))
    for message in messages.get("Messages", []):
        body = json.loads(message["Body"])
        found.append(f"{body.get('Subject')}\n{body.get('Message')}")
    return found


def route_calls(stack: LocalStack) -> dict[str, int]:
    return dict(tiktok(stack).route_calls())


def products_with_seller_sku(stack: LocalStack, seller_sku: str) -> list[dict[str, Any]]:
    return [
        p
        for p in tiktok_products(stack)
        if any(s.seller_sku == seller_sku for s in p["skus"]) and p["status"] != "DELETED"
    ]


def tiktok_products_for(stack: LocalStack, sku: str) -> list[dict[str, Any]]:
    """TikTok products (not deleted) made from this Magento product (external_product_id = its entity id)."""
    magento_id = str(magento(stack).state.products[sku].id)
    return [
        p
        for p in tiktok_products(stack)
        if p["body"].get("external_product_id") == magento_id and p["status"] != "DELETED"
    ]
