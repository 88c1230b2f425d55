"""What price and stock sync reads from Magento, in pages: prices with special prices, MSI's stock export
(salable quantities, reservations included), source quantities; and the sandbox answering like MSI does."""

from __future__ import annotations

import pytest

from magento_sandbox import MagentoSandbox
from magento_sandbox.state import Product
from tests.integration.magento.support import signed
from tts_connector.errors import InvalidInputError, NotFoundError
from tts_connector.magento import MagentoClient, SearchCriteria
from tts_connector.magento.search_criteria import Filter
from tts_connector.stock_sync.magento_reads import MagentoCatalogReader

pytestmark = pytest.mark.integration

EXPORT = "/rest/default/V1/inventory/export-stock-salable-qty/website/base"


def test_the_stock_export_answers_salable_quantities_reservations_included(
    magento: MagentoClient, sandbox: MagentoSandbox
) -> None:
    with sandbox.state.lock:
        sandbox.state.reserve("MS-TEE-M-RED", -3.0, "order_placed", 1)  # an order placed, not shipped

    rows = magento.inventory.export_salable_quantities(
        SearchCriteria(page_size=100).any_of(Filter("sku", ["MS-TEE-M-RED", "MUG-SOLDOUT", "MS-TEE", "NOPE"], "in")),
        "base",
    )

    by_sku = {r.sku: r for r in rows}
    assert (by_sku["MS-TEE-M-RED"].quantity, by_sku["MS-TEE-M-RED"].is_salable) == (12.0, True)  # 10 + 5 - 3
    assert (by_sku["MUG-SOLDOUT"].quantity, by_sku["MUG-SOLDOUT"].is_salable) == (0.0, False)
    assert (by_sku["MS-TEE"].quantity, by_sku["MS-TEE"].is_salable) == (0.0, True)  # configurable: no own stock
    assert "NOPE" not in by_sku


def test_the_stock_export_counts_the_page_and_refuses_an_unknown_channel(sandbox: MagentoSandbox) -> None:
    criteria = SearchCriteria(page_size=2).any_of(Filter("sku", ["BAG-TOTE", "MUG-SOLDOUT", "WB/01 750ml"], "in"))

    page = signed(sandbox, "GET", EXPORT, query=criteria.to_query())
    unknown = signed(
        sandbox, "GET", "/rest/default/V1/inventory/export-stock-salable-qty/website/nope", query=criteria.to_query()
    )
    bare = signed(sandbox, "GET", EXPORT)

    assert page.status_code == 200
    assert page.json()["total_count"] == 2 == len(page.json()["items"])  # MSI counts the page, not the result
    assert unknown.status_code == 404 and unknown.json()["message"] == "No linked stock found"
    assert bare.status_code == 400 and bare.json()["parameters"] == {"fieldName": "searchCriteria"}


def test_a_sku_without_source_items_is_not_salable(magento: MagentoClient, sandbox: MagentoSandbox) -> None:
    with sandbox.state.lock:
        sandbox.state.products["NEW-1"] = Product(990, "NEW-1", "simple", 4, {"name": "New", "price": 5.0})

    rows = magento.inventory.export_salable_quantities(SearchCriteria().where("sku", "NEW-1"), "base")

    assert [(r.sku, r.quantity, r.is_salable) for r in rows] == [("NEW-1", 0.0, False)]


def test_the_reader_gets_prices_with_active_special_prices_in_one_call_per_100_skus(
    magento: MagentoClient, sandbox: MagentoSandbox
) -> None:
    magento.catalog.update_custom_attributes(
        "BAG-TOTE", {"special_price": "29.5", "special_from_date": "2020-01-01 00:00:00"}
    )
    with sandbox.state.lock:
        for n in range(150):
            sku = f"BULK,{n}" if n == 7 else f"BULK-{n}"  # a comma cannot travel in an `in` list
            sandbox.state.products[sku] = Product(1000 + n, sku, "simple", 4, {"name": sku, "price": 1.0 + n})
    reader = MagentoCatalogReader(magento)
    skus = ["BAG-TOTE", "WB/01 750ml", "GONE", *(f"BULK,{n}" if n == 7 else f"BULK-{n}" for n in range(150))]

    prices = reader.prices(skus)

    assert reader.calls == 2  # 153 SKUs: two pages of at most 100
    tote = prices["BAG-TOTE"]
    assert (str(tote.price), str(tote.special_price), str(tote.special_from)) == ("39.0", "29.5", "2020-01-01")
    assert prices["WB/01 750ml"].special_price is None
    assert str(prices["BULK,7"].price) == "8.0" and str(prices["BULK-149"].price) == "150.0"
    assert "GONE" not in prices


def test_the_reader_gets_salable_and_source_quantities_and_resolves_product_ids(
    magento: MagentoClient, sandbox: MagentoSandbox
) -> None:
    reader = MagentoCatalogReader(magento)
    tote_id = sandbox.state.products["BAG-TOTE"].id

    salable = reader.salable(["MS-TEE-M-BLA", "BAG-TOTE"], "base")
    sources = reader.source_quantities(["MS-TEE-M-BLA", "WB/01 750ml"], ["default", "warehouse_east"])
    ids = reader.skus_of_ids([tote_id, 999_999])

    assert salable == {"MS-TEE-M-BLA": 15.0, "BAG-TOTE": 3.0}
    assert sources == {
        "MS-TEE-M-BLA": {"default": 10.0, "warehouse_east": 5.0},
        "WB/01 750ml": {"default": 40.0, "warehouse_east": 10.0},
    }
    assert ids == {tote_id: "BAG-TOTE"}
    with pytest.raises(NotFoundError):
        reader.salable(["BAG-TOTE"], "no_such_website")


def test_an_unknown_filter_field_in_the_export_is_magentos_error(magento: MagentoClient) -> None:
    with pytest.raises(InvalidInputError, match="Invalid attribute name"):
        magento.inventory.export_salable_quantities(SearchCriteria().where("colour_code", "x"), "base")
