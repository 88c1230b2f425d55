"""MagentoClient URL building, signing, retries and error handling, against a scripted transport."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest
import requests

from tts_connector.errors import (
    ConflictError,
    ExternalServiceError,
    InvalidInputError,
    NotFoundError,
    TransientError,
)
from tts_connector.magento import (
    BearerCredentials,
    MagentoClient,
    OutcomeUnknownError,
    Refund,
    SearchCriteria,
)
from tts_connector.magento import endpoints as ep

SECRETS = ("cs-unit-secret-value", "at-unit-token-value", "ats-unit-secret-value")


def _enc(value: str) -> str:
    return quote(value, safe="~")


def _rfc5849_signature(method: str, url: str, header: str, consumer_secret: str, token_secret: str) -> str:
    """Independent HMAC-SHA256 signature per RFC 5849 section 3.4, to cross-check oauthlib."""
    pairs = (p.split("=", 1) for p in header.removeprefix("OAuth ").split(","))
    oauth = {k.strip(): unquote(v.strip().strip('"')) for k, v in pairs}
    oauth.pop("oauth_signature")
    parts = urlsplit(url)
    params = [*parse_qsl(parts.query, keep_blank_values=True), *oauth.items()]
    normalized = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in params))
    base = "&".join([method, _enc(f"{parts.scheme}://{parts.netloc}{parts.path}"), _enc(normalized)])
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha256).digest()).decode()


def test_sku_with_slash_and_space_stays_one_encoded_segment(client: MagentoClient, transport: Any) -> None:
    transport.answers.append(transport.ok({"sku": "WB/01 750ml"}))

    client.catalog.get_product("WB/01 750ml")

    assert transport.sent[0].url == "https://shop.example.com/rest/default/V1/products/WB%2F01%20750ml"


def test_product_writes_go_to_the_all_scope_and_reads_to_the_store(client: MagentoClient, transport: Any) -> None:
    transport.default = lambda request: transport.ok({"sku": "A"})

    client.catalog.update_custom_attributes("A", {"tiktok_product_id": "1"})
    client.catalog.update_custom_attributes("A", {"tiktok_product_id": "1"}, store_view=True)
    client.catalog.get_product("A")

    paths = [urlsplit(r.url).path for r in transport.sent]
    assert paths == ["/rest/all/V1/products/A", "/rest/default/V1/products/A", "/rest/default/V1/products/A"]


def test_oauth_signature_matches_an_independent_rfc5849_computation(client: MagentoClient, transport: Any) -> None:
    transport.answers.append(transport.ok({"items": [], "total_count": 0}))

    client.catalog.search_products(SearchCriteria(page_size=5).where("name", "Tee %", "like"))

    sent = transport.sent[0]
    header = sent.headers["Authorization"]
    # brackets and spaces are percent-encoded in the URL exactly as signed
    assert "%5B" in sent.url
    assert "%20" in sent.url
    assert 'oauth_signature_method="HMAC-SHA256"' in header
    signature = unquote(header.split('oauth_signature="', 1)[1].split('"', 1)[0])
    assert signature == _rfc5849_signature("GET", sent.url, header, SECRETS[0], SECRETS[2])


def test_bearer_credentials_send_the_token(transport: Any) -> None:
    client = MagentoClient("https://shop.example.com", BearerCredentials(access_token="tok"), transport=transport)
    transport.answers.append(transport.ok([]))

    client.store.store_configs()

    assert transport.sent[0].headers["Authorization"] == "Bearer tok"


def test_reads_are_retried_on_5xx_with_bounded_backoff(
    client: MagentoClient, transport: Any, sleeps: list[float]
) -> None:
    transport.answers += [
        transport.error(503, "Service Unavailable"),
        requests.ReadTimeout("read timed out"),
        transport.ok({"entity_id": 5}),
    ]

    assert client.sales.get_order(5) == {"entity_id": 5}
    assert len(transport.sent) == 3
    assert len(sleeps) == 2
    assert all(0 <= s <= 4.0 for s in sleeps)
    # each attempt is signed afresh: Magento refuses a reused nonce
    assert len({r.headers["Authorization"] for r in transport.sent}) == 3


def test_retries_are_bounded_and_end_in_a_transient_error(client: MagentoClient, transport: Any) -> None:
    transport.default = transport.error(502, "Bad gateway")

    with pytest.raises(TransientError):
        client.catalog.get_product("A")
    assert len(transport.sent) == 3


def test_order_placement_is_not_retried_after_a_5xx(client: MagentoClient, transport: Any) -> None:
    transport.answers.append(transport.error(500, "Internal Error. Report ID: webapi-1"))

    with pytest.raises(OutcomeUnknownError) as caught:
        client.checkout.place_order("cart", email="a@example.com", payment_method="checkmo")
    assert len(transport.sent) == 1
    assert caught.value.hint is not None


@pytest.mark.parametrize(
    "operation",
    [
        lambda c: c.sales.invoice(1),
        lambda c: c.sales.ship(1),
        lambda c: c.checkout.add_item("cart", "A", 1),
    ],
)
def test_unsafe_writes_are_not_retried_after_a_read_timeout(
    operation: Any, client: MagentoClient, transport: Any
) -> None:
    transport.answers.append(requests.ReadTimeout("read timed out"))

    with pytest.raises(OutcomeUnknownError):
        operation(client)
    assert len(transport.sent) == 1


def test_unsafe_writes_are_retried_when_the_request_never_left(client: MagentoClient, transport: Any) -> None:
    transport.answers += [requests.ConnectTimeout("connect timed out"), transport.ok(17)]

    assert client.sales.refund(1, Refund()) == 17
    assert len(transport.sent) == 2


def test_throttling_is_retried_even_for_unsafe_writes(
    client: MagentoClient, transport: Any, sleeps: list[float]
) -> None:
    throttled = transport.error(429, "Too many requests")
    transport.answers += [
        type(throttled)(429, throttled.content, {"Retry-After": "2"}),
        transport.ok(12),
    ]

    assert client.checkout.place_order("cart", email="a@example.com", payment_method="checkmo") == 12
    assert sleeps == [2.0]


def test_client_errors_are_typed_and_not_retried(client: MagentoClient, transport: Any) -> None:
    transport.answers.append(
        transport.error(404, "The product that was requested doesn't exist. Verify the product and try again.")
    )
    with pytest.raises(NotFoundError, match="requested doesn't exist"):
        client.catalog.get_product("nope")

    transport.answers.append(transport.error(400, "The requested qty is not available"))
    with pytest.raises(InvalidInputError, match="qty is not available"):
        client.checkout.add_item("cart", "A", 99)
    assert len(transport.sent) == 2


def test_secrets_never_appear_in_errors_or_reprs(client: MagentoClient, transport: Any) -> None:
    transport.default = transport.error(503, "down")
    with pytest.raises(TransientError) as caught:
        client.sales.get_order(1)

    rendered = " ".join([str(caught.value), repr(caught.value.to_dict()), repr(client), repr(client._credentials)])
    assert not any(secret in rendered for secret in SECRETS)


def test_non_json_success_is_an_external_service_error(client: MagentoClient, transport: Any) -> None:
    transport.answers.append(type(transport.ok(None))(200, b"<html>maintenance</html>"))

    with pytest.raises(ExternalServiceError, match="not JSON"):
        client.sales.get_order(1)


def test_cancel_refused_by_magento_is_a_conflict(client: MagentoClient, transport: Any) -> None:
    transport.answers.append(transport.ok(False))

    with pytest.raises(ConflictError, match="refused to cancel"):
        client.sales.cancel(3)


def test_every_endpoint_declares_retry_safety_consistently() -> None:
    # PUT sets state, except Magento's PUT .../order, which places an order like payment-information does.
    order_placements = {ep.GUEST_CART_PLACE_ORDER, ep.GUEST_CART_ORDER}
    for endpoint in ep.all_endpoints():
        if endpoint.method in ("GET", "PUT") and endpoint not in order_placements:
            assert endpoint.retry_safe, endpoint
    assert not any(e.retry_safe for e in order_placements)
    assert not ep.ORDER_REFUND.retry_safe
    assert not ep.SHIPMENT_TRACK_ADD.retry_safe  # a repeat adds the track twice
    assert ep.PRODUCT_BASE_PRICES.retry_safe  # sets prices to given values
