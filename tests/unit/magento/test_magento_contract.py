"""Contract: every request body the Magento client can build is accepted by Adobe's 2.4.8 admin schema.

Bodies are captured at the client's single transport seam while each write operation runs with realistic
inputs, then validated with the strict validator (unknown keys rejected everywhere, top-level `required`
enforced). The test also fails when a write endpoint of the client is not exercised here, or when any endpoint
the client calls (read or write) is not a route of the schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from magento_sandbox.schema_validation import match_path, operation_for, validate_body
from tts_connector.magento import Address, BasePrice, ItemQty, MagentoClient, Refund, SourceItem, Track
from tts_connector.magento.endpoints import all_endpoints
from tts_connector.magento.transport import TransportResponse

SHIPPING = Address(
    firstname="Jane",
    lastname="Doe",
    street=("123 Oak Ave", "Apt 4"),
    city="Purchase",
    postcode="10577",
    country_id="US",
    telephone="512-555-1111",
    email="buyer@example.com",
    region="New York",
    region_id=43,
    region_code="NY",
)
BILLING_NO_REGION = Address(
    firstname="Max",
    lastname="Muster",
    street=("Hauptstr. 1",),
    city="Berlin",
    postcode="10115",
    country_id="DE",
    telephone="+49 30 1234567",
    email="max@example.com",
    company="Muster GmbH",
)
ORDER = {"entity_id": 12, "increment_id": "000000012", "state": "processing", "status": "processing"}


def _ok(payload: Any) -> TransportResponse:
    return TransportResponse(200, b"" if payload is None else json.dumps(payload).encode())


def _canned(request: Any) -> TransportResponse:
    """Plausible Magento answers, only so the operations can complete."""
    path = urlsplit(request.url).path
    if request.method == "POST" and path.endswith("/V1/guest-carts"):
        return _ok("5f1c0e2b9d8a4c7e8b6a5d4c3b2a1f0e")
    if path.endswith("/options") or path.endswith("/attributes/tiktok_product_id"):
        return _ok("id_501")
    if path.endswith("/attribute-sets/attributes") or path.endswith(("/invoice", "/ship", "/refund")):
        return _ok(31)
    if path.endswith(("/payment-information", "/order")):
        return _ok(12)
    if path.endswith("/base-prices"):
        return _ok([])
    if path.endswith(("/comments", "/cancel")):
        return _ok(True)
    if path.endswith("/source-items"):
        return _ok(None)
    return _ok({"sku": "X", "entity_id": 12, "attribute_code": "x", "payment_methods": [], "totals": {}})


Operation = Callable[[MagentoClient], Any]
OPERATIONS: dict[str, Operation] = {
    "product custom attributes (global)": lambda c: c.catalog.update_custom_attributes(
        "WB/01 750ml", {"tiktok_product_id": "1729382256910270000", "tiktok_status": "ACTIVATE"}
    ),
    "product custom attributes (store view)": lambda c: c.catalog.update_custom_attributes(
        "MS-TEE", {"description": "<p>Soft tee</p>"}, store_view=True
    ),
    "create text attribute": lambda c: c.catalog.create_attribute("tiktok_product_id", "TikTok Product ID"),
    "create select attribute": lambda c: c.catalog.create_attribute(
        "tiktok_category", "TikTok Category", frontend_input="select", scope="store"
    ),
    "create boolean grid attribute": lambda c: c.catalog.create_attribute(
        "tiktok_shop_synced", "TikTok Shop Synced", frontend_input="boolean", in_grid=True
    ),
    "add attribute option": lambda c: c.catalog.add_attribute_option("brand", "Contoso"),
    "base prices": lambda c: c.catalog.update_base_prices(
        [BasePrice("WB/01 750ml", 14.5), BasePrice("BAG-TOTE", 39.0, store_id=1)]
    ),
    "assign attribute to set": lambda c: c.catalog.assign_attribute_to_set(
        "tiktok_product_id", attribute_set_id=4, attribute_group_id=7
    ),
    "save source items": lambda c: c.inventory.save_source_items(
        [SourceItem("MS-TEE-M-BLA", "default", 7.0), SourceItem("WB/01 750ml", "warehouse_east", 0, status=0)]
    ),
    "create guest cart": lambda c: c.checkout.create_guest_cart(),
    "add cart item": lambda c: c.checkout.add_item("5f1c0e2b9d8a4c7e8b6a5d4c3b2a1f0e", "MS-TEE-M-BLA", 2),
    "add configurable cart item": lambda c: c.checkout.add_item(
        "5f1c0e2b9d8a4c7e8b6a5d4c3b2a1f0e", "MS-TEE", 1, configurable_options={"93": 49, "144": 168}
    ),
    "shipping information": lambda c: c.checkout.set_shipping_information(
        "5f1c", SHIPPING, BILLING_NO_REGION, carrier_code="flatrate", method_code="flatrate"
    ),
    "place order with billing": lambda c: c.checkout.place_order(
        "5f1c", email="buyer@example.com", payment_method="checkmo", billing=SHIPPING
    ),
    "place order without billing": lambda c: c.checkout.place_order(
        "5f1c", email="buyer@example.com", payment_method="banktransfer"
    ),
    "place cart order": lambda c: c.checkout.place_cart_order("5f1c", payment_method="checkmo"),
    "set ext_order_id": lambda c: c.sales.set_ext_order_id(ORDER, "577000112233445566"),
    "save order address": lambda c: c.sales.update_order_address(
        12, {"entity_id": 25, "address_type": "shipping", **SHIPPING.to_magento()}
    ),
    "order comment": lambda c: c.sales.add_comment(12, "TikTok order 5770001", status="pending"),
    "cancel order": lambda c: c.sales.cancel(12),
    "full invoice": lambda c: c.sales.invoice(12),
    "partial invoice": lambda c: c.sales.invoice(12, [ItemQty(3, 1.0)], capture=False, notify=True),
    "full shipment": lambda c: c.sales.ship(12),
    "shipment with tracks and source": lambda c: c.sales.ship(
        12,
        [ItemQty(3, 1)],
        tracks=[Track("1Z999AA10123456784", "UPS", "ups")],
        notify=True,
        source_code="default",
    ),
    "add shipment track": lambda c: c.sales.add_track(12, 31, Track("1Z999AA10123456784", "UPS", "ups")),
    "full refund": lambda c: c.sales.refund(12, Refund()),
    "refund with everything": lambda c: c.sales.refund(
        12,
        Refund(
            items=(ItemQty(3, 1), ItemQty(4, 2.0)),
            shipping_amount=5.0,
            adjustment_positive=1.5,
            adjustment_negative=0.5,
            return_to_stock_items=(3,),
            comment="TikTok return 889",
            notify=True,
        ),
    ),
}


def _endpoint_key(request: Any) -> tuple[str, str, str]:
    path = urlsplit(request.url).path
    scope, _, api_path = path.removeprefix("/rest/").partition("/")
    operations = [op for op, _ in match_path("/" + api_path) if op.method == request.method]
    assert operations, f"{request.method} {unquote(path)} is not a route of the 2.4.8 schema"
    return request.method, operations[0].path_template, "all" if scope == "all" else "store"


@pytest.fixture
def contract_client(client: MagentoClient, transport: Any) -> MagentoClient:
    transport.default = _canned
    return client


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_body_the_operation_builds_is_valid_for_magento_2_4_8(
    name: str, contract_client: MagentoClient, transport: Any
) -> None:
    OPERATIONS[name](contract_client)

    writes = [r for r in transport.sent if r.method != "GET"]
    assert writes, f"{name} sent no write"
    for request in writes:
        method, template, _ = _endpoint_key(request)
        operation = operation_for(method, template)
        assert operation is not None
        if operation.body_schema is None:
            assert request.body is None, f"{method} {template} takes no body"
            continue
        problems = validate_body(method, template, request.body)
        assert problems == [], f"{name}: {method} {template} body {request.body} -> {problems}"


def test_every_write_endpoint_of_the_client_is_exercised_by_the_contract(
    contract_client: MagentoClient, transport: Any
) -> None:
    for operation in OPERATIONS.values():
        operation(contract_client)

    exercised = {_endpoint_key(r) for r in transport.sent if r.method != "GET"}
    declared = {(e.method, e.template, e.scope) for e in all_endpoints() if e.is_write}
    assert declared - exercised == set(), "write endpoints without a contract check"


@pytest.mark.parametrize("endpoint", all_endpoints(), ids=str)
def test_every_endpoint_the_client_calls_is_a_route_of_the_schema(endpoint: Any) -> None:
    assert operation_for(endpoint.method, endpoint.template) is not None


def test_the_contract_validator_refuses_what_magento_refuses() -> None:
    # Guards the contract itself: a validator that accepted everything would make the tests above pass.
    body = {"cartItem": {"sku": "X", "qty": 1, "quote_id": "q", "cart_id": 1}}
    problems = validate_body("POST", "/V1/guest-carts/{cartId}/items", body)
    assert [(p.kind, p.field) for p in problems] == [("unknown_property", "cartItem.cart_id")]
    assert validate_body("POST", "/V1/guest-carts/{cartId}/items", {})[0].kind == "missing"


def test_the_coverage_check_notices_a_write_that_was_not_exercised(
    contract_client: MagentoClient, transport: Any
) -> None:
    # Guards the coverage check: leaving one operation out must leave its endpoint uncovered.
    for name, operation in OPERATIONS.items():
        if name != "cancel order":
            operation(contract_client)

    exercised = {_endpoint_key(r) for r in transport.sent if r.method != "GET"}
    declared = {(e.method, e.template, e.scope) for e in all_endpoints() if e.is_write}
    assert declared - exercised == {("POST", "/V1/orders/{id}/cancel", "store")}
