"""MSI: sources, source items (absolute quantities per source) and salable quantity (minus reservations)."""

from __future__ import annotations

from typing import Any

from magento_sandbox import api_errors as err
from magento_sandbox.catalog_routes import get_product
from magento_sandbox.routing import RequestContext, Route
from magento_sandbox.search import search

_SOURCES = "Magento_InventoryApi::source"
_STOCKS = "Magento_InventoryApi::stock"


def list_sources(ctx: RequestContext) -> Any:
    return search(list(ctx.state.sources.values()), ctx.args)


def search_source_items(ctx: RequestContext) -> Any:
    items = sorted(ctx.state.source_items.values(), key=lambda i: (i["sku"], i["source_code"]))
    return search([dict(i) for i in items], ctx.args)


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
