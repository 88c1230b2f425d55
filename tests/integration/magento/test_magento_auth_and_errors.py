"""Authentication modes, Magento's refusal messages, faults and retries, over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from urllib.parse import quote, urlencode

import pytest
import requests

from magento_sandbox import Fault, MagentoSandbox
from tests.integration.magento.support import signed
from tts_connector.errors import AuthenticationError, NotFoundError, TransientError
from tts_connector.magento import (
    Address,
    MagentoClient,
    OAuthCredentials,
    OutcomeUnknownError,
    SearchCriteria,
)
from tts_connector.magento.auth import authorization_header
from tts_connector.retry import RetryPolicy

pytestmark = pytest.mark.integration


def test_bad_oauth_signature_is_refused(sandbox: MagentoSandbox) -> None:
    wrong = OAuthCredentials(
        consumer_key=sandbox.config.consumer_key,
        consumer_secret="not-the-secret",
        access_token=sandbox.config.access_token,
        access_token_secret=sandbox.config.access_token_secret,
    )
    client = MagentoClient(sandbox.base_url, wrong, retry=RetryPolicy(max_attempts=1))

    with pytest.raises(AuthenticationError, match="The signature is invalid"):
        client.catalog.get_product("BAG-TOTE")


def _enc(value: str) -> str:
    return quote(value, safe="~")


def test_a_hand_computed_rfc5849_signature_is_accepted(sandbox: MagentoSandbox) -> None:
    # Signed without oauthlib, so the sandbox's verification is not only checked against its own library.
    config = sandbox.config
    url = sandbox.base_url + "/rest/default/V1/products"
    query = [("searchCriteria[filter_groups][0][filters][0][field]", "name"),
             ("searchCriteria[filter_groups][0][filters][0][value]", "Classic Tee %"),
             ("searchCriteria[filter_groups][0][filters][0][condition_type]", "like"),
             ("searchCriteria[pageSize]", "10")]  # fmt: skip
    oauth = {
        "oauth_consumer_key": config.consumer_key,
        "oauth_nonce": secrets.token_hex(16),
        "oauth_signature_method": "HMAC-SHA256",
        "oauth_timestamp": str(int(time.time())),
        "oauth_token": config.access_token,
        "oauth_version": "1.0",
    }
    normalized = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in [*query, *oauth.items()]))
    base = "&".join(["GET", _enc(url), _enc(normalized)])
    key = f"{_enc(config.consumer_secret)}&{_enc(config.access_token_secret)}".encode()
    oauth["oauth_signature"] = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha256).digest()).decode()
    header = "OAuth " + ", ".join(f'{k}="{_enc(v)}"' for k, v in oauth.items())

    response = requests.get(url + "?" + urlencode(query, quote_via=quote), headers={"Authorization": header}, timeout=5)

    assert response.status_code == 200
    assert response.json()["total_count"] == 6


def test_a_signature_for_another_url_or_a_replayed_nonce_is_refused(sandbox: MagentoSandbox) -> None:
    config = sandbox.config
    credentials = OAuthCredentials(
        consumer_key=config.consumer_key,
        consumer_secret=config.consumer_secret,
        access_token=config.access_token,
        access_token_secret=config.access_token_secret,
    )
    url = sandbox.base_url + "/rest/default/V1/products/BAG-TOTE"
    header = authorization_header(credentials, "GET", url)

    tampered = requests.get(url.replace("BAG-TOTE", "MUG-SOLDOUT"), headers={"Authorization": header}, timeout=5)
    first = requests.get(url, headers={"Authorization": header}, timeout=5)
    replay = requests.get(url, headers={"Authorization": header}, timeout=5)

    assert (tampered.status_code, tampered.json()["message"]) == (
        401,
        "The signature is invalid. Verify and try again.",
    )
    assert first.status_code == 200
    assert replay.status_code == 401
    assert "nonce is already being used" in replay.json()["message"]


def test_bearer_tokens_need_the_store_flag(sandbox: MagentoSandbox, bearer_magento: MagentoClient) -> None:
    with pytest.raises(AuthenticationError, match="isn't authorized to access Magento_Catalog::products") as caught:
        bearer_magento.catalog.get_product("BAG-TOTE")
    assert caught.value.hint is not None
    assert "Bearer" in caught.value.hint

    sandbox.config.bearer_enabled = True
    assert bearer_magento.catalog.get_product("BAG-TOTE")["sku"] == "BAG-TOTE"


def test_anonymous_callers_reach_guest_carts_only(sandbox: MagentoSandbox) -> None:
    cart = requests.post(sandbox.base_url + "/rest/default/V1/guest-carts", timeout=5)
    product = requests.get(sandbox.base_url + "/rest/default/V1/products/BAG-TOTE", timeout=5)

    assert cart.status_code == 200
    assert len(cart.json()) == 32
    assert product.status_code == 401
    assert product.json() == {
        "message": "The consumer isn't authorized to access %resources.",
        "parameters": {"resources": "Magento_Catalog::products"},
    }


def test_unknown_body_keys_are_refused_like_magento(sandbox: MagentoSandbox) -> None:
    cart = signed(sandbox, "POST", "/rest/default/V1/guest-carts").json()

    response = signed(
        sandbox,
        "POST",
        f"/rest/default/V1/guest-carts/{cart}/items",
        {"cartItem": {"sku": "BAG-TOTE", "qty": 1, "quote_id": cart, "cart_id": cart}},
    )

    assert response.status_code == 400
    assert response.json() == {
        "message": 'Property "%1" does not have corresponding setter in class "%2".',
        "parameters": ["CartId", "Magento\\Quote\\Api\\Data\\CartItemInterface"],
    }


def test_wrong_types_and_missing_top_level_fields_are_refused(sandbox: MagentoSandbox) -> None:
    wrong_type = signed(sandbox, "POST", "/rest/default/V1/order/1/ship", {"items": [{"order_item_id": "x", "qty": 1}]})
    unknown_top_level = signed(sandbox, "POST", "/rest/default/V1/inventory/source-items", {"items": []})
    missing = signed(sandbox, "PUT", "/rest/all/V1/products/BAG-TOTE", {"saveOptions": True})

    assert wrong_type.status_code == 400
    # Rendered by Magento, no parameters, and named after the property of the nested data object.
    assert wrong_type.json() == {
        "message": 'Error occurred during "order_item_id" processing. The "x" value\'s type is invalid. '
        'The "int" type was expected. Verify and try again.'
    }
    assert unknown_top_level.status_code == 400
    assert unknown_top_level.json()["parameters"] == ["Items", "PostV1InventorySourceitemsBody"]
    assert missing.status_code == 400
    assert missing.json() == {
        "message": '"%fieldName" is required. Enter and try again.',
        "parameters": {"fieldName": "product"},
    }


def test_bodies_need_a_json_content_type(sandbox: MagentoSandbox) -> None:
    url = sandbox.base_url + "/rest/default/V1/guest-carts/x/items"

    missing = requests.post(url, data=b'{"cartItem":{}}', timeout=5)
    form = requests.post(url, data={"cartItem": "x"}, timeout=5)

    assert missing.json() == {"message": "Content-Type header is empty."}
    assert form.json()["parameters"] == ["application/x-www-form-urlencoded"]


def test_unknown_routes_and_methods(sandbox: MagentoSandbox) -> None:
    unknown = signed(sandbox, "GET", "/rest/default/V1/no-such-thing")
    wrong_method = signed(sandbox, "DELETE", "/rest/default/V1/orders")
    not_in_sandbox = signed(sandbox, "GET", "/rest/default/V1/customers/1")

    assert (unknown.status_code, unknown.json()) == (404, {"message": "Request does not match any route."})
    assert wrong_method.status_code == 404
    assert not_in_sandbox.status_code == 501


def test_transient_failures_on_reads_are_retried(magento: MagentoClient, sandbox: MagentoSandbox) -> None:
    sandbox.inject_fault(Fault(status=503, method="GET", path_contains="/V1/orders/", times=2))
    sandbox.inject_fault(Fault(status=None, delay_seconds=1.5, method="GET", path_contains="/V1/categories", times=1))
    slow_reader = MagentoClient(
        sandbox.base_url,
        OAuthCredentials(
            consumer_key=sandbox.config.consumer_key,
            consumer_secret=sandbox.config.consumer_secret,
            access_token=sandbox.config.access_token,
            access_token_secret=sandbox.config.access_token_secret,
        ),
        timeout=(2.0, 0.5),
        retry=RetryPolicy(max_attempts=2, base_delay=0, max_delay=0),
        sleep=lambda _: None,
    )

    with pytest.raises(NotFoundError, match="entity that was requested"):
        magento.sales.get_order(42)  # two 503s, then the real answer: 404
    assert slow_reader.catalog.category_tree()["id"] == 1  # first attempt timed out, second answered

    statuses = [r["status"] for r in sandbox.requests() if "/V1/orders/" in r["path"]]
    assert statuses == [503, 503, 404]


def test_order_placement_with_an_unknown_outcome_is_not_repeated(
    magento: MagentoClient, sandbox: MagentoSandbox, buyer: Address
) -> None:
    cart = magento.checkout.create_guest_cart()
    magento.checkout.add_item(cart, "BAG-TOTE", 1)
    magento.checkout.set_shipping_information(cart, buyer, buyer, carrier_code="flatrate", method_code="flatrate")
    sandbox.inject_fault(Fault(status=502, path_contains="/payment-information", after_processing=True))

    with pytest.raises(OutcomeUnknownError):
        magento.checkout.place_order(cart, email=buyer.email, payment_method="checkmo")

    placed = [r for r in sandbox.requests() if r["path"].endswith("/payment-information")]
    assert len(placed) == 1
    assert magento.sales.search_orders(SearchCriteria()).total_count == 1


def test_retries_end_in_a_transient_error(magento: MagentoClient, sandbox: MagentoSandbox) -> None:
    sandbox.inject_fault(Fault(status=500, method="GET", times=10))

    with pytest.raises(TransientError, match="Internal Error"):
        magento.store.store_configs()


def test_the_request_log_never_holds_credentials(magento: MagentoClient, sandbox: MagentoSandbox) -> None:
    magento.catalog.get_product("BAG-TOTE")
    log = requests.get(sandbox.base_url + "/_sandbox/requests", timeout=5).json()

    assert log[-1] == {
        "method": "GET",
        "path": "/rest/default/V1/products/BAG-TOTE",
        "status": 200,
        "auth": "oauth",
        "query": "",
    }
    dumped = json.dumps(log)
    config = sandbox.config
    for secret in (config.consumer_secret, config.access_token, config.access_token_secret):
        assert secret not in dumped
