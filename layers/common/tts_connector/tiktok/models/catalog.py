"""Categories, attributes, category rules, brands and uploaded images."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from tts_connector.tiktok.models.base import TikTokResponseModel


class Category(TikTokResponseModel):
    id: str
    parent_id: str
    local_name: str
    is_leaf: bool
    permission_statuses: list[str] = Field(default_factory=list)


class Categories(TikTokResponseModel):
    categories: list[Category] = Field(default_factory=list)


class AttributeValue(TikTokResponseModel):
    id: str
    name: str
    icon_url: str | None = None


class RequirementCondition(TikTokResponseModel):
    condition_type: str | None = None
    attribute_id: str | None = None
    attribute_value_id: str | None = None


class Attribute(TikTokResponseModel):
    id: str
    name: str
    type: str  # SALES_PROPERTY or PRODUCT_PROPERTY
    is_required: bool = False
    values: list[AttributeValue] = Field(default_factory=list)
    value_data_format: str | None = None
    is_customizable: bool = False
    is_multiple_selection: bool = False
    requirement_conditions: list[RequirementCondition] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _read_misspelled_required(cls, raw: Any) -> Any:
        # The official spec spells the flag `is_requried`; SDKs model `is_required`. Either set = required.
        if isinstance(raw, dict) and "is_requried" in raw:
            raw = dict(raw)
            raw["is_required"] = bool(raw.pop("is_requried")) or bool(raw.get("is_required", False))
        return raw


class RecommendedCategory(TikTokResponseModel):
    id: str
    name: str | None = None
    level: int | None = None
    is_leaf: bool = False
    permission_statuses: list[str] = Field(default_factory=list)


class CategoryRecommendation(TikTokResponseModel):
    """Recommend Category's answer: a leaf id and the path to it from the root (level 1 first)."""

    leaf_category_id: str
    categories: list[RecommendedCategory] = Field(default_factory=list)

    @property
    def path_names(self) -> list[str]:
        return [c.name or c.id for c in sorted(self.categories, key=lambda c: c.level or 0)]


class Attributes(TikTokResponseModel):
    attributes: list[Attribute] = Field(default_factory=list)


class RequiredFlag(TikTokResponseModel):
    is_required: bool = False


class SupportedFlag(TikTokResponseModel):
    is_supported: bool = False
    is_required: bool = False


class ProductCertification(TikTokResponseModel):
    id: str
    name: str | None = None
    is_required: bool = False


class CategoryRules(TikTokResponseModel):
    product_certifications: list[ProductCertification] = Field(default_factory=list)
    size_chart: SupportedFlag = Field(default_factory=SupportedFlag)
    cod: SupportedFlag = Field(default_factory=SupportedFlag)
    package_dimension: RequiredFlag = Field(default_factory=RequiredFlag)
    epr: RequiredFlag | None = None
    responsible_person: RequiredFlag | None = None
    manufacturer: RequiredFlag | None = None
    allowed_special_product_types: list[str] = Field(default_factory=list)


class Brand(TikTokResponseModel):
    id: str
    name: str
    authorized_status: str | None = None
    is_t1_brand: bool = False
    brand_status: str | None = None


class Brands(TikTokResponseModel):
    brands: list[Brand] = Field(default_factory=list)
    total_count: int = 0
    next_page_token: str | None = None


class UploadedImage(TikTokResponseModel):
    uri: str
    url: str
    height: int | None = None
    width: int | None = None
    use_case: str | None = None
