"""Store config, products, configurable products, attributes, attribute sets and categories."""

from __future__ import annotations

import re
from typing import Any

from magento_sandbox import api_errors as err
from magento_sandbox.php_types import php_string
from magento_sandbox.routing import RequestContext, Route
from magento_sandbox.search import require_criteria, search
from magento_sandbox.search_fields import EavFields
from magento_sandbox.state import MAIN_PRODUCT_FIELDS, STORE_IDS, Attribute, Product, SandboxState, now

_PRODUCTS = "Magento_Catalog::products"
_CATEGORIES = "Magento_Catalog::categories"
_ATTRIBUTES = "Magento_Catalog::attributes_attributes"
_ATTRIBUTE_CODE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]{0,59}$")
_FRONTEND_INPUTS = frozenset({"text", "textarea", "texteditor", "date", "datetime", "boolean", "multiselect"})
_FRONTEND_INPUTS |= {"select", "media_image", "price", "weight", "swatch_visual", "swatch_text"}


def product_api(state: SandboxState, product: Product, store_code: str) -> dict[str, Any]:
    values = product.effective_values(store_code)
    custom = [
        {"attribute_code": code, "value": value}
        for code, value in values.items()
        if code not in MAIN_PRODUCT_FIELDS and value not in (None, "")
    ]
    custom.append({"attribute_code": "category_ids", "value": [str(c) for c in product.category_ids]})
    extension: dict[str, Any] = {
        "website_ids": [1],
        "category_links": [{"position": 0, "category_id": str(c)} for c in product.category_ids],
    }
    if product.type_id == "simple":
        qty = state.source_quantity(product.sku)
        extension["stock_item"] = {
            "item_id": product.id,
            "product_id": product.id,
            "stock_id": 1,
            "qty": qty,
            "is_in_stock": qty > 0,
            "manage_stock": True,
            "backorders": 0,
            "min_sale_qty": 1,
        }
    if product.type_id == "configurable":
        extension["configurable_product_options"] = configurable_options(state, product)
        extension["configurable_product_links"] = [state.products[s].id for s in product.children]
    body: dict[str, Any] = {
        "id": product.id,
        "sku": product.sku,
        "name": values.get("name"),
        "attribute_set_id": product.attribute_set_id,
        "price": values.get("price", 0),
        "status": values.get("status", 1),
        "visibility": values.get("visibility", 4),
        "type_id": product.type_id,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
        "extension_attributes": extension,
        "product_links": [],
        "options": [],
        "media_gallery_entries": list(product.media),
        "tier_prices": [],
        "custom_attributes": custom,
    }
    if "weight" in values:
        body["weight"] = values["weight"]
    return body


def configurable_options(state: SandboxState, product: Product) -> list[dict[str, Any]]:
    options = []
    for position, code in enumerate(product.configurable_attributes):
        attribute = state.attributes[code]
        used = sorted({str(state.products[c].values.get(code)) for c in product.children})
        options.append(
            {
                "id": product.id * 10 + position,
                "attribute_id": str(attribute.attribute_id),
                "label": attribute.label,
                "position": position,
                "values": [{"value_index": int(v)} for v in used],
                "product_id": product.id,
            }
        )
    return options


def get_product(state: SandboxState, sku: str) -> Product:
    product = state.products.get(sku)
    if product is None:
        raise err.product_not_found()
    return product


def _product_getter(item: Any, field: str) -> Any:
    extension = item.get("extension_attributes", {})
    if field == "category_id":
        return [link["category_id"] for link in extension.get("category_links", [])]
    if field == "website_id":
        return [str(w) for w in extension.get("website_ids", [])]
    if field == "store_id":
        return [str(s) for s in STORE_IDS]  # one website holds every store view
    if field == "entity_id":
        return item["id"]
    if field in item:
        return item[field]
    return next((c["value"] for c in item.get("custom_attributes", []) if c["attribute_code"] == field), None)


def store_configs(ctx: RequestContext) -> Any:
    media = ctx.media_base_url()
    return [
        {
            "id": 1,
            "code": "default",
            "website_id": 1,
            "locale": "en_US",
            "base_currency_code": "USD",
            "default_display_currency_code": "USD",
            "timezone": "UTC",
            "weight_unit": "kgs",
            "base_url": f"{ctx.base_url}/",
            "base_link_url": f"{ctx.base_url}/",
            "base_static_url": f"{ctx.base_url}/static/",
            "base_media_url": media,
            "secure_base_url": f"{ctx.base_url}/",
            "secure_base_link_url": f"{ctx.base_url}/",
            "secure_base_static_url": f"{ctx.base_url}/static/",
            "secure_base_media_url": media,
        }
    ]


