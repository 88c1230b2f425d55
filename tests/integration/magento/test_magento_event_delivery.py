"""The Magento sandbox records the changes Magento's save observers would fire and delivers them as webhooks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from magento_sandbox import EventTarget, MagentoSandbox
from tts_connector.magento import MagentoClient, SourceItem

pytestmark = pytest.mark.integration


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.server.shutdown()


def test_rest_saves_fire_change_events_like_magentos_observers(sandbox: MagentoSandbox, magento: MagentoClient) -> None:
    before = len(sandbox.change_events())

    magento.inventory.save_source_items([SourceItem(sku="BAG-TOTE", source_code="default", quantity=4, status=1)])

    types = [e["type"] for e in sandbox.change_events()[before:]]
    assert types == ["stock_changed"]


def test_changes_are_delivered_in_each_format(sandbox: MagentoSandbox, receiver: Receiver) -> None:
    sandbox.deliver_events_to(
        [
            EventTarget(receiver.url, "signed", "s" * 32),
            EventTarget(receiver.url, "shared_secret", "h" * 32),
            EventTarget(receiver.url, "adobe_io", adobe_client_id="client-1"),
        ]
    )

    sandbox.set_price("BAG-TOTE", 12.5)
    assert sandbox.wait_for_deliveries()

    by_format = {
        ("adobe" if "x-adobe-digital-signature-1" in h else "signed" if "x-tts-signature" in h else "shared"): (h, b)
        for h, b in receiver.received
    }
    assert set(by_format) == {"adobe", "signed", "shared"}
    assert json.loads(by_format["signed"][1])["event"] == "product_saved"
    assert by_format["shared"][0]["x-tts-webhook-secret"] == "h" * 32
    adobe_headers, adobe_body = by_format["adobe"]
    envelope = json.loads(adobe_body)
    assert envelope["type"] == "com.adobe.commerce.observer.catalog_product_save_commit_after"
    assert envelope["recipient_client_id"] == "client-1"
    pem = requests.get(sandbox.adobe_keys_url + adobe_headers["x-adobe-public-key1-path"], timeout=5)
    assert pem.status_code == 200 and load_pem_public_key(pem.content)
    assert requests.get(sandbox.adobe_keys_url + "/prod/keys/other.pem", timeout=5).status_code == 404
    assert {d["status"] for d in sandbox.deliveries()} == {200}


def test_an_unknown_delivery_format_is_refused(sandbox: MagentoSandbox) -> None:
    response = requests.post(
        f"{sandbox.base_url}/_sandbox/event-delivery",
        json={"targets": [{"url": "http://127.0.0.1:9", "format": "carrier-pigeon"}]},
        timeout=5,
    )

    assert response.status_code == 400
