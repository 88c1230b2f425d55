"""POST /magento/events through the local stack: the Magento sandbox delivers its changes in each format."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from local_stack import LocalStack

pytestmark = pytest.mark.integration


def _events(stack: LocalStack) -> dict[str, dict[str, Any]]:
    items = stack.client("dynamodb").scan(TableName=stack.physical("EventsTable"))["Items"]
    return {i["event_key"]["S"]: i for i in items if i["event_key"]["S"].startswith("mage:")}


def _wait_for_events(stack: LocalStack, count: int, timeout: float = 30) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _events(stack)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"expected {count} Magento events, found {_events(stack)}")


@pytest.mark.parametrize("delivery", ["signed", "shared_secret", "adobe_io"])
def test_the_store_delivers_price_and_stock_changes_in_each_format(
    start_stack: Callable[..., LocalStack], delivery: str
) -> None:
    stack = start_stack(magento_event_format=delivery)
    magento = stack.sandboxes["magento"]

    magento.set_price("BAG-TOTE", 41.5)
    magento.set_source_quantity("BAG-TOTE", 7)
    assert magento.wait_for_deliveries()

    events = _wait_for_events(stack, 2)
    assert {d["status"] for d in magento.deliveries()} == {200}
    kinds = sorted(item["type"]["S"] for item in events.values())
    assert kinds == ["product_saved", "stock_changed"]
    for item in events.values():
        payload = json.loads(item["notification"]["S"])
        assert payload["skus"] == ["BAG-TOTE"] and payload["delivery"] == delivery
        assert item["source"]["S"] == "mage"


def test_forged_expired_and_malformed_deliveries_are_refused_and_nothing_is_recorded(
    start_stack: Callable[..., LocalStack],
) -> None:
    stack = start_stack(magento_event_format=None)
    secret = stack.config.magento_events["signing_secret"]
    body = json.dumps({"id": "x-1", "event": "stock_changed", "skus": ["BAG-TOTE"], "occurred_at": 1}).encode()

    def post(raw: bytes, timestamp: int, key: str = secret) -> requests.Response:
        digest = hmac.new(key.encode(), str(timestamp).encode() + b"." + raw, hashlib.sha256).hexdigest()
        headers = {"X-TTS-Timestamp": str(timestamp), "X-TTS-Signature": f"sha256={digest}"}
        return requests.post(f"{stack.url}/magento/events", data=raw, headers=headers, timeout=30)

    now = int(time.time())
    forged = post(body, now, key="not-the-secret-at-all")
    expired = post(body, now - 3600)
    malformed = post(b'{"id": "x-2", "event": "stock_changed", "occurred_at": 1}', now)
    unsigned = requests.post(f"{stack.url}/magento/events", data=body, timeout=30)
    valid = post(body, now)
    replayed = post(body, now)

    assert (forged.status_code, expired.status_code, unsigned.status_code) == (401, 401, 401)
    assert malformed.status_code == 400 and "skus or product_ids" in malformed.json()["message"]
    assert valid.status_code == 200 and valid.json()["accepted"] == 1
    assert replayed.status_code == 200 and replayed.json()["duplicates"] == 1
    assert list(_events(stack)) == ["mage:x-1"]


def test_adobe_io_registration_challenge_is_answered(start_stack: Callable[..., LocalStack]) -> None:
    stack = start_stack(magento_event_format=None)

    answer = requests.get(f"{stack.url}/magento/events", params={"challenge": "8ec8d794-e0ab"}, timeout=30)
    bare = requests.get(f"{stack.url}/magento/events", timeout=30)

    assert answer.status_code == 200 and answer.json() == {"challenge": "8ec8d794-e0ab"}
    assert bare.status_code == 400