def search_products(ctx: RequestContext) -> Any:
    require_criteria(ctx.args)  # ProductRepositoryInterface::getList(SearchCriteriaInterface $searchCriteria)
    items = [product_api(ctx.state, p, ctx.store_code) for p in ctx.state.products.values()]
    items.sort(key=lambda p: p["id"])
    return search(items, ctx.args, _product_getter, EavFields(ctx.state.attributes.keys))


def read_product(ctx: RequestContext) -> Any:
    return product_api(ctx.state, get_product(ctx.state, ctx.params["sku"]), ctx.store_code)


def save_product(ctx: RequestContext) -> Any:
    """PUT /V1/products/{sku}: global values under /rest/all, store-view overrides under a store code.

    Attributes whose scope is global cannot have store values, so they are written globally from any scope.
    Values are dropped silently (200, the product answered without them) for unknown attribute codes and for
    attributes outside the product's attribute set: Magento's EAV save writes only "applicable" attributes,
    `$attribute->isInSet($object->getAttributeSetId())` (GitHub magento/magento2,
    app/code/Magento/Catalog/Model/ResourceModel/AbstractResource.php, `_isApplicableAttribute`).
    """
    state = ctx.state
    data = ctx.body["product"]
    sku = ctx.params["sku"]
    product = state.products.get(sku)
    if product is None:
        for needed in ("name", "price", "attribute_set_id"):
            if needed not in data:
                raise err.bad_request('The "%1" attribute value is empty. Set the attribute and try again.', [needed])
        product = Product(state.next_id("product"), sku, data.get("type_id", "simple"), data["attribute_set_id"], {})
        state.products[sku] = product
    changes = {k: data[k] for k in MAIN_PRODUCT_FIELDS if k in data}
    for custom in data.get("custom_attributes", []):
        if custom["attribute_code"] in state.attributes:
            changes[custom["attribute_code"]] = custom["value"]
    in_set = state.attribute_sets.get(product.attribute_set_id, {}).get("attributes", {})
    for code, value in changes.items():
        if code not in in_set:
            continue
        attribute = state.attributes.get(code)
        if ctx.store_code == "all" or attribute is None or attribute.scope == "global":
            product.values[code] = value
        else:
            product.store_values.setdefault(ctx.store_code, {})[code] = value
    product.updated_at = now()
    # catalog_product_save_after fires on every save, whoever made it.
    state.record_event("product_saved", sku=sku, product_id=product.id)
    return product_api(state, product, ctx.store_code)


def configurable_children(ctx: RequestContext) -> Any:
    product = get_product(ctx.state, ctx.params["sku"])
    return [product_api(ctx.state, ctx.state.products[c], ctx.store_code) for c in product.children]


def configurable_options_all(ctx: RequestContext) -> Any:
    product = get_product(ctx.state, ctx.params["sku"])
    if product.type_id != "configurable":
        raise err.bad_request('The "%1" product type is not configurable.', [product.type_id])
    return configurable_options(ctx.state, product)


def _attribute(ctx: RequestContext) -> Attribute:
    attribute = ctx.state.attributes.get(ctx.params["attributeCode"])
    if attribute is None:
        raise err.attribute_not_found(ctx.params["attributeCode"])
    return attribute


def read_attribute(ctx: RequestContext) -> Any:
    return _attribute(ctx).to_api()


def attribute_options(ctx: RequestContext) -> Any:
    return _attribute(ctx).options_api()


