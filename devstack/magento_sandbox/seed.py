"""A small demo catalogue: a configurable tee (color x size), simple products with awkward SKUs, brand and
barcode attributes, package dimensions, a category tree, images, and stock on two MSI sources.
"""

from __future__ import annotations

from magento_sandbox.images import png_bytes
from magento_sandbox.state import Attribute, Product, SandboxState

DEFAULT_ATTRIBUTE_SET_ID = 4
CONFIGURABLE_SKU = "MS-TEE"
# SKUs with a slash and a space, as real stores have, to exercise path encoding.
BOTTLE_SKU = "WB/01 750ml"
TOTE_SKU = "BAG-TOTE"
SOLD_OUT_SKU = "MUG-SOLDOUT"
DEFAULT_SOURCE = "default"
WAREHOUSE_SOURCE = "warehouse_east"

_COLORS = {"49": "Black", "58": "Red"}
_SIZES = {"167": "S", "168": "M", "169": "L"}


def _ean13(body: str) -> str:
    """A 13-digit EAN: the 12 digits given plus their GS1 check digit (real barcodes always have one)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _attributes() -> list[Attribute]:
    return [
        Attribute(73, "name", "Product Name", "text", "store"),
        Attribute(75, "description", "Description", "textarea", "store", "text"),
        Attribute(77, "price", "Price", "price", "global", "decimal"),
        # Magento's special price trio (in the Default set of every install; price scope global by default).
        Attribute(78, "special_price", "Special Price", "price", "global", "decimal"),
        Attribute(79, "special_from_date", "Special Price From Date", "date", "website", "datetime"),
        Attribute(80, "special_to_date", "Special Price To Date", "date", "website", "datetime"),
        Attribute(82, "weight", "Weight", "weight", "global", "decimal"),
        Attribute(97, "status", "Enable Product", "boolean", "website", "int", options=[("1", "Yes"), ("2", "No")]),
        Attribute(99, "visibility", "Visibility", "select", "store", "int"),
        Attribute(121, "url_key", "URL Key", "text", "store"),
        Attribute(93, "color", "Color", "select", "global", "int", options=list(_COLORS.items())),
        Attribute(144, "size", "Size", "select", "global", "int", options=list(_SIZES.items())),
        Attribute(
            150,
            "brand",
            "Brand",
            "select",
            "global",
            "int",
            True,
            [("201", "Acme Apparel"), ("202", "Northwind")],
        ),
        Attribute(151, "ean", "EAN", "text", "global", is_user_defined=True),
        Attribute(152, "package_length", "Package Length (cm)", "text", "global", is_user_defined=True),
        Attribute(153, "package_width", "Package Width (cm)", "text", "global", is_user_defined=True),
        Attribute(154, "package_height", "Package Height (cm)", "text", "global", is_user_defined=True),
    ]


def _categories(state: SandboxState) -> None:
    tree = [
        (1, 0, "Root Catalog", 0),
        (2, 1, "Default Category", 1),
        (3, 2, "Women", 2),
        (4, 3, "Tops", 3),
        (5, 4, "Tees", 4),
        (6, 2, "Gear", 2),
        (7, 6, "Bags", 3),
        (8, 6, "Drinkware", 3),
    ]
    for cid, parent, name, level in tree:
        parent_path = state.categories[parent]["path"] if parent else ""
        state.categories[cid] = {
            "id": cid,
            "parent_id": parent,
            "name": name,
            "is_active": True,
            "position": cid,
            "level": level,
            "path": f"{parent_path}/{cid}".lstrip("/"),
            "include_in_menu": level > 1,
        }


def _image(state: SandboxState, sku: str, label: str) -> dict[str, object]:
    slug = sku.lower().replace("/", "-").replace(" ", "-")
    path = f"/{slug[0]}/{slug[1]}/{slug}.png"
    # 320 px: TikTok takes main images from 300x300 (reference §4.5), as a real store's product photos are.
    state.images[path] = png_bytes(sku, 320)
    return {
        "id": len(state.images),
        "media_type": "image",
        "label": label,
        "position": 1,
        "disabled": False,
        "types": ["image", "small_image", "thumbnail"],
        "file": path,
    }


def _simple(state: SandboxState, sku: str, categories: list[int], **values: object) -> Product:
    product = Product(
        id=state.next_id("product"),
        sku=sku,
        type_id="simple",
        attribute_set_id=DEFAULT_ATTRIBUTE_SET_ID,
        values={"status": 1, "visibility": 4, "url_key": sku.lower().replace("/", "-").replace(" ", "-")}
        | dict(values),
        category_ids=categories,
    )
    product.media.append(_image(state, sku, str(values.get("name", sku))))
    state.products[sku] = product
    return product


def _stock(state: SandboxState, sku: str, default_qty: float, warehouse_qty: float | None = None) -> None:
    state.source_items[(sku, DEFAULT_SOURCE)] = {
        "sku": sku,
        "source_code": DEFAULT_SOURCE,
        "quantity": default_qty,
        "status": 1 if default_qty > 0 else 0,
    }
    if warehouse_qty is not None:
        state.source_items[(sku, WAREHOUSE_SOURCE)] = {
            "sku": sku,
            "source_code": WAREHOUSE_SOURCE,
            "quantity": warehouse_qty,
            "status": 1 if warehouse_qty > 0 else 0,
        }


def seed(state: SandboxState) -> None:
    for attribute in _attributes():
        state.attributes[attribute.code] = attribute
    state.attribute_sets[DEFAULT_ATTRIBUTE_SET_ID] = {
        "name": "Default",
        "groups": {7: "Product Details", 8: "Content", 9: "Images", 10: "Search Engine Optimization"},
        "attributes": {a.code: 7 for a in _attributes()},
    }
    _categories(state)
    state.sources[DEFAULT_SOURCE] = {
        "source_code": DEFAULT_SOURCE,
        "name": "Default Source",
        "enabled": True,
        "country_id": "US",
        "postcode": "00000",
    }
    state.sources[WAREHOUSE_SOURCE] = {
        "source_code": WAREHOUSE_SOURCE,
        "name": "East Warehouse",
        "enabled": True,
        "country_id": "US",
        "postcode": "10001",
    }
    state.stocks[1] = {
        "stock_id": 1,
        "name": "Default Stock",
        "source_codes": [DEFAULT_SOURCE, WAREHOUSE_SOURCE],
    }

    package = {"package_length": "30", "package_width": "25", "package_height": "3"}
    children: list[str] = []
    for color_id, color in _COLORS.items():
        for size_id, size in _SIZES.items():
            sku = f"{CONFIGURABLE_SKU}-{size}-{color.upper()[:3]}"
            _simple(
                state,
                sku,
                [5],
                name=f"Classic Tee {size} {color}",
                price=25.0,
                weight=0.3,
                visibility=1,  # children of a configurable are not visible individually
                color=color_id,
                size=size_id,
                brand="201",
                ean=_ean13(f"40000000{len(children):04d}"),
                **package,
            )
            _stock(state, sku, 10.0, 5.0 if size == "M" else None)
            children.append(sku)
    parent = Product(
        id=state.next_id("product"),
        sku=CONFIGURABLE_SKU,
        type_id="configurable",
        attribute_set_id=DEFAULT_ATTRIBUTE_SET_ID,
        values={
            "name": "Classic Tee",
            "price": 25.0,
            "status": 1,
            "visibility": 4,
            "description": "<p>A soft cotton tee.</p>",
            "brand": "201",
            "url_key": "classic-tee",
            **package,
        },
        category_ids=[3, 4, 5],
        configurable_attributes=["color", "size"],
        children=children,
    )
    parent.media.append(_image(state, CONFIGURABLE_SKU, "Classic Tee"))
    state.products[CONFIGURABLE_SKU] = parent

    _simple(
        state,
        BOTTLE_SKU,
        [8],
        name="Water Bottle 750ml",
        description="<p>Keeps drinks cold for 24 hours.</p>",
        price=12.5,
        weight=0.2,
        brand="202",
        ean=_ean13("400000010001"),
        package_length="25",
        package_width="8",
        package_height="8",
    )
    _stock(state, BOTTLE_SKU, 40.0, 10.0)
    _simple(
        state,
        TOTE_SKU,
        [7],
        name="Canvas Tote Bag",
        description="<p>Heavy canvas, long handles.</p>",
        price=39.0,
        weight=0.5,
        brand="202",
        ean=_ean13("400000010002"),
    )
    _stock(state, TOTE_SKU, 3.0)
    _simple(state, SOLD_OUT_SKU, [8], name="Enamel Mug", price=9.0, weight=0.4, ean=_ean13("400000010003"))
    _stock(state, SOLD_OUT_SKU, 0.0)
