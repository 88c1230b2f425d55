"""MSI's stock export: salable quantities of many products in one paged call.

`GET /V1/inventory/export-stock-salable-qty/{salesChannelType}/{salesChannelCode}` (InventoryExportStockApi,
`ExportStockSalableQtyInterface::execute`, ACL `Magento_InventoryApi::stock`) resolves the sales channel's
stock (GetStockBySalesChannel: "No linked stock found", a NoSuchEntityException, for an unknown channel), runs
the product repository's getList with the searchCriteria, and answers `{sku, qty, is_salable}` per product
of that page, with `qty` the salable quantity (source quantities minus reservations) of the stock.

Sources: GitHub magento/magento2, app/code/Magento/InventoryExportStockApi/etc/webapi.xml and
Api/ExportStockSalableQtyInterface.php; app/code/Magento/InventoryExportStock/Model/
ExportStockSalableQtyBySalesChannel.php (`setTotalCount(count($items))`: **total_count is the size of the
page, not of the result**, so a client cannot page on it) and PreciseExportStockProcessor.php (a SKU not
assigned to the stock answers qty 0 and not salable; types without source items, e.g. configurable, qty 0).
Api test Test/Api/ExportStockSalableQtyTest.php shows the answers, reservations included.
"""

from __future__ import annotations

from typing import Any

from magento_sandbox import api_errors as err
from magento_sandbox.catalog_routes import search_products
from magento_sandbox.routing import RequestContext, Route
from magento_sandbox.search import require_criteria
from magento_sandbox.state import SandboxState

# MSI links the default website to the Default Stock at install time; the sandbox has that one website.
SALES_CHANNELS: dict[tuple[str, str], int] = {("website", "base"): 1}
_SOURCE_ITEM_TYPES = frozenset({"simple", "virtual", "downloadable"})


def _stock_item(state: SandboxState, sku: str, stock_id: int) -> dict[str, Any]:
    product = state.products[sku]
    if product.type_id not in _SOURCE_ITEM_TYPES:
        children = [c for c in product.children if c in state.products]
        salable = any(state.salable_quantity(c, stock_id) > 0 for c in children)
        return {"sku": sku, "qty": 0.0, "is_salable": salable}
    codes = set(state.stock_source_codes(stock_id))
    if not any(code in codes for (item_sku, code) in state.source_items if item_sku == sku):
        return {"sku": sku, "qty": 0.0, "is_salable": False}
    qty = state.salable_quantity(sku, stock_id)
    return {"sku": sku, "qty": float(qty), "is_salable": qty > 0}


def export_salable_qty(ctx: RequestContext) -> Any:
    require_criteria(ctx.args)  # execute(..., SearchCriteriaInterface $searchCriteria) has no default
    stock_id = SALES_CHANNELS.get((ctx.params["salesChannelType"], ctx.params["salesChannelCode"]))
    if stock_id is None:
        raise err.MagentoApiError(404, "No linked stock found")
    page = search_products(ctx)
    items = [_stock_item(ctx.state, str(p["sku"]), stock_id) for p in page["items"]]
    return {"items": items, "search_criteria": page["search_criteria"], "total_count": len(items)}


ROUTES = [
    Route(
        "GET",
        "/V1/inventory/export-stock-salable-qty/{salesChannelType}/{salesChannelCode}",
        export_salable_qty,
        "Magento_InventoryApi::stock",
    ),
]
