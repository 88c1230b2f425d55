"""Product catalogue reference data: categories, attributes, category rules, brands, image upload."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.models.catalog import (
    Attribute,
    Attributes,
    Brands,
    Categories,
    Category,
    CategoryRecommendation,
    CategoryRules,
    UploadedImage,
)

IMAGE_USE_CASES = frozenset(
    {"MAIN_IMAGE", "ATTRIBUTE_IMAGE", "DESCRIPTION_IMAGE", "CERTIFICATION_IMAGE", "SIZE_CHART_IMAGE"}
)


def category_version_for(region: str) -> str:
    """US shops must use the v2 (deeper) category tree; other regions default to v1."""
    return "v2" if region.upper() == "US" else "v1"


class CatalogApi:
    def __init__(self, client: TikTokShopClient):
        self._client = client

    def categories(
        self,
        shop: ShopRef,
        *,
        category_version: str = "v1",
        locale: str | None = None,
        keyword: str | None = None,
    ) -> list[Category]:
        data = self._client.call(
            "GET",
            "/product/202309/categories",
            shop=shop,
            query={"category_version": category_version, "locale": locale, "keyword": keyword},
            idempotent=True,
        )
        return Categories.model_validate(data or {}).categories

    def recommend_category(
        self,
        shop: ShopRef,
        product_title: str,
        *,
        description: str | None = None,
        image_uris: Sequence[str] = (),
        category_version: str = "v1",
    ) -> CategoryRecommendation:
        """TikTok's suggested leaf category for a product (title in the market's language; US needs v2).

        TikTok answers 12019064 when nothing matches: the caller falls back to the merchant's mapping.
        """
        body: dict[str, Any] = {"product_title": product_title, "category_version": category_version}
        if description:
            body["description"] = description
        if image_uris:
            body["images"] = [{"uri": uri} for uri in image_uris]
        data = self._client.call("POST", "/product/202309/categories/recommend", shop=shop, body=body, idempotent=True)
        return CategoryRecommendation.model_validate(data or {})

    def attributes(
        self, shop: ShopRef, category_id: str, *, category_version: str = "v1", locale: str | None = None
    ) -> list[Attribute]:
        data = self._client.call(
            "GET",
            f"/product/202309/categories/{category_id}/attributes",
            shop=shop,
            query={"category_version": category_version, "locale": locale},
            idempotent=True,
        )
        return Attributes.model_validate(data or {}).attributes

    def rules(self, shop: ShopRef, category_id: str, *, category_version: str = "v1") -> CategoryRules:
        data = self._client.call(
            "GET",
            f"/product/202309/categories/{category_id}/rules",
            shop=shop,
            query={"category_version": category_version},
            idempotent=True,
        )
        return CategoryRules.model_validate(data or {})

    def brands(
        self,
        shop: ShopRef,
        *,
        category_id: str | None = None,
        brand_name: str | None = None,
        page_size: int = 100,
        page_token: str | None = None,
        category_version: str | None = None,
    ) -> Brands:
        data = self._client.call(
            "GET",
            "/product/202309/brands",
            shop=shop,
            query={
                "category_id": category_id,
                "brand_name": brand_name,
                "page_size": page_size,
                "page_token": page_token,
                "category_version": category_version,
            },
            idempotent=True,
        )
        return Brands.model_validate(data or {})

    def upload_image(
        self, shop: ShopRef, content: bytes, *, filename: str, content_type: str, use_case: str = "MAIN_IMAGE"
    ) -> UploadedImage:
        """Multipart upload; no shop_cipher and an unsigned body, as TikTok requires.

        Retrying is safe: a duplicate upload only leaves an unused image URI behind.
        """
        if use_case not in IMAGE_USE_CASES:
            raise ValueError(f"Unknown image use_case {use_case}")
        data = self._client.call(
            "POST",
            "/product/202309/images/upload",
            shop=shop,
            send_cipher=False,
            files={"data": (filename, content, content_type), "use_case": use_case},
            idempotent=True,
        )
        return UploadedImage.model_validate(data or {})
