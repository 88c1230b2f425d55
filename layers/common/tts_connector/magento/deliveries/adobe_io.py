"""Adobe I/O Events for Adobe Commerce (2.4.4+): CloudEvents deliveries signed by Adobe.

Registration: Adobe first sends `GET <webhook>?challenge=<value>` and expects the value back, as JSON
`{"challenge": "<value>"}` or plain text (Adobe I/O Events guide, "The challenge request"). Deliveries carry
two RSA-SHA256 signatures over the raw body (`x-adobe-digital-signature-1`/`-2`) and the relative paths of the
two public keys that check them (`x-adobe-public-key1-path`/`-2-path`), served from Adobe's fixed domain
static.adobeioevents.com; "if any one of the signatures validation is successful, then the event can be
considered valid" (Adobe I/O Events, "Signature Verification for Events"; @adobe/aio-lib-events
signatureUtils.verifySignature), so a key rotation never refuses a genuine delivery. Keys are fetched only
from that domain (a header cannot name another host) and cached. Each event's `recipient_client_id` must be
the connector's own registration client id. A webhook may also receive a batch (a JSON array of events).
"""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from tts_connector.errors import AuthenticationError, InvalidInputError, TransientError
from tts_connector.events.models import InboundEvent
from tts_connector.magento.change_events import MagentoChange, MagentoChangeKind
from tts_connector.magento.deliveries.common import load_json, parse_time, to_event
from tts_connector.observability import logger

SIGNATURE_HEADERS = ("x-adobe-digital-signature-1", "x-adobe-digital-signature-2")
KEY_PATH_HEADERS = ("x-adobe-public-key1-path", "x-adobe-public-key2-path")
DELIVERY = "adobe_io"
TYPE_PREFIX = "com.adobe.commerce."
KEY_CACHE_SECONDS = 24 * 3600  # the SDK caches keys for a day too
MAX_KEY_BYTES = 16 * 1024
_KEY_PATH = re.compile(r"/[A-Za-z0-9._/-]{1,200}\.pem")

# Adobe Commerce event names (events reference, reference §6.2) → the connector's change kinds.
KINDS: dict[str, MagentoChangeKind] = {
    "observer.catalog_product_save_after": MagentoChangeKind.PRODUCT_SAVED,
    "observer.catalog_product_save_commit_after": MagentoChangeKind.PRODUCT_SAVED,
    "observer.cataloginventory_stock_item_save_after": MagentoChangeKind.STOCK_CHANGED,
    "observer.cataloginventory_stock_item_save_commit_after": MagentoChangeKind.STOCK_CHANGED,
    # MSI source-item saves as a plugin event (PaaS can subscribe to any plugin; reference §6.2, UNCONFIRMED name).
    "plugin.magento.inventory_api.api.source_items_save.execute": MagentoChangeKind.STOCK_CHANGED,
    "observer.sales_order_shipment_save_after": MagentoChangeKind.SHIPMENT_SAVED,
    "observer.sales_order_shipment_save_commit_after": MagentoChangeKind.SHIPMENT_SAVED,
    "observer.sales_order_shipment_track_save_after": MagentoChangeKind.SHIPMENT_SAVED,
}


