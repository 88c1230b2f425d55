"""Products: create with validation, audit lifecycle and webhooks 5/37, reads, edits, price and inventory."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from tests.integration.tiktok.support import (
    GB_WAREHOUSE,
    US_WAREHOUSE,
    Connected,
    WebhookReceiver,
    tee_product,
    upload_main_image,
    wait_until,
)
from tiktok_sandbox import TikTokSandbox
from tts_connector.tiktok.errors import TikTokApiError
from tts_connector.tiktok.models.product import (
    InventoryEntry,
    Money,
    ProductInput,
    SkuInventoryUpdate,
    SkuPriceUpdate,
)

pytestmark = pytest.mark.integration


def _status(tts: Connected, product_id: str) -> str:
    return tts.api.products.get(tts.us, product_id).status


def _webhooks(receiver: WebhookReceiver, event_type: int) -> list[dict[str, Any]]:
    return [p for p in (json.loads(w.body) for w in receiver.received) if p["type"] == event_type]


def test_create_goes_through_audit_to_activate_with_webhooks(tts: Connected, webhook_receiver: WebhookReceiver) -> None:
    created = tts.api.products.create(tts.us, tee_product(tts))
    assert {s.seller_sku for s in created.skus} == {"TEE-RED-S", "TEE-BLUE-M"}
    assert wait_until(lambda: _status(tts, created.product_id) == "ACTIVATE")
    product = tts.api.products.get(tts.us, created.product_id)
    assert product.audit is not None
    assert product.audit.status == "APPROVED"
    assert webhook_receiver.wait_for(lambda r: len(r) >= 2)
    status_events = _webhooks(webhook_receiver, 5)
    audit_events = _webhooks(webhook_receiver, 37)
    # TikTok sends product_id as a JSON number in these two topics.
    assert status_events[0]["data"]["product_id"] == int(created.product_id)
    assert audit_events[0]["data"]["audit"]["status"] == "APPROVED"


def test_failed_audit_reports_reasons(
    sandbox: TikTokSandbox, tts: Connected, webhook_receiver: WebhookReceiver
) -> None:
    sandbox.fail_next_audits(["Main image has a watermark"])
    created = tts.api.products.create(tts.us, tee_product(tts))
    assert wait_until(lambda: _status(tts, created.product_id) == "FAILED")
    product = tts.api.products.get(tts.us, created.product_id)
    assert product.audit_failed_reasons[0].reasons == ["Main image has a watermark"]
    assert webhook_receiver.wait_for(lambda r: any(json.loads(w.body)["type"] == 37 for w in r))
    assert _webhooks(webhook_receiver, 5)[0]["data"]["status"] == "PRODUCT_AUDIT_FAILURE"


@pytest.mark.parametrize("sandbox_overrides", [{"auto_audit_after": None}])
def test_audit_can_be_driven_by_control_api(sandbox: TikTokSandbox, tts: Connected, sandbox_overrides: Any) -> None:
    created = tts.api.products.create(tts.us, tee_product(tts))
    assert _status(tts, created.product_id) == "PENDING"
    sandbox.complete_audit(created.product_id, approve=True)
    assert _status(tts, created.product_id) == "ACTIVATE"


def test_draft_is_not_audited(tts: Connected) -> None:
    created = tts.api.products.create(tts.us, tee_product(tts, save_mode="AS_DRAFT"))
    assert _status(tts, created.product_id) == "DRAFT"


def _invalid(tts: Connected, uri: str, **changes: Any) -> ProductInput:
    body = tee_product(tts, image_uri=uri).model_dump(mode="json", exclude_none=True)
    for path, value in changes.items():
        target: Any = body
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value
    return ProductInput.model_validate(body)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"category_id": "900110"}, 12052024),  # not a leaf
        ({"category_id": "601226", "category_version": "v1"}, 12052217),  # US shop must use v2
        ({"package_weight": {"value": "0", "unit": "POUND"}}, 12052181),
        ({"main_images": [{"uri": "tos-maliva-i-o3syd03w52-us/never-uploaded"}]}, 12052200),
        ({"product_attributes": []}, 12052240),  # required Material missing
        ({"skus__1__seller_sku": "TEE-RED-S"}, 12052220),
        ({"skus__1__sales_attributes": [{"id": "100000", "value_id": "1002"}]}, 12052210),
        ({"skus__0__identifier_code": {"code": "12345", "type": "UPC"}}, 12052230),
        ({"skus__0__identifier_code": {"code": "9780306406157", "type": "GTIN"}}, 12052230),
    ],
)
def test_create_validation_errors(tts: Connected, changes: dict[str, Any], code: int) -> None:
    uri = upload_main_image(tts, tts.us)
    with pytest.raises(TikTokApiError) as raised:
        tts.api.products.create(tts.us, _invalid(tts, uri, **changes))
    assert raised.value.tiktok_code == code
    assert raised.value.request_id
    assert tts.api.products.search(tts.us).total_count == 0


def test_at_most_three_sales_attributes(tts: Connected) -> None:
    uri = upload_main_image(tts, tts.us)
    four = [
        {"id": "100000", "value_id": "1001"},
        {"id": "100007", "value_id": "2001"},
        {"name": "Fit", "value_name": "Slim"},
        {"name": "Sleeve", "value_name": "Short"},
    ]
    with pytest.raises(TikTokApiError) as raised:
        tts.api.products.create(tts.us, _invalid(tts, uri, skus__0__sales_attributes=four))
    assert raised.value.tiktok_code == 12052210


def test_mug_needs_package_dimensions(tts: Connected) -> None:
    uri = upload_main_image(tts, tts.us)
    mug = {
        "category_id": "910110",
        "product_attributes": [{"id": "101010", "values": [{"id": "5201"}]}],
        "skus": [
            {
                "seller_sku": "MUG-1",
                "price": {"amount": "9.00", "currency": "USD"},
                "inventory": [{"warehouse_id": US_WAREHOUSE, "quantity": 3}],
            }
        ],
    }
    with pytest.raises(TikTokApiError):
        tts.api.products.create(tts.us, tee_product(tts, image_uri=uri, **mug))
    dims = {"length": "10", "width": "10", "height": "12", "unit": "INCH"}
    created = tts.api.products.create(tts.us, tee_product(tts, image_uri=uri, package_dimensions=dims, **mug))
    assert created.product_id


def test_gb_shop_uses_v1_tree_and_gbp(tts: Connected) -> None:
    uri = upload_main_image(tts, tts.gb)
    body = {
        "title": "Sandbox tee for the UK shop",
        "description": "<p>Tee</p>",
        "category_id": "601226",
        "main_images": [{"uri": uri}],
        "package_weight": {"value": "0.2", "unit": "KILOGRAM"},
        "product_attributes": [{"id": "101001", "values": [{"name": "Linen"}]}],
        "skus": [
            {
                "seller_sku": "UK-TEE",
                "price": {"amount": "15.00", "currency": "GBP"},
                "inventory": [{"warehouse_id": GB_WAREHOUSE, "quantity": 4}],
            }
        ],
    }
    assert tts.api.products.create(tts.gb, ProductInput.model_validate(body)).product_id
    with pytest.raises(TikTokApiError):
        tts.api.products.create(
            tts.gb, ProductInput.model_validate(body | {"package_weight": {"value": "1", "unit": "POUND"}})
        )


def _live_product(tts: Connected) -> tuple[str, dict[str, str]]:
    created = tts.api.products.create(tts.us, tee_product(tts))
    assert wait_until(lambda: _status(tts, created.product_id) == "ACTIVATE")
    return created.product_id, {str(s.seller_sku): s.id for s in created.skus}


def test_get_and_search(tts: Connected) -> None:
    product_id, skus = _live_product(tts)
    product = tts.api.products.get(tts.us, product_id)
    assert product.title == "Sandbox graphic tee"
    assert {s.id for s in product.skus} == set(skus.values())
    red = next(s for s in product.skus if s.seller_sku == "TEE-RED-S")
    assert red.price is not None
    assert red.price.sale_price == Decimal("19.99")
    found = tts.api.products.search(tts.us, status="ACTIVATE", seller_skus=["TEE-BLUE-M"])
    assert [p.id for p in found.products] == [product_id]
    assert tts.api.products.search(tts.us, status="DRAFT").total_count == 0
    with pytest.raises(TikTokApiError):
        tts.api.products.get(tts.us, "1729592969712207999")


def test_update_price(tts: Connected) -> None:
    product_id, skus = _live_product(tts)
    update = SkuPriceUpdate(id=skus["TEE-RED-S"], price=Money(amount=Decimal("17.25"), currency="USD"))
    tts.api.products.update_price(tts.us, product_id, [update])
    red = next(s for s in tts.api.products.get(tts.us, product_id).skus if s.id == skus["TEE-RED-S"])
    assert red.price is not None
    assert red.price.sale_price == Decimal("17.25")
    wrong_currency = SkuPriceUpdate(id=skus["TEE-RED-S"], price=Money(amount=Decimal("1"), currency="GBP"))
    with pytest.raises(TikTokApiError):
        tts.api.products.update_price(tts.us, product_id, [wrong_currency])


@pytest.mark.parametrize("sandbox_overrides", [{"auto_audit_after": None}])
def test_update_price_needs_an_active_product(tts: Connected, sandbox_overrides: Any) -> None:
    created = tts.api.products.create(tts.us, tee_product(tts))
    update = SkuPriceUpdate(id=created.skus[0].id, price=Money(amount=Decimal("5"), currency="USD"))
    with pytest.raises(TikTokApiError, match="ACTIVATE"):
        tts.api.products.update_price(tts.us, created.product_id, [update])


def test_update_inventory_reports_partial_failures(tts: Connected) -> None:
    product_id, skus = _live_product(tts)
    result = tts.api.products.update_inventory(
        tts.us,
        product_id,
        [
            SkuInventoryUpdate(
                id=skus["TEE-RED-S"], inventory=[InventoryEntry(warehouse_id=US_WAREHOUSE, quantity=42)]
            ),
            SkuInventoryUpdate(
                id=skus["TEE-BLUE-M"], inventory=[InventoryEntry(warehouse_id=GB_WAREHOUSE, quantity=1)]
            ),
            SkuInventoryUpdate(
                id="1729592969712200000", inventory=[InventoryEntry(warehouse_id=US_WAREHOUSE, quantity=1)]
            ),
        ],
    )
    assert not result.succeeded
    assert set(result.failed_sku_ids) == {skus["TEE-BLUE-M"], "1729592969712200000"}
    quantities = {s.id: s.inventory[0].quantity for s in tts.api.products.get(tts.us, product_id).skus}
    assert quantities == {skus["TEE-RED-S"]: 42, skus["TEE-BLUE-M"]: 5}
    ok = tts.api.products.update_inventory(
        tts.us,
        product_id,
        [SkuInventoryUpdate(id=skus["TEE-BLUE-M"], inventory=[InventoryEntry(warehouse_id=US_WAREHOUSE, quantity=0)])],
    )
    assert ok.succeeded


def test_edit_replaces_and_keeps_sku_ids_then_partial_edit_changes_one_field(tts: Connected) -> None:
    product_id, skus = _live_product(tts)
    edited = tee_product(tts, title="Renamed tee")
    only_red = edited.model_copy(update={"skus": edited.skus[:1]})
    result = tts.api.products.edit(tts.us, product_id, only_red)
    assert [s.id for s in result.skus] == [skus["TEE-RED-S"]]
    # The edit is audited beside the live version, then published.
    assert wait_until(lambda: _audit(tts, product_id) == "APPROVED")
    product = tts.api.products.get(tts.us, product_id)
    assert (product.title, len(product.skus), product.status) == ("Renamed tee", 1, "ACTIVATE")
    tts.api.products.partial_edit(tts.us, product_id, {"title": "Partially renamed tee"})
    assert wait_until(lambda: _audit(tts, product_id) == "APPROVED")
    product = tts.api.products.get(tts.us, product_id)
    assert product.title == "Partially renamed tee"
    assert product.description == "<p>Soft cotton tee</p>"
    with pytest.raises(ValueError, match="Unknown product fields"):
        tts.api.products.partial_edit(tts.us, product_id, {"titel": "typo"})


def _audit(tts: Connected, product_id: str) -> str | None:
    audit = tts.api.products.get(tts.us, product_id).audit
    return audit.status if audit is not None else None


def test_idempotency_key_returns_the_same_product(tts: Connected) -> None:
    product = tee_product(tts, idempotency_key="create-tee-1")
    first = tts.api.products.create(tts.us, product)
    second = tts.api.products.create(tts.us, product)
    assert first.product_id == second.product_id
    assert tts.api.products.search(tts.us).total_count == 1
