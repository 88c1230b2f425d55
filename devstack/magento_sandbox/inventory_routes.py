"""MSI: sources, source items (absolute quantities per source) and salable quantity (minus reservations)."""

from __future__ import annotations

from typing import Any

from magento_sandbox import api_errors as err
from magento_sandbox.catalog_routes import get_product
from magento_sandbox.flat_tables import table_fields
from magento_sandbox.routing import RequestContext, Route
from magento_sandbox.search import require_criteria, search

_SOURCES = "Magento_InventoryApi::source"
_STOCKS = "Magento_InventoryApi::stock"


def list_sources(ctx: RequestContext) -> Any:
    # The one list route that works without searchCriteria: SourceRepositoryInterface::getList(
    # SearchCriteriaInterface $searchCriteria = null), "SearchCriteria is not required because load all
    # stocks is useful case" (GitHub magento/inventory, InventoryApi/Api/SourceRepositoryInterface.php).
    return search(list(ctx.state.sources.values()), ctx.args)


def search_source_items(ctx: RequestContext) -> Any:
    require_criteria(ctx.args)  # SourceItemRepositoryInterface::getList(SearchCriteriaInterface $searchCriteria)
    items = sorted(ctx.state.source_items.values(), key=lambda i: (i["sku"], i["source_code"]))
    return search([dict(i) for i in items], ctx.args, fields=table_fields("inventory_source_item"))


def _source_item_errors(ctx: RequestContext, item: dict[str, Any]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    if not str(item.get("sku", "")).strip():
        errors.append({"message": '"%field" can not be empty.', "parameters": {"field": "sku"}})
    code = str(item.get("source_code", "")).strip()
    if not code:
        errors.append({"message": '"%field" can not be empty.', "parameters": {"field": "source_code"}})
    elif code not in ctx.state.sources:
        errors.append({"message": 'Source with code "%1" does not exist.', "parameters": [code]})
    if "quantity" not in item:
        errors.append({"message": '"%field" should be numeric.', "parameters": {"field": "quantity"}})
    if item.get("status") not in (0, 1):
        errors.append({"message": '"%field" should a known status.', "parameters": {"field": "status"}})
    return errors


def save_source_items(ctx: RequestContext) -> Any:
    """POST /V1/inventory/source-items. A SKU that is not in the catalogue is saved like any other, as in
    Magento 2.4.8: MSI keys stock by SKU on purpose (magento/inventory#889, "MSI should allow to have SKUs not
    referring to Catalog"), the validator chain checks only that the SKU is not empty (Inventory/etc/di.xml,
    SourceItemValidatorChain; Inventory/Model/SourceItem/Validator/SkuValidator.php), and the legacy stock
    sync skips unknown SKUs (InventoryCatalog's SetDataToLegacyCatalogInventoryAtSourceItemsSavePlugin and
    SourceItemsSaveSynchronization/SetDataToLegacyCatalogInventory.php). The 200 for an unknown SKU is an open,
    confirmed issue, magento/magento2#38154, whose fix (magento/inventory#3448, 2026) is not merged. So the
    connector cannot rely on Magento to catch a wrong SKU.
    """
    items = ctx.body["sourceItems"]
    if not items:
        raise err.bad_request("Input data is empty")
    errors = [e for item in items for e in _source_item_errors(ctx, item)]
    if errors:
        raise ValidationFailed(errors)
    for item in items:
        ctx.state.source_items[(item["sku"], item["source_code"])] = {
            "sku": item["sku"],
            "source_code": item["source_code"],
            "quantity": float(item["quantity"]),
            "status": int(item["status"]),
        }
        ctx.state.record_event(
            "stock_changed", sku=item["sku"], source_code=item["source_code"], quantity=float(item["quantity"])
        )
    return None


class ValidationFailed(err.MagentoApiError):
    """MSI's ValidationException: a generic message with one entry per failed validator under `errors`."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(400, "Validation Failed")
        self.errors = errors

    def body(self) -> dict[str, Any]:
        return {**super().body(), "errors": self.errors}


def salable_quantity(ctx: RequestContext) -> Any:
    product = get_product(ctx.state, ctx.params["sku"])
    stock_id = int(ctx.params["stockId"]) if ctx.params["stockId"].isdigit() else -1
    if stock_id not in ctx.state.stocks:
        raise err.no_such_entity("stock_id", ctx.params["stockId"])
    if product.type_id != "simple":
        raise err.bad_request("Can't check requested quantity for products without Source Items support.")
    return ctx.state.salable_quantity(product.sku, stock_id)


ROUTES = [
    Route("GET", "/V1/inventory/sources", list_sources, _SOURCES),
    Route("GET", "/V1/inventory/source-items", search_source_items, _SOURCES),
    Route("POST", "/V1/inventory/source-items", save_source_items, _SOURCES),
    Route("GET", "/V1/inventory/get-product-salable-quantity/{sku}/{stockId}", salable_quantity, _STOCKS),
]
