"""Fidelity rules 2 and 3: a live product keeps selling while an edit is audited; unknown brands are cleared.

Sources: edit-product and partial-edit-product specs ("If the audit passes, v2 is published to the shop,
otherwise, the existing product stays live and remains unchanged (keeping v1). However, edits to the price or
inventory fields do not require a reaudit and will be immediately published"), get-product spec
(`return_under_review_version`, error 12052547), create-product spec response sample (`data.warnings[]`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.integration.tiktok.support import US_WAREHOUSE, Connected, tee_product, wait_until
from tiktok_sandbox import TikTokSandbox
from tts_connector.tiktok.errors import TikTokApiError
from tts_connector.tiktok.models.product import InventoryEntry, Money, SkuInventoryUpdate, SkuPriceUpdate

pytestmark = pytest.mark.integration
MANUAL_AUDIT = [{"auto_audit_after": None}]
UNKNOWN_BRAND = "7082427311584340000"


def _live(sandbox: TikTokSandbox, tts: Connected, **overrides: Any) -> tuple[str, dict[str, str]]:
    created = tts.api.products.create(tts.us, tee_product(tts, **overrides))
    sandbox.complete_audit(created.product_id, approve=True)
    return created.product_id, {str(s.seller_sku): s.id for s in created.skus}


def _price(tts: Connected, product_id: str, sku_id: str, *, under_review: bool = False) -> Decimal | None:
    product = tts.api.products.get(tts.us, product_id, under_review_version=under_review)
    price = next(s for s in product.skus if s.id == sku_id).price
    return price.sale_price if price is not None else None


@pytest.mark.parametrize("sandbox_overrides", MANUAL_AUDIT)
def test_live_product_keeps_selling_while_its_edit_is_audited(
    sandbox: TikTokSandbox, tts: Connected, sandbox_overrides: Any
) -> None:
    product_id, skus = _live(sandbox, tts)
    red = skus["TEE-RED-S"]
    edit = tee_product(tts, title="Renamed graphic tee")
    edit.skus[0].price = Money(amount=Decimal("18.00"), currency="USD")
    tts.api.products.edit(tts.us, product_id, edit)

    live = tts.api.products.get(tts.us, product_id)
    assert (live.status, live.title) == ("ACTIVATE", "Sandbox graphic tee")
    assert live.audit is not None and live.audit.status == "AUDITING"
    assert live.edit_under_review
    assert tts.api.products.search(tts.us, status="ACTIVATE").total_count == 1
    assert [p.id for p in tts.api.products.search(tts.us, audit_status=["AUDITING"]).products] == [product_id]
    pending = tts.api.products.get(tts.us, product_id, under_review_version=True)
    assert pending.title == "Renamed graphic tee"
    # The edit's price went live at once; price and stock updates keep working during the review.
    assert _price(tts, product_id, red) == Decimal("18.00")
    tts.api.products.update_price(
        tts.us, product_id, [SkuPriceUpdate(id=red, price=Money(amount=Decimal("16.50"), currency="USD"))]
    )
    stock = tts.api.products.update_inventory(
        tts.us,
        product_id,
        [SkuInventoryUpdate(id=red, inventory=[InventoryEntry(warehouse_id=US_WAREHOUSE, quantity=7)])],
    )
    assert stock.succeeded
    assert _price(tts, product_id, red) == _price(tts, product_id, red, under_review=True) == Decimal("16.50")
    # Buyers can still order it.
    order = sandbox.place_order(tts.us.shop_id, [(red, 2)])
    assert [i["original_price"] for i in order["line_items"]] == ["16.50", "16.50"]

    sandbox.complete_audit(product_id, approve=True)
    published = tts.api.products.get(tts.us, product_id)
    assert (published.title, published.status) == ("Renamed graphic tee", "ACTIVATE")
    assert published.audit is not None and published.audit.status == "APPROVED"
    red_sku = next(s for s in published.skus if s.id == red)
    assert red_sku.inventory[0].quantity == 5  # 7 minus the 2 ordered while the edit waited
    with pytest.raises(TikTokApiError) as raised:
        tts.api.products.get(tts.us, product_id, under_review_version=True)
    assert raised.value.tiktok_code == 12052547


@pytest.mark.parametrize("sandbox_overrides", MANUAL_AUDIT)
def test_failed_edit_keeps_the_live_version(sandbox: TikTokSandbox, tts: Connected, sandbox_overrides: Any) -> None:
    product_id, _ = _live(sandbox, tts)
    tts.api.products.partial_edit(tts.us, product_id, {"title": "Graphic tee with a forbidden claim"})
    sandbox.complete_audit(product_id, approve=False, reasons=["Exaggerated claim in title"])
    product = tts.api.products.get(tts.us, product_id)
    assert (product.status, product.title) == ("ACTIVATE", "Sandbox graphic tee")
    assert product.audit is not None and product.audit.status == "FAILED"
    assert product.audit_failed_reasons[0].reasons == ["Exaggerated claim in title"]


@pytest.mark.parametrize("sandbox_overrides", MANUAL_AUDIT)
def test_post_live_draft_is_kept_apart(sandbox: TikTokSandbox, tts: Connected, sandbox_overrides: Any) -> None:
    product_id, _ = _live(sandbox, tts)
    tts.api.products.partial_edit(tts.us, product_id, {"title": "Draft title for later", "save_mode": "AS_DRAFT"})
    live = tts.api.products.get(tts.us, product_id)
    assert (live.status, live.title, live.has_draft) == ("ACTIVATE", "Sandbox graphic tee", True)
    assert tts.api.products.get(tts.us, product_id, draft_version=True).title == "Draft title for later"
    with pytest.raises(ValueError, match="exclusive"):
        tts.api.products.get(tts.us, product_id, under_review_version=True, draft_version=True)
    with pytest.raises(TikTokApiError, match="mutually exclusive"):
        tts.client.call(
            "GET",
            f"/product/202309/products/{product_id}",
            shop=tts.us,
            query={"return_draft_version": True, "return_under_review_version": True},
            idempotent=True,
        )


def test_unknown_brand_is_cleared_with_a_warning(tts: Connected) -> None:
    created = tts.api.products.create(tts.us, tee_product(tts, brand_id=UNKNOWN_BRAND))
    assert created.warning_messages == [
        f"The [brand_id]:{UNKNOWN_BRAND} field is incorrect and has been automatically cleared by the system. "
        "Reason: [Brand does not exist]. You can edit it later."
    ]
    assert tts.api.products.get(tts.us, created.product_id).brand is None
    known = tts.api.products.edit(tts.us, created.product_id, tee_product(tts, brand_id="7082427311584347905"))
    assert known.warnings == []
    assert wait_until(lambda: tts.api.products.get(tts.us, created.product_id).brand is not None)
    product = tts.api.products.get(tts.us, created.product_id)
    assert product.brand is not None and product.brand.name == "Sandbox Basics"
    again = tts.api.products.partial_edit(tts.us, created.product_id, {"brand_id": UNKNOWN_BRAND})
    assert len(again.warnings) == 1


def test_unauthorized_t1_brand_is_still_refused(tts: Connected) -> None:
    with pytest.raises(TikTokApiError) as raised:
        tts.api.products.create(tts.us, tee_product(tts, brand_id="7082427311584347907"))
    assert raised.value.tiktok_code == 12052208
    assert tts.api.products.search(tts.us).total_count == 0
