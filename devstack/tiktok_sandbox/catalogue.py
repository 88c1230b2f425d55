"""Seeded reference data: category trees (v1 3-level, deeper v2 for US), attributes, rules, logistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CategoryNode:
    id: str
    parent_id: str
    name: str
    is_leaf: bool
    kind: str | None = None  # which attribute/rule set a leaf uses
    permission: str = "AVAILABLE"


def _tree(rows: list[tuple[str, str, str, str | None]]) -> dict[str, CategoryNode]:
    parents = {parent for _, parent, _, _ in rows}
    return {
        cid: CategoryNode(cid, parent, name, is_leaf=cid not in parents, kind=kind) for cid, parent, name, kind in rows
    }


# v1: the 3-level tree TikTok serves to non-US shops.
CATEGORIES_V1 = _tree(
    [
        ("600001", "0", "Womenswear & Underwear", None),
        ("600010", "600001", "Women's Tops", None),
        ("601226", "600010", "T-shirts", "apparel"),
        ("601227", "600010", "Blouses & Shirts", "apparel"),
        ("600011", "600001", "Women's Bottoms", None),
        ("601300", "600011", "Jeans", "apparel"),
        ("700001", "0", "Home Supplies", None),
        ("700010", "700001", "Kitchenware", None),
        ("700101", "700010", "Mugs", "mug"),
        ("800001", "0", "Phones & Electronics", None),
        ("800010", "800001", "Phone Accessories", None),
        ("800101", "800010", "Phone Cases", "phone_case"),
    ]
)

# v2: the deeper tree US shops must use.
CATEGORIES_V2 = _tree(
    [
        ("900001", "0", "Womenswear & Underwear", None),
        ("900010", "900001", "Women's Tops", None),
        ("900100", "900010", "T-shirts", None),
        ("900110", "900100", "Short Sleeve T-shirts", None),
        ("900111", "900110", "Graphic Tees", "apparel"),
        ("900112", "900110", "Plain Tees", "apparel"),
        ("910001", "0", "Home Supplies", None),
        ("910010", "910001", "Kitchen & Dining", None),
        ("910100", "910010", "Drinkware", None),
        ("910110", "910100", "Coffee Mugs", "mug"),
        ("920001", "0", "Phones & Electronics", None),
        ("920010", "920001", "Phone Accessories", None),
        ("920100", "920010", "Cases & Covers", None),
        ("920110", "920100", "Phone Cases", "phone_case"),
    ]
)


def category_tree(version: str) -> dict[str, CategoryNode]:
    return CATEGORIES_V2 if version == "v2" else CATEGORIES_V1


# Extra words (besides each leaf's own name) that make Recommend Category pick a seeded leaf.
RECOMMEND_SYNONYMS: dict[str, tuple[str, ...]] = {
    "601226": ("tee", "tshirt"),
    "601227": ("blouse", "shirt"),
    "601300": ("jean", "denim", "trouser"),
    "700101": ("mug", "cup", "coffee", "tea"),
    "800101": ("case", "cover", "iphone", "galaxy"),
    "900111": ("tee", "tshirt", "print", "printed"),
    "900112": ("tee", "tshirt", "basic", "blank"),
    "910110": ("mug", "cup", "tea"),
    "920110": ("case", "cover", "iphone", "galaxy"),
}


@dataclass(frozen=True)
class AttributeDef:
    id: str
    name: str
    type: str  # SALES_PROPERTY or PRODUCT_PROPERTY
    values: tuple[tuple[str, str], ...]
    required: bool = False
    customizable: bool = False
    multiple: bool = False

    def value_ids(self) -> set[str]:
        return {vid for vid, _ in self.values}


COLOR = AttributeDef("100000", "Color", "SALES_PROPERTY", (("1001", "Red"), ("1002", "Blue"), ("1003", "Black")))
SIZE = AttributeDef("100007", "Size", "SALES_PROPERTY", (("2001", "S"), ("2002", "M"), ("2003", "L")))
CAPACITY = AttributeDef("100020", "Capacity", "SALES_PROPERTY", (("3001", "350ml"), ("3002", "450ml")))
MODEL = AttributeDef(
    "100030", "Compatible Phone Model", "SALES_PROPERTY", (("4001", "iPhone 15"), ("4002", "Galaxy S24"))
)

ATTRIBUTES: dict[str, tuple[AttributeDef, ...]] = {
    "apparel": (
        COLOR,
        SIZE,
        AttributeDef(
            "101001",
            "Material",
            "PRODUCT_PROPERTY",
            (("5001", "Cotton"), ("5002", "Polyester")),
            required=True,
            customizable=True,
        ),
        AttributeDef("101002", "Pattern", "PRODUCT_PROPERTY", (("5101", "Solid"), ("5102", "Striped"))),
    ),
    "mug": (
        COLOR,
        CAPACITY,
        AttributeDef("101010", "Material", "PRODUCT_PROPERTY", (("5201", "Ceramic"), ("5202", "Glass")), required=True),
        AttributeDef("101011", "Dishwasher Safe", "PRODUCT_PROPERTY", (("5301", "Yes"), ("5302", "No"))),
    ),
    "phone_case": (
        COLOR,
        MODEL,
        AttributeDef(
            "101020",
            "Material",
            "PRODUCT_PROPERTY",
            (("5401", "Silicone"), ("5402", "Leather")),
            required=True,
            multiple=True,
        ),
    ),
}


def attribute_json(attr: AttributeDef) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": attr.id,
        "name": attr.name,
        "type": attr.type,
        # TikTok's spec spells it this way; clients must read it.
        "is_requried": attr.required,
        "values": [{"id": vid, "name": name} for vid, name in attr.values],
        "is_multiple_selection": attr.multiple,
    }
    if attr.type == "PRODUCT_PROPERTY":
        body["is_customizable"] = attr.customizable
    return body


@dataclass(frozen=True)
class CategoryRule:
    package_dimension_required: bool = False
    size_chart_supported: bool = False


RULES: dict[str, CategoryRule] = {
    "apparel": CategoryRule(size_chart_supported=True),
    "mug": CategoryRule(package_dimension_required=True),
    "phone_case": CategoryRule(),
}


def rules_json(rule: CategoryRule) -> dict[str, Any]:
    return {
        "product_certifications": [],
        "size_chart": {"is_supported": rule.size_chart_supported, "is_required": False},
        "cod": {"is_supported": False},
        "package_dimension": {"is_required": rule.package_dimension_required},
        "epr": {"is_required": False},
        "allowed_special_product_types": [],
    }


BRANDS: tuple[dict[str, Any], ...] = (
    {
        "id": "7082427311584347905",
        "name": "Sandbox Basics",
        "authorized_status": "AUTHORIZED",
        "is_t1_brand": False,
    },
    {
        "id": "7082427311584347906",
        "name": "Acme Home",
        "authorized_status": "AUTHORIZED",
        "is_t1_brand": False,
    },
    {
        "id": "7082427311584347907",
        "name": "Luxe Maison",
        "authorized_status": "UNAUTHORIEZD",
        "is_t1_brand": True,
    },
    {
        "id": "7082427311584347908",
        "name": "Northwind",
        "authorized_status": "UNAUTHORIEZD",
        "is_t1_brand": False,
    },
)


@dataclass(frozen=True)
class WarehouseSeed:
    id: str
    name: str
    type: str  # SALES_WAREHOUSE or RETURN_WAREHOUSE
    is_default: bool
    city: str
    postal_code: str
    # Warehouse addresses carry the state (reference §5.1; docs mirror logistics/get-warehouse-list.spec.json).
    state: str = ""


@dataclass(frozen=True)
class DeliveryOptionSeed:
    id: str
    name: str
    type: str
    providers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


WAREHOUSES: dict[str, tuple[WarehouseSeed, ...]] = {
    "US": (
        WarehouseSeed(
            "7068517275539719942", "LA Fulfilment", "SALES_WAREHOUSE", True, "Los Angeles", "90001", "California"
        ),
        WarehouseSeed(
            "7068517275539719943", "NJ Fulfilment", "SALES_WAREHOUSE", False, "Newark", "07102", "New Jersey"
        ),
        WarehouseSeed(
            "7068517275539719944", "LA Returns", "RETURN_WAREHOUSE", False, "Los Angeles", "90001", "California"
        ),
    ),
    "GB": (
        WarehouseSeed(
            "7068517275539719952", "Leeds Fulfilment", "SALES_WAREHOUSE", True, "Leeds", "LS1 4AP", "West Yorkshire"
        ),
        WarehouseSeed(
            "7068517275539719953", "Leeds Returns", "RETURN_WAREHOUSE", False, "Leeds", "LS1 4AP", "West Yorkshire"
        ),
    ),
}

DELIVERY_OPTIONS: dict[str, tuple[DeliveryOptionSeed, ...]] = {
    "US": (
        DeliveryOptionSeed("7129736351366465282", "Standard shipping", "STANDARD", (("7117858858072016686", "USPS"),)),
        DeliveryOptionSeed(
            "7129736351366465283",
            "Shipped by seller",
            "SEND_BY_SELLER",
            (
                ("7117858858072016686", "USPS"),
                ("7117859084333745966", "UPS"),
                ("7117859084333745967", "FedEx"),
            ),
        ),
    ),
    "GB": (
        DeliveryOptionSeed(
            "7129736351366465292", "Standard shipping", "STANDARD", (("7117858858072016690", "Royal Mail"),)
        ),
        DeliveryOptionSeed(
            "7129736351366465293",
            "Shipped by seller",
            "SEND_BY_SELLER",
            (
                ("7117858858072016690", "Royal Mail"),
                ("7117858858072016691", "DPD"),
                ("7117858858072016692", "Evri"),
            ),
        ),
    ),
}

WEIGHT_UNITS: dict[str, frozenset[str]] = {"US": frozenset({"KILOGRAM", "POUND"})}
DIMENSION_UNITS: dict[str, frozenset[str]] = {"US": frozenset({"CENTIMETER", "INCH"})}
# Markets where Mark Package As Shipped is available.
MARK_SHIPPED_MARKETS = frozenset({"US", "GB", "UK", "ES", "IE", "IT", "DE", "FR", "JP"})
