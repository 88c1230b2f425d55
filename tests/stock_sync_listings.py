"""Price and stock sync test worlds: a connected stack serving a shop, listed products (the product push
stand-in, `local_stack.listing_standin`), and Magento change events sent the way a store's module sends them.
Used by the stock sync integration tests and the price/stock benchmark."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import requests

from local_stack import LocalStack
from local_stack.listing_standin import ListingStandIn, listing_stand_in, wait_until

# The product push stand-in, under the name the tests use.
SyncWorld = ListingStandIn
__all__ = ["SyncWorld", "wait_until"]

US_SHOP = "7494049642642441621"
US_WAREHOUSE = "7068517275539719942"
US_SECOND_WAREHOUSE = "7068517275539719943"


def admin(stack: LocalStack, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{stack.url}{path}", headers=stack.admin_headers, timeout=120, **kwargs)


def connect_and_select(stack: LocalStack, shop_id: str = US_SHOP, warehouse: str = US_WAREHOUSE) -> None:
    """What the merchant does first: authorize on TikTok's page, serve the shop with its warehouse."""
    start = admin(stack, "GET", "/tts/authorization/start")
    start.raise_for_status()
    page = requests.get(start.json()["authorize_url"], timeout=60)
    if page.status_code != 200:
        raise RuntimeError(f"authorization failed: HTTP {page.status_code}")
    selected = admin(stack, "PUT", f"/admin/shops/{shop_id}", json={"selected": True, "warehouse_id": warehouse})
    selected.raise_for_status()


def warm_up(stack: LocalStack, shop_id: str = US_SHOP) -> None:
    """Start the sync functions' workers (a cold start on a busy machine can take longer than a webhook waits).

    An event for an unlisted SKU runs the intake and the change consumer (IGNORED), and a reconciliation of the
    shop runs the push function.
    """
    body = change_body("stock_changed", ["WARM-UP-NOT-LISTED"], event_id="warm-up")
    if not wait_until(lambda: post_change(stack, body).status_code == 200, timeout=120, interval=0.5):
        raise RuntimeError("POST /magento/events does not answer")
    run = admin(stack, "POST", f"/admin/sync/reconcile/{shop_id}")
    run.raise_for_status()
    events = stack.client("dynamodb")

    def handled(key: str) -> bool:
        item = events.get_item(TableName=stack.physical("EventsTable"), Key={"event_key": {"S": key}}).get("Item")
        return item is not None and item["status"]["S"] in ("PROCESSED", "IGNORED")

    reconcile_key = f"sync:reconcile:{shop_id}:{run.json()['run_id']}:0"
    if not wait_until(lambda: handled("mage:warm-up") and handled(reconcile_key), timeout=180, interval=0.5):
        raise RuntimeError("the price and stock sync functions did not start")


def open_world(stack: LocalStack, *, shop_id: str = US_SHOP, warehouse: str = US_WAREHOUSE) -> SyncWorld:
    """A connected, warmed-up stack serving the shop, and the product push stand-in for listing products in it."""
    connect_and_select(stack, shop_id, warehouse)
    warm_up(stack, shop_id)
    return listing_stand_in(stack, shop_id, warehouse)


# ---------- Magento change events, as a store's module sends them to POST /magento/events ----------
_event_ids = iter(range(1, 10**9))


def change_body(kind: str, skus: Sequence[str], *, event_id: str | None = None, **values: Any) -> dict[str, Any]:
    """The connector's change body (README, "Magento change events")."""
    body: dict[str, Any] = {
        "id": event_id or f"test-change-{time.time_ns()}-{next(_event_ids)}",
        "event": kind,
        "skus": list(skus),
        "occurred_at": int(time.time()),
    }
    if values:
        body["values"] = values
    return body


def post_change(
    stack: LocalStack, body: dict[str, Any], *, delivery: str = "signed", signed_at: int | None = None, key: str = ""
) -> requests.Response:
    """POST one change in the signed or shared-secret format (`key` overrides the stack's secret: a forgery)."""
    import hashlib
    import hmac
    import json

    raw = json.dumps(body, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json"}
    if delivery == "signed":
        secret = key or stack.config.magento_events["signing_secret"]
        timestamp = str(signed_at if signed_at is not None else int(time.time()))
        digest = hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
        headers |= {"X-TTS-Timestamp": timestamp, "X-TTS-Signature": f"sha256={digest}"}
    else:
        headers["X-TTS-Webhook-Secret"] = key or stack.config.magento_events["shared_secret"]
    return requests.post(f"{stack.url}/magento/events", data=raw, headers=headers, timeout=60)


def post_adobe_io(stack: LocalStack, kind: str, sku: str) -> requests.Response:
    """An Adobe I/O Events delivery signed with the keys the Magento sandbox serves in Adobe's place."""
    from magento_sandbox import EventTarget

    delivery = stack.sandboxes["magento"].app.delivery
    target = EventTarget(
        url=f"{stack.url}/magento/events",
        format="adobe_io",
        adobe_client_id=stack.config.magento_events["adobe_recipient_client_id"],
    )
    event = {
        "id": next(_event_ids) + 10**6,
        "type": "price_changed" if kind == "product_saved" else "stock_changed",
        "sku": sku,
        "created_at": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
    }
    raw, headers = delivery.request_for(target, event)
    return requests.post(target.url, data=raw, headers=headers, timeout=60)