def create_attribute(ctx: RequestContext) -> Any:
    data = ctx.body["attribute"]
    code = data.get("attribute_code", "")
    if not _ATTRIBUTE_CODE.match(code):
        raise err.bad_request(
            'Attribute code "%1" is invalid. Please use only letters (a-z or A-Z), numbers (0-9) or'
            " underscore (_) in this field, and the first character should be a letter.",
            [code],
        )
    if code in ctx.state.attributes:
        raise err.bad_request("An attribute with the same code (%1) already exists.", [code])
    frontend_input = data.get("frontend_input")
    if frontend_input not in _FRONTEND_INPUTS:
        raise err.bad_request('Input type "%1" not found in the input types list.', [frontend_input])
    label = data.get("default_frontend_label") or next(
        (lbl["label"] for lbl in data.get("frontend_labels", []) if lbl.get("store_id", 0) == 0), None
    )
    if not label:
        raise err.required("frontend_label")
    attribute = Attribute(
        attribute_id=ctx.state.next_id("attribute", start=200),
        code=code,
        label=label,
        frontend_input=frontend_input,
        scope=data.get("scope", "store"),
        backend_type="int" if frontend_input in ("select", "boolean") else "varchar",
        is_user_defined=True,
        in_grid=bool(data.get("is_used_in_grid", False)),
    )
    ctx.state.attributes[code] = attribute
    return attribute.to_api()


def add_attribute_option(ctx: RequestContext) -> Any:
    attribute = _attribute(ctx)
    if attribute.frontend_input not in ("select", "multiselect"):
        raise err.bad_request('The "%1" attribute doesn\'t work with options.', [attribute.code])
    label = ctx.body["option"].get("label", "")
    if not label:
        raise err.required("label")
    if any(existing == label for _, existing in attribute.options):
        raise err.bad_request("Admin store attribute option label '%1' is already exists.", [label])
    option_id = str(ctx.state.next_id("option", start=500))
    attribute.options.append((option_id, label))
    return f"id_{option_id}"


def attribute_set_groups(ctx: RequestContext) -> Any:
    require_criteria(ctx.args)  # ProductAttributeGroupRepositoryInterface::getList(SearchCriteriaInterface ...)
    groups = [
        {"attribute_group_id": gid, "attribute_group_name": name, "attribute_set_id": set_id}
        for set_id, attribute_set in ctx.state.attribute_sets.items()
        for gid, name in attribute_set["groups"].items()
    ]
    return search(groups, ctx.args)


def attribute_set_attributes(ctx: RequestContext) -> Any:
    """GET /V1/products/attribute-sets/{attributeSetId}/attributes: the attributes a set holds."""
    set_id = int(ctx.params["attributeSetId"])
    attribute_set = ctx.state.attribute_sets.get(set_id)
    if attribute_set is None:
        raise err.no_such_entity("id", set_id)
    return [ctx.state.attributes[code].to_api() for code in attribute_set["attributes"] if code in ctx.state.attributes]


def assign_attribute_to_set(ctx: RequestContext) -> Any:
    body = ctx.body
    attribute_set = ctx.state.attribute_sets.get(body["attributeSetId"])
    if attribute_set is None:
        raise err.no_such_entity("id", body["attributeSetId"])
    if body["attributeGroupId"] not in attribute_set["groups"]:
        raise err.bad_request(
            'The group with the "%1" ID doesn\'t exist. Verify the group and try again.',
            [body["attributeGroupId"]],
        )
    attribute = ctx.state.attributes.get(body["attributeCode"])
    if attribute is None:
        raise err.attribute_not_found(body["attributeCode"])
    attribute_set["attributes"][attribute.code] = body["attributeGroupId"]
    return ctx.state.next_id("entity_attribute", start=1000)


def _category_node(state: SandboxState, cid: int, depth: int | None) -> dict[str, Any]:
    category = state.categories[cid]
    children = sorted((c for c in state.categories.values() if c["parent_id"] == cid), key=lambda c: c["position"])
    product_count = sum(1 for p in state.products.values() if cid in p.category_ids)
    node = {k: category[k] for k in ("id", "parent_id", "name", "is_active", "position", "level")}
    node["product_count"] = product_count
    node["children_data"] = (
        [_category_node(state, c["id"], None if depth is None else depth - 1) for c in children]
        if depth is None or depth > 0
        else []
    )
    return node


def category_tree(ctx: RequestContext) -> Any:
    root = int(ctx.arg("rootCategoryId") or 1)
    depth_arg = ctx.arg("depth")
    if root not in ctx.state.categories:
        raise err.no_such_entity("id", root)
    return _category_node(ctx.state, root, int(depth_arg) if depth_arg else None)


