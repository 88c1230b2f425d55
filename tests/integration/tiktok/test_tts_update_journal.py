"""The sandbox's journal of accepted price and inventory updates (an observation aid for tests and benchmarks)."""

from __future__ import annotations

import pytest
import requests

from tests.integration.tiktok.support import US_WAREHOUSE, Connected, live_skus
from tts_connector.tiktok.models.product import InventoryEntry, Money, SkuInventoryUpdate, SkuPriceUpdate

pytestmark = pytest.mark.integration


def test_accepted_updates_are_journaled_with_what_was_applied(tts: Connected) -> None:
    skus = live_skus(tts)
    product_id = tts.api.products.search(tts.us, seller_skus=["TEE-RED-S"]).products[0].id
    red, blue = skus["TEE-RED-S"], skus["TEE-BLUE-M"]
    since = tts.sandbox.core.state.now()

    tts.api.products.update_price(
        tts.us, product_id, [SkuPriceUpdate(id=red, price=Money(amount="18.00", currency="USD"))]
    )
    result = tts.api.products.update_inventory(
        tts.us,
        product_id,
        [
            SkuInventoryUpdate(id=red, inventory=[InventoryEntry(warehouse_id=US_WAREHOUSE, quantity=3)]),
            SkuInventoryUpdate(id=blue, inventory=[InventoryEntry(warehouse_id="7068517275539719943", quantity=1)]),
        ],
    )

    assert result.failed_sku_ids == [blue]
    journal = tts.sandbox.update_log(since)
    assert [(e["kind"], e["product_id"], e["skus"]) for e in journal] == [
        ("price", product_id, {red: "18.00"}),
        ("inventory", product_id, {red: {US_WAREHOUSE: 3}}),  # the failed SKU was not applied
    ]
    assert requests.get(f"{tts.sandbox.base_url}/_sandbox/updates", timeout=5).json()[-1]["kind"] == "inventory"