class PublicKeys:
    """Adobe's public keys by relative path, fetched from the configured key domain only, cached for a day."""

    def __init__(
        self,
        base_url: str,
        fetch: Callable[[str], bytes] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._fetch = fetch or _http_get
        self._clock = clock
        self._cache: dict[str, tuple[float, rsa.RSAPublicKey]] = {}
        self._lock = threading.Lock()

    def key(self, path: str) -> rsa.RSAPublicKey:
        if not _KEY_PATH.fullmatch(path) or ".." in path or "//" in path:
            raise AuthenticationError("Magento event refused: the public key path is not one of Adobe's")
        with self._lock:
            cached = self._cache.get(path)
            if cached and self._clock() - cached[0] < KEY_CACHE_SECONDS:
                return cached[1]
        try:
            pem = self._fetch(self._base_url + path)
        except requests.RequestException as exc:
            raise TransientError(f"Adobe's public key {path} could not be fetched ({type(exc).__name__})") from None
        try:
            key = load_pem_public_key(pem[:MAX_KEY_BYTES])
        except ValueError:
            raise AuthenticationError(f"Magento event refused: {path} is not a PEM public key") from None
        if not isinstance(key, rsa.RSAPublicKey):
            raise AuthenticationError(f"Magento event refused: {path} is not an RSA key")
        with self._lock:
            self._cache[path] = (self._clock(), key)
        return key


def _http_get(url: str) -> bytes:
    response = requests.get(url, timeout=(2.0, 3.0), allow_redirects=False)
    response.raise_for_status()
    return response.content


def verify(headers: Mapping[str, str], raw_body: bytes, keys: PublicKeys) -> None:
    """Accept when either of the two signatures checks out with its key (Adobe's rule, see the module doc)."""
    pairs = [(headers.get(s), headers.get(k)) for s, k in zip(SIGNATURE_HEADERS, KEY_PATH_HEADERS, strict=True)]
    present = [(sig, path) for sig, path in pairs if sig and path]
    if not present:
        raise AuthenticationError("Magento event refused: Adobe's digital signature headers are missing")
    for supplied, path in present:
        try:
            signature = base64.b64decode(supplied, validate=True)
        except ValueError:
            continue
        try:
            keys.key(path).verify(signature, raw_body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            continue
        return
    raise AuthenticationError(
        "Magento event refused: neither of Adobe's digital signatures matches the body",
        hint="Only Adobe I/O Events may send this format; check the event registration's webhook URL",
    )


def events(raw_body: bytes, recipient_client_id: str, now: float) -> tuple[list[InboundEvent], list[str]]:
    """The changes in a delivery (one event or a batch) and the event types skipped as not of interest."""
    payload = load_json(raw_body)
    batch = payload if isinstance(payload, list) else [payload]
    accepted: list[InboundEvent] = []
    skipped: list[str] = []
    for cloud_event in batch:
        if not isinstance(cloud_event, dict):
            raise InvalidInputError("An Adobe I/O event must be a JSON object")
        if cloud_event.get("recipient_client_id") != recipient_client_id:
            raise AuthenticationError(
                "Magento event refused: recipient_client_id is not this connector's registration",
                hint="Set recipient_client_id in the Magento events secret to the event registration's client id",
            )
        event_type = str(cloud_event.get("type", ""))
        kind = KINDS.get(event_type.removeprefix(TYPE_PREFIX))
        if kind is None:
            skipped.append(event_type or "(no type)")
            continue
        accepted.append(_event(cloud_event, kind, now))
    return accepted, skipped


def _event(cloud_event: dict[str, Any], kind: MagentoChangeKind, now: float) -> InboundEvent:
    event_id = cloud_event.get("event_id") or cloud_event.get("id")
    if not isinstance(event_id, str) or not event_id:
        raise InvalidInputError("An Adobe I/O event must have an id")
    data = cloud_event.get("data")
    value = data.get("value") if isinstance(data, dict) else None
    if not isinstance(value, dict | list):
        raise InvalidInputError(f"Adobe I/O event {event_id} has no data.value")
    occurred = cloud_event.get("time")
    change = MagentoChange(
        kind=kind,
        skus=_skus(value),
        product_ids=_ints(value, "entity_id" if kind is MagentoChangeKind.PRODUCT_SAVED else "product_id"),
        order_id=_first_int(value, "order_id"),
        shipment_id=_first_int(value, "parent_id", "shipment_id")
        if str(cloud_event.get("type", "")).endswith("track_save_after")
        else _first_int(value, "entity_id", "shipment_id"),
        occurred_at=parse_time(occurred, "time") if isinstance(occurred, str | int) else int(now),
        delivery=DELIVERY,
    )
    return to_event(f"adobe:{event_id}", change)


def _items(value: dict[str, Any] | list[Any]) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    nested = value.get("sourceItems") or value.get("source_items")
    return [v for v in nested if isinstance(v, dict)] if isinstance(nested, list) else [value]


def _skus(value: dict[str, Any] | list[Any]) -> list[str]:
    return list(dict.fromkeys(str(i["sku"]) for i in _items(value) if i.get("sku")))


def _ints(value: dict[str, Any] | list[Any], field: str) -> list[int]:
    found = [_as_int(i.get(field)) for i in _items(value)]
    return list(dict.fromkeys(n for n in found if n is not None))


def _first_int(value: dict[str, Any] | list[Any], *fields: str) -> int | None:
    for item in _items(value):
        for field in fields:
            number = _as_int(item.get(field))
            if number is not None:
                return number
    return None


def _as_int(raw: Any) -> int | None:
    # Adobe sends ids as JSON strings ("entity_id": "42").
    try:
        number = int(str(raw))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def challenge_answer(query: Mapping[str, str]) -> dict[str, str] | None:
    value = query.get("challenge")
    if value is None:
        return None
    if not value or len(value) > 200 or not value.isprintable():
        raise InvalidInputError("The challenge value is empty or not printable")
    logger.info("Adobe I/O Events registration challenge answered")
    return {"challenge": value}
