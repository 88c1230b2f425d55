"""A Magento product as the planner read it: the parts a TikTok product is built from.

Built from one page of the product search (100 products per call), `GET /V1/configurable-products/{sku}/
children` for configurables, and the MSI source items of the page's SKUs, so no product is read alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MediaEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    file: str
    position: int = 0
    types: list[str] = Field(default_factory=list)
    disabled: bool = False
    label: str | None = None


class ProductSnapshot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str
    id: int
    name: str = ""
    type_id: str = "simple"
    attribute_set_id: int = 4
    price: float | None = None
    status: int = 1
    visibility: int = 4
    weight: float | None = None
    updated_at: str = ""
    attributes: dict[str, Any] = Field(default_factory=dict)
    category_ids: list[int] = Field(default_factory=list)
    media: list[MediaEntry] = Field(default_factory=list)
    # Configurable products: the attribute ids of the super attributes, in Magento's order.
    super_attribute_ids: list[str] = Field(default_factory=list)
    children: list[ProductSnapshot] = Field(default_factory=list)
    # Quantity per MSI source code, counting only items whose status is "in stock".
    stock: dict[str, float] = Field(default_factory=dict)

    def value(self, code: str) -> Any:
        return self.attributes.get(code)

    @property
    def enabled(self) -> bool:
        return int(self.status) == 1

    @property
    def configurable(self) -> bool:
        return self.type_id == "configurable"


def _int_list(raw: Any) -> list[int]:
    values = raw if isinstance(raw, list) else str(raw or "").split(",")
    return [int(v) for v in values if str(v).strip().isdigit()]


def snapshot_of(
    product: Mapping[str, Any],
    *,
    children: Sequence[Mapping[str, Any]] = (),
    stock: Mapping[str, Mapping[str, float]] | None = None,
) -> ProductSnapshot:
    """From Magento's product JSON (search or GET), its children's JSON and stock by SKU and source."""
    custom = {str(c["attribute_code"]): c.get("value") for c in product.get("custom_attributes") or []}
    extension = product.get("extension_attributes") or {}
    categories = _int_list(custom.pop("category_ids", None))
    if not categories:
        categories = [int(link["category_id"]) for link in extension.get("category_links") or []]
    options = sorted(extension.get("configurable_product_options") or [], key=lambda o: int(o.get("position", 0)))
    sku = str(product["sku"])
    return ProductSnapshot(
        sku=sku,
        id=int(product["id"]),
        name=str(product.get("name") or ""),
        type_id=str(product.get("type_id") or "simple"),
        attribute_set_id=int(product.get("attribute_set_id") or 4),
        price=float(product["price"]) if product.get("price") is not None else None,
        status=int(product.get("status") or 1),
        visibility=int(product.get("visibility") or 4),
        weight=float(product["weight"]) if product.get("weight") not in (None, "") else None,
        updated_at=str(product.get("updated_at") or ""),
        attributes=custom,
        category_ids=categories,
        media=[MediaEntry.model_validate(m) for m in product.get("media_gallery_entries") or []],
        super_attribute_ids=[str(o["attribute_id"]) for o in options],
        children=[snapshot_of(child, stock=stock) for child in children],
        stock=dict((stock or {}).get(sku, {})),
    )
