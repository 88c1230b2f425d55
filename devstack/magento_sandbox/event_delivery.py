"""Change events delivered to a webhook URL the way a real store would send them, in three formats.

Every change the sandbox records (`SandboxState.record_event`: merchant actions and the REST saves that fire
Magento's save observers) is delivered to each configured target, from a background thread like a store's
async queue:
  * "signed": the connector's format for Magento Open Source stores with their own observer module;
  * "shared_secret": an off-the-shelf webhook extension that adds a fixed header (e.g. mageplaza/module-webhook);
  * "adobe_io": Adobe I/O Events for Adobe Commerce, a CloudEvents envelope signed with two RSA keys, whose public
    halves this sandbox serves under `/_adobe_io/keys/` as a stand-in for static.adobeioevents.com.
The formats are the ones the connector documents (README, "Magento change events").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

FORMATS = ("signed", "shared_secret", "adobe_io")
ADOBE_KEY_PATHS = ("/prod/keys/pub-key-sandbox-1.pem", "/prod/keys/pub-key-sandbox-2.pem")
# The sandbox's own change types → the connector's change kinds, and the Adobe Commerce event names.
_KINDS = {
    "price_changed": ("product_saved", "observer.catalog_product_save_commit_after"),
    "product_saved": ("product_saved", "observer.catalog_product_save_commit_after"),
    "stock_changed": ("stock_changed", "observer.cataloginventory_stock_item_save_commit_after"),
    "shipment_created": ("shipment_saved", "observer.sales_order_shipment_save_after"),
    "shipment_saved": ("shipment_saved", "observer.sales_order_shipment_save_after"),
    "track_saved": ("shipment_saved", "observer.sales_order_shipment_track_save_after"),
}


@dataclass(frozen=True)
class Target:
    url: str
    format: str
    secret: str = ""
    adobe_client_id: str = ""


@dataclass
class Delivery:
    target: Target
    event_id: int
    status: int | None
    error: str | None = None


@dataclass
class EventDelivery:
    targets: list[Target] = field(default_factory=list)
    log: list[Delivery] = field(default_factory=list)
    # Adobe's two signing keys (rotation: either signature checking out is enough).
    _keys: list[rsa.RSAPrivateKey] = field(
        default_factory=lambda: [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)]
    )
    _queue: queue.Queue[dict[str, Any] | None] = field(default_factory=queue.Queue)
    _thread: threading.Thread | None = None
    _idle: threading.Event = field(default_factory=threading.Event)

    def configure(self, targets: list[Target]) -> None:
        for target in targets:
            if target.format not in FORMATS:
                raise ValueError(f"unknown delivery format {target.format!r}; one of {', '.join(FORMATS)}")
        self.targets = list(targets)

    def public_key_pem(self, path: str) -> bytes | None:
        if path not in ADOBE_KEY_PATHS:
            return None
        key = self._keys[ADOBE_KEY_PATHS.index(path)].public_key()
        return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def submit(self, event: dict[str, Any]) -> None:
        """Called (under the state lock) for each recorded change: queue it, send it from the worker."""
        if not self.targets or event.get("type") not in _KINDS:
            return
        self._idle.clear()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="magento-event-delivery", daemon=True)
            self._thread.start()
        self._queue.put(dict(event))

    def wait_until_sent(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.empty() and self._idle.is_set():
                return True
            time.sleep(0.02)
        return self._queue.empty()

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=5)

    def _run(self) -> None:
        session = requests.Session()
        while True:
            try:
                event = self._queue.get(timeout=0.2)
            except queue.Empty:
                self._idle.set()
                continue
            if event is None:
                return
            for target in list(self.targets):
                body, headers = self.request_for(target, event)
                try:
                    response = session.post(target.url, data=body, headers=headers, timeout=10)
                    self.log.append(Delivery(target, int(event["id"]), response.status_code))
                except requests.RequestException as exc:
                    self.log.append(Delivery(target, int(event["id"]), None, type(exc).__name__))

    def request_for(self, target: Target, event: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        kind, adobe_type = _KINDS[event["type"]]
        if target.format == "adobe_io":
            return self._adobe(target, event, adobe_type)
        body = json.dumps(_connector_body(kind, event), separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json"}
        if target.format == "signed":
            timestamp = str(int(time.time()))
            digest = hmac.new(target.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            headers |= {"X-TTS-Timestamp": timestamp, "X-TTS-Signature": f"sha256={digest}"}
        else:
            headers["X-TTS-Webhook-Secret"] = target.secret
        return body, headers

    def _adobe(self, target: Target, event: dict[str, Any], adobe_type: str) -> tuple[bytes, dict[str, str]]:
        value: dict[str, Any] = {}
        if event.get("sku"):
            value["sku"] = event["sku"]
        if event.get("product_id"):
            value["entity_id" if adobe_type.endswith("product_save_commit_after") else "product_id"] = str(
                event["product_id"]
            )
        if event.get("order_id"):
            value["order_id"] = str(event["order_id"])
        if event.get("shipment_id"):
            key = "parent_id" if adobe_type.endswith("track_save_after") else "entity_id"
            value[key] = str(event["shipment_id"])
        envelope: dict[str, Any] = {
            "specversion": "1.0",
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox-event-{event['id']}")),
            "source": "urn:uuid:magento-sandbox",
            "type": f"com.adobe.commerce.{adobe_type}",
            "datacontenttype": "application/json",
            # The sandbox records Magento's `Y-m-d H:i:s` (UTC); CloudEvents carry RFC 3339.
            "time": str(event["created_at"]).replace(" ", "T") + "Z",
            "event_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox-event-id-{event['id']}")),
            "recipient_client_id": target.adobe_client_id,
            "data": {"key": str(uuid.uuid4()), "value": value, "source": "sandbox.Stage"},
        }
        body = json.dumps(envelope, separators=(",", ":")).encode()
        signatures = [
            base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode() for key in self._keys
        ]
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "x-adobe-delivery-id": str(uuid.uuid4()),
            "x-adobe-event-code": envelope["type"],
            "x-adobe-event-id": envelope["event_id"],
            "x-adobe-digital-signature-1": signatures[0],
            "x-adobe-digital-signature-2": signatures[1],
            "x-adobe-public-key1-path": ADOBE_KEY_PATHS[0],
            "x-adobe-public-key2-path": ADOBE_KEY_PATHS[1],
        }
        return body, headers


def _connector_body(kind: str, event: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"id": f"sandbox-{event['id']}", "event": kind, "occurred_at": event["created_at"]}
    if event.get("sku"):
        body["skus"] = [event["sku"]]
    if event.get("product_id"):
        body["product_ids"] = [int(event["product_id"])]
    if event.get("order_id"):
        body["order_id"] = int(event["order_id"])
    if event.get("shipment_id"):
        body["shipment_id"] = int(event["shipment_id"])
    values = {k: event[k] for k in ("price", "quantity", "source_code", "tracks") if k in event}
    if values:
        body["values"] = values
    return body
