"""What the merchant maps: categories, attributes, and the fixed product fields (brand, package, identifier)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# The shop settings section holding `ProductFields`.
PRODUCT_FIELDS_SECTION = "catalog"
IDENTIFIER_TYPES = ("GTIN", "EAN", "UPC", "ISBN", "JAN")


class CategoryMapping(BaseModel):
    """A Magento category (any level) and the TikTok leaf category its products are listed in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shop_id: str
    magento_category_id: int
    magento_category_name: str = ""
    # Depth in Magento's tree (Magento's `level`): the deepest mapped category of a product wins.
    magento_level: int = 0
    tiktok_category_id: str
    tiktok_category_name: str = ""
    tiktok_category_path: list[str] = Field(default_factory=list)
    category_version: str = "v1"
    updated_at: int = 0


class MappingSource(StrEnum):
    MANUAL = "manual"
    AUTO = "auto"


class AttributeMapping(BaseModel):
    """Where a TikTok attribute's values come from: a Magento attribute, or a fixed value.

    `category_id` None is the shop-wide default for that TikTok attribute; a mapping for a category
    overrides it there. `values` maps Magento option labels to TikTok value ids (or, for attributes that
    accept custom values, to the text to send).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    shop_id: str
    tiktok_attribute_id: str
    tiktok_attribute_name: str = ""
    category_id: str | None = None
    magento_attribute: str | None = None
    values: dict[str, str] = Field(default_factory=dict)
    fixed_value_id: str | None = None
    fixed_value_name: str | None = None
    source: MappingSource = MappingSource.MANUAL
    updated_at: int = 0

    @property
    def scope(self) -> str:
        return self.category_id or "*"


class ProductFields(BaseModel):
    """The TikTok fields every category has, and the Magento attribute each one is read from.

    Weight is Magento's own `weight` (in the store's weight unit); package dimensions are three Magento
    attributes in `package_dimension_unit`. Units are converted to what the shop's region accepts.
    """

    model_config = ConfigDict(extra="forbid")

    brand_attribute: str | None = None
    package_length_attribute: str | None = None
    package_width_attribute: str | None = None
    package_height_attribute: str | None = None
    package_dimension_unit: Literal["CENTIMETER", "INCH"] = "CENTIMETER"
    identifier_attribute: str | None = None
    identifier_type: Literal["GTIN", "EAN", "UPC", "ISBN", "JAN"] | None = None

    @property
    def dimension_attributes(self) -> tuple[str | None, str | None, str | None]:
        return (self.package_length_attribute, self.package_width_attribute, self.package_height_attribute)