def category_list(ctx: RequestContext) -> Any:
    require_criteria(ctx.args)  # CategoryListInterface::getList(SearchCriteriaInterface $searchCriteria)
    items = []
    for category in sorted(ctx.state.categories.values(), key=lambda c: c["id"]):
        children = [str(c["id"]) for c in ctx.state.categories.values() if c["parent_id"] == category["id"]]
        items.append({**category, "children": ",".join(children), "custom_attributes": []})
    return search(items, ctx.args)


# Product types with a price of their own; a configurable's price is its children's (Catalog etc/di.xml,
# BasePriceStorage allowedProductTypes).
_PRICED_TYPES = frozenset({"simple", "virtual", "bundle", "downloadable"})
_INVALID_ATTRIBUTE = "Invalid attribute %fieldName = %fieldValue."


def _price_row_failures(state: SandboxState, row: dict[str, Any]) -> list[dict[str, Any]]:
    """One row's failures, worded as BasePriceStorage::retrieveValidPrices reports them."""
    sku, price, store_id = row.get("sku"), row.get("price"), row.get("store_id")
    failures: list[dict[str, Any]] = []
    product = state.products.get(sku) if sku else None
    if product is None or product.type_id not in _PRICED_TYPES:
        failures.append({"message": _INVALID_ATTRIBUTE, "parameters": ["SKU", sku]})
    if price is None or price < 0:
        failures.append({"message": _INVALID_ATTRIBUTE, "parameters": ["Price", php_string(price)]})
    if store_id not in STORE_IDS:
        # This message is rendered by Magento before it is stored, unlike the two above.
        text = f"Requested store is not found. Row ID: SKU = {php_string(sku)}, Store ID: {php_string(store_id)}."
        failures.append({"message": text, "parameters": [sku, None if store_id is None else php_string(store_id)]})
    return failures


def update_base_prices(ctx: RequestContext) -> Any:
    """POST /V1/products/base-prices: valid rows are saved, failed rows answered as a 200 list ([] = all saved).

    Source: GitHub magento/magento2, app/code/Magento/Catalog/Model/Product/Price/BasePriceStorage.php and
    Validation/Result.php (one {message, parameters} per failure, parameters as strings). The price attribute
    is global in the sandbox, so every row writes the global value whatever its store_id, as Magento does for a
    global price scope.
    """
    failures: list[dict[str, Any]] = []
    for row in ctx.body["prices"]:
        row_failures = _price_row_failures(ctx.state, row)
        failures.extend(row_failures)
        if not row_failures:
            product = ctx.state.products[row["sku"]]
            product.values["price"] = float(row["price"])
            product.updated_at = now()
    return failures


ROUTES = [
    Route("GET", "/V1/store/storeConfigs", store_configs, "Magento_Backend::store"),
    Route("GET", "/V1/products", search_products, _PRODUCTS),
    Route("GET", "/V1/products/{sku}", read_product, _PRODUCTS),
    Route("PUT", "/V1/products/{sku}", save_product, _PRODUCTS),
    # ACL resource not confirmed in Catalog's webapi.xml; it only shows in the sandbox's 401 text.
    Route("POST", "/V1/products/base-prices", update_base_prices, "Magento_Catalog::catalog"),
    Route("GET", "/V1/configurable-products/{sku}/children", configurable_children, _PRODUCTS),
    Route("GET", "/V1/configurable-products/{sku}/options/all", configurable_options_all, _PRODUCTS),
    Route("GET", "/V1/products/attributes/{attributeCode}", read_attribute, _ATTRIBUTES),
    Route("GET", "/V1/products/attributes/{attributeCode}/options", attribute_options, _ATTRIBUTES),
    Route("POST", "/V1/products/attributes", create_attribute, _ATTRIBUTES),
    Route("POST", "/V1/products/attributes/{attributeCode}/options", add_attribute_option, _ATTRIBUTES),
    Route("GET", "/V1/products/attribute-sets/groups/list", attribute_set_groups, "Magento_Catalog::sets"),
    Route("POST", "/V1/products/attribute-sets/attributes", assign_attribute_to_set, "Magento_Catalog::sets"),
    Route(
        "GET",
        "/V1/products/attribute-sets/{attributeSetId}/attributes",
        attribute_set_attributes,
        "Magento_Catalog::sets",
    ),
    Route("GET", "/V1/categories", category_tree, _CATEGORIES),
    Route("GET", "/V1/categories/list", category_list, _CATEGORIES),
]
