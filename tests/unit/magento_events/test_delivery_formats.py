"""The three Magento delivery formats: each accepted when valid; refused when forged, expired or malformed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.common import CaseInsensitiveDict
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.unit.events.fakes import InMemoryEventStore, RecordingPublisher
from tts_connector.errors import AuthenticationError, InvalidInputError, PayloadTooLargeError
from tts_connector.events.intake import EventIntake
from tts_connector.events.router import EventRegistry
from tts_connector.magento.change_events import MagentoChangeKind, change_of, event_type
from tts_connector.magento.deliveries.adobe_io import PublicKeys, challenge_answer
from tts_connector.magento.deliveries.intake import MagentoEventSecrets, MagentoEventsIntake

NOW = 1_800_000_000
SECRETS = MagentoEventSecrets(signing_secret="s" * 32, shared_secret="h" * 32, adobe_recipient_client_id="client-1")
KEYS = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)]
PATHS = ["/prod/keys/pub-key-1.pem", "/prod/keys/pub-key-2.pem"]


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class KeyServer:
    def __init__(self) -> None:
        self.fetched: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.fetched.append(url)
        return _pem(KEYS[PATHS.index(url.removeprefix("https://static.adobeioevents.com"))])


def _intake(store: InMemoryEventStore, keys: KeyServer | None = None) -> MagentoEventsIntake:
    registry = EventRegistry()
    public_keys = PublicKeys("https://static.adobeioevents.com", fetch=keys or KeyServer())
    return MagentoEventsIntake(
        lambda: SECRETS, public_keys, EventIntake(store, RecordingPublisher(), registry), lambda: NOW
    )


def _body(**overrides: Any) -> bytes:
    body = {"id": "chg-1", "event": "stock_changed", "skus": ["BAG-TOTE"], "occurred_at": "2027-01-15 10:00:00"}
    return json.dumps(body | overrides).encode()


def _signed(body: bytes, timestamp: int = NOW, secret: str = "s" * 32) -> CaseInsensitiveDict:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return CaseInsensitiveDict({"X-TTS-Timestamp": str(timestamp), "X-TTS-Signature": f"sha256={digest}"})


def test_a_signed_delivery_becomes_one_recorded_change() -> None:
    store = InMemoryEventStore()

    result = _intake(store).accept(_signed(_body()), _body())

    assert result.accepted == ["mage:chg-1"] and result.delivery == "signed"
    recorded = store.get("mage:chg-1")
    assert recorded is not None and recorded.event_type == event_type(MagentoChangeKind.STOCK_CHANGED)
    change = change_of(recorded)
    assert change.skus == ["BAG-TOTE"] and change.delivery == "signed"
    assert change.occurred_at == 1_800_007_200  # 2027-01-15 10:00:00 UTC
    assert recorded.message_group_id == "mage:product:BAG-TOTE"


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        (lambda b: _signed(b, secret="x" * 32), "does not match"),
        (lambda b: _signed(b, timestamp=NOW - 301), "more than 300 s"),
        (lambda b: _signed(b + b" "), "does not match"),
        (lambda b: CaseInsensitiveDict({"X-TTS-Signature": "sha256=00"}), "both required"),
        (lambda b: CaseInsensitiveDict({}), "no signature"),
        (lambda b: CaseInsensitiveDict({"X-TTS-Webhook-Secret": "wrong-secret-value"}), "does not match"),
    ],
)
def test_forged_expired_or_unsigned_deliveries_are_refused_and_change_nothing(headers: Any, why: str) -> None:
    store = InMemoryEventStore()

    with pytest.raises(AuthenticationError, match=why):
        _intake(store).accept(headers(_body()), _body())

    assert store.events == {}


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"{not json", "not valid JSON"),
        (_body(event="price_exploded"), "event"),
        (_body(skus=[]), "must name skus or product_ids"),
        (_body(unexpected=1), "unexpected"),
        (_body(event="shipment_saved", skus=[]), "order_id"),
        (_body(occurred_at="yesterday"), "occurred_at"),
    ],
)
def test_malformed_bodies_are_refused_with_what_is_wrong(body: bytes, why: str) -> None:
    store = InMemoryEventStore()

    with pytest.raises(InvalidInputError, match=why):
        _intake(store).accept(_signed(body), body)

    assert store.events == {}


def test_a_replayed_delivery_is_recorded_once() -> None:
    store = InMemoryEventStore()
    intake = _intake(store)

    first = intake.accept(_signed(_body()), _body())
    again = intake.accept(_signed(_body()), _body())

    assert (first.duplicates, again.duplicates) == (0, 1)
    assert list(store.events) == ["mage:chg-1"]


def test_the_shared_secret_header_is_accepted_with_the_same_body() -> None:
    store = InMemoryEventStore()
    body = _body(event="shipment_saved", skus=[], order_id=17, shipment_id=3, id="ship-3")

    result = _intake(store).accept(CaseInsensitiveDict({"X-TTS-Webhook-Secret": "h" * 32}), body)

    assert result.delivery == "shared_secret"
    recorded = store.get("mage:ship-3")
    assert recorded is not None and recorded.message_group_id == "mage:order:17"
    assert change_of(recorded).shipment_id == 3


def _adobe(events: Any, sign_with: tuple[int, ...] = (0, 1), tamper: bool = False) -> tuple[CaseInsensitiveDict, bytes]:
    body = json.dumps(events).encode()
    signed_body = body + (b" " if tamper else b"")
    headers: dict[str, str] = {}
    for n in (0, 1):
        key = KEYS[n] if n in sign_with else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        headers[f"x-adobe-digital-signature-{n + 1}"] = base64.b64encode(
            key.sign(signed_body, padding.PKCS1v15(), hashes.SHA256())
        ).decode()
        headers[f"x-adobe-public-key{n + 1}-path"] = PATHS[n]
    return CaseInsensitiveDict(headers), body


def _cloud_event(event_id: str = "e-1", kind: str = "observer.catalog_product_save_commit_after") -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"cloud-{event_id}",
        "event_id": event_id,
        "type": f"com.adobe.commerce.{kind}",
        "time": "2027-01-15T10:00:00.000Z",
        "recipient_client_id": "client-1",
        "data": {"key": "k", "value": {"sku": "MS-TEE", "entity_id": "42", "price": "32.000000"}},
    }


def test_an_adobe_delivery_is_valid_when_either_signature_checks_out() -> None:
    store, keys = InMemoryEventStore(), KeyServer()
    intake = _intake(store, keys)

    for n, signer in enumerate(((0, 1), (1,), (0,))):
        headers, body = _adobe(_cloud_event(f"e-{n}"), sign_with=signer)
        assert intake.accept(headers, body).accepted == [f"mage:adobe:e-{n}"]

    change = change_of(store.get("mage:adobe:e-0"))  # type: ignore[arg-type]
    assert change.kind is MagentoChangeKind.PRODUCT_SAVED and change.skus == ["MS-TEE"] and change.product_ids == [42]
    assert len(keys.fetched) == 2  # each key fetched once, then cached


def test_an_adobe_delivery_signed_by_nobody_or_for_another_client_is_refused() -> None:
    store = InMemoryEventStore()
    forged_headers, forged_body = _adobe(_cloud_event(), sign_with=())
    tampered_headers, tampered_body = _adobe(_cloud_event(), tamper=True)
    other = _cloud_event() | {"recipient_client_id": "someone-else"}
    other_headers, other_body = _adobe(other)

    with pytest.raises(AuthenticationError, match="neither"):
        _intake(store).accept(forged_headers, forged_body)
    with pytest.raises(AuthenticationError, match="neither"):
        _intake(store).accept(tampered_headers, tampered_body)
    with pytest.raises(AuthenticationError, match="recipient_client_id"):
        _intake(store).accept(other_headers, other_body)
    assert store.events == {}


@pytest.mark.parametrize("path", ["//evil.example/key.pem", "/../etc/key.pem", "/keys/key.txt", "@evil.example/k.pem"])
def test_keys_are_only_fetched_from_adobes_domain(path: str) -> None:
    keys = KeyServer()
    headers, body = _adobe(_cloud_event())
    headers = CaseInsensitiveDict({**headers, "x-adobe-public-key1-path": path, "x-adobe-public-key2-path": path})

    with pytest.raises(AuthenticationError):
        _intake(InMemoryEventStore(), keys).accept(headers, body)

    assert keys.fetched == []


def test_an_adobe_batch_keeps_the_changes_and_skips_types_of_no_interest() -> None:
    store = InMemoryEventStore()
    batch = [
        _cloud_event("s-1", "observer.sales_order_shipment_save_after")
        | {"data": {"value": {"order_id": "17", "entity_id": "5"}}},
        _cloud_event("x-1", "observer.customer_login"),
    ]
    headers, body = _adobe(batch)

    result = _intake(store).accept(headers, body)

    assert result.accepted == ["mage:adobe:s-1"]
    assert result.skipped_types == ["com.adobe.commerce.observer.customer_login"]
    change = change_of(store.get("mage:adobe:s-1"))  # type: ignore[arg-type]
    assert (change.order_id, change.shipment_id) == (17, 5)


def test_the_registration_challenge_is_echoed_and_oversized_bodies_refused() -> None:
    assert challenge_answer({"challenge": "8ec8d794"}) == {"challenge": "8ec8d794"}
    assert challenge_answer({}) is None
    body = b'{"pad":"' + b"x" * (1024 * 1024) + b'"}'
    with pytest.raises(PayloadTooLargeError):
        _intake(InMemoryEventStore()).accept(_signed(body), body)
