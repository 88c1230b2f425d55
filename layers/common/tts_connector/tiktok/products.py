"""Product writes and reads: create, edit, partial edit, get, search, price and inventory updates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.models.product import (
    InventoryUpdateResult,
    Product,
    ProductInput,
    ProductSearchPage,
    ProductWriteResult,
    SkuInventoryUpdate,
    SkuPriceUpdate,
)

PRODUCTS_PATH = "/product/202309/products"


class ProductsApi:
    def __init__(self, client: TikTokShopClient):
        self._client = client

    def create(self, shop: ShopRef, product: ProductInput) -> ProductWriteResult:
        """Create a product. Without `idempotency_key` a timed-out create is not retried (it may exist)."""
        data = self._client.call(
            "POST",
            PRODUCTS_PATH,
            shop=shop,
            body=product.to_body(),
            idempotent=product.idempotency_key is not None,
        )
        return ProductWriteResult.model_validate(data or {})

    def edit(self, shop: ShopRef, product_id: str, product: ProductInput) -> ProductWriteResult:
        """Full replacement (PUT): fields left out are cleared on TikTok; use `partial_edit` for changes."""
        body = product.to_body()
        body.pop("idempotency_key", None)
        data = self._client.call("PUT", f"{PRODUCTS_PATH}/{product_id}", shop=shop, body=body, idempotent=True)
        return ProductWriteResult.model_validate(data or {})

    def partial_edit(self, shop: ShopRef, product_id: str, changes: Mapping[str, Any]) -> ProductWriteResult:
        unknown = set(changes) - set(ProductInput.model_fields) - {"idempotency_key"}
        if unknown:
            raise ValueError(f"Unknown product fields for partial edit: {sorted(unknown)}")
        data = self._client.call(
            "POST",
            f"{PRODUCTS_PATH}/{product_id}/partial_edit",
            shop=shop,
            body=dict(changes),
            idempotent=True,
        )
        return ProductWriteResult.model_validate(data or {})

    def get(
        self, shop: ShopRef, product_id: str, *, under_review_version: bool = False, draft_version: bool = False
    ) -> Product:
        """The live version; `under_review_version` asks for a post-live edit still in audit (TikTok refuses
        with 12052547 when there is none), `draft_version` for a post-live draft. The two are exclusive."""
        if under_review_version and draft_version:
            raise ValueError("under_review_version and draft_version are mutually exclusive")
        data = self._client.call(
            "GET",
            f"{PRODUCTS_PATH}/{product_id}",
            shop=shop,
            query={
                "return_under_review_version": True if under_review_version else None,
                "return_draft_version": True if draft_version else None,
            },
            idempotent=True,
        )
        return Product.model_validate(data or {})

    def search(
        self,
        shop: ShopRef,
        *,
        status: str | None = None,
        seller_skus: Sequence[str] | None = None,
        audit_status: Sequence[str] | None = None,
        update_time_ge: int | None = None,
        page_size: int = 50,
        page_token: str | None = None,
    ) -> ProductSearchPage:
        """`status` filters the live version; `audit_status` (e.g. ["AUDITING"]) also finds post-live edits."""
        body: dict[str, Any] = {}
        if status:
            body["status"] = status
        if seller_skus:
            body["seller_skus"] = list(seller_skus)
        if audit_status:
            body["audit_status"] = list(audit_status)
        if update_time_ge is not None:
            body["update_time_ge"] = update_time_ge
        data = self._client.call(
            "POST",
            f"{PRODUCTS_PATH}/search",
            shop=shop,
            # Pagination is in the query even on POST search endpoints; filters go in the body.
            query={"page_size": page_size, "page_token": page_token},
            body=body,
            idempotent=True,
        )
        return ProductSearchPage.model_validate(data or {})

    def update_price(self, shop: ShopRef, product_id: str, skus: Sequence[SkuPriceUpdate]) -> None:
        """All SKUs must belong to `product_id` (status ACTIVATE). Setting absolute prices is idempotent."""
        self._client.call(
            "POST",
            f"{PRODUCTS_PATH}/{product_id}/prices/update",
            shop=shop,
            body={"skus": [s.to_body() for s in skus]},
            idempotent=True,
        )

    def update_inventory(
        self, shop: ShopRef, product_id: str, skus: Sequence[SkuInventoryUpdate]
    ) -> InventoryUpdateResult:
        """TikTok may answer code 0 with per-SKU failures; the result's `errors` lists them."""
        data = self._client.call(
            "POST",
            f"{PRODUCTS_PATH}/{product_id}/inventory/update",
            shop=shop,
            body={"skus": [s.to_body() for s in skus]},
            idempotent=True,
        )
        return InventoryUpdateResult.model_validate(data or {})
