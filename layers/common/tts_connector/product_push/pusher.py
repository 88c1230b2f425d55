"""Pushing one product: build and check it, upload its images, create or update it, record the listing.

Never a second TikTok product for one Magento product:
  * a product already listed (the listings store) is updated (Edit Product, with its SKU ids) instead;
  * a create first records an intent with a TikTok `idempotency_key` (UUIDv4, create-product spec); a retry
    after a crash or a lost answer sends the same key, and TikTok answers with the product it created;
  * the created id is written to the intent at once, so a retry after that skips the create altogether.
The intent is removed once the job has recorded the product (`finish`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tts_connector.catalog.images import ImageRejected, ImageUploader
from tts_connector.errors import TransientError
from tts_connector.listings.records import ListedSku, Listing, ListingStatus
from tts_connector.listings.store import ListingStore
from tts_connector.observability import logger
from tts_connector.product_push.builder import Draft, ProductBuilder, ShopContext
from tts_connector.product_push.preflight import PreflightFailed, Problem
from tts_connector.product_push.snapshot import ProductSnapshot
from tts_connector.product_push.store import PushStore
from tts_connector.tiktok.errors import TikTokApiError
from tts_connector.tiktok.models.product import ImageRef, ProductInput, ProductWriteResult, SkuInput
from tts_connector.tiktok.products import ProductsApi

# TikTok's "product does not exist" on Edit Product (a product deleted in Seller Center): create it again.
PRODUCT_NOT_FOUND_CODES = frozenset({12052048})


@dataclass(frozen=True)
class PushResult:
    tiktok_product_id: str
    created: bool
    skus: list[ListedSku]
    warnings: list[str] = field(default_factory=list)

    def as_result(self) -> dict[str, Any]:
        return {
            "tiktok_product_id": self.tiktok_product_id,
            "action": "created" if self.created else "updated",
            "skus": {s.magento_sku: s.tiktok_sku_id for s in self.skus},
            "warnings": self.warnings,
        }


class ProductPusher:
    def __init__(
        self,
        ctx: ShopContext,
        products: ProductsApi,
        images: ImageUploader,
        listings: ListingStore,
        store: PushStore,
        clock: Callable[[], float] = time.time,
    ):
        self._ctx = ctx
        self._products = products
        self._images = images
        self._listings = listings
        self._store = store
        self._clock = clock

    def push(self, snapshot: ProductSnapshot, job_id: str) -> PushResult:
        started = int(self._clock())
        draft = ProductBuilder(self._ctx).build(snapshot)
        body = self._with_images(draft)
        listing = self._listings.get(self._ctx.ref.shop_id, snapshot.sku)
        result: ProductWriteResult | None = None
        if listing is not None:
            result = self._update(listing, body)
        created = result is None
        if result is None:
            result = self._create(snapshot.sku, job_id, body)
        skus = _listed_skus(draft, result)
        status = ListingStatus.PENDING
        if not created and listing is not None and listing.status is ListingStatus.ACTIVATE:
            # An edit of a live product is audited beside it; the live version keeps selling.
            status = ListingStatus.ACTIVATE
        saved = self._listings.save(
            Listing(
                shop_id=self._ctx.ref.shop_id,
                magento_sku=snapshot.sku,
                magento_product_id=snapshot.id,
                tiktok_product_id=result.product_id,
                warehouse_id=self._ctx.warehouse_id,
                category_id=draft.category.tiktok_category_id,
                skus=skus,
                status=status,
                audit_reasons=[],
                status_at=started,
                pushed_at=int(self._clock()),
            )
        )
        # Only a new product's audit can arrive before its listing exists.
        seen = self._store.take_audit(saved.shop_id, saved.tiktok_product_id) if created else None
        if seen is not None:
            self._listings.set_status(saved.shop_id, saved.magento_sku, seen.status, seen.reasons, seen.at)
        logger.info(
            "TikTok product created" if created else "TikTok product updated",
            extra={"sku": snapshot.sku, "tiktok_product_id": result.product_id, "skus": len(skus)},
        )
        return PushResult(result.product_id, created, skus, draft.warnings + result.warning_messages)

    def finish(self, sku: str) -> None:
        self._store.finish_create(self._ctx.ref.shop_id, sku)

    # ---------- steps ----------
    def _with_images(self, draft: Draft) -> ProductInput:
        shop = self._ctx.ref
        problems: list[Problem] = []
        prepared = []
        for url in draft.image_urls:
            try:
                prepared.append(self._images.prepare(url, "MAIN_IMAGE"))
            except ImageRejected as exc:
                problems.append(Problem(exc.message, "media_gallery", "Replace the image in Magento"))
        described = []
        for placeholder in draft.description.images:
            try:
                described.append(self._images.prepare(placeholder.url, "DESCRIPTION_IMAGE"))
            except ImageRejected as exc:
                draft.warnings.append(f"description {exc.message}; left out")
        if problems:
            raise PreflightFailed(draft.snapshot.sku, problems)
        # Only now, with the whole product checked, does anything go to TikTok.
        main = [self._images.upload(shop, p) for p in prepared]
        in_text = {p.url: self._images.upload(shop, p) for p in described}
        description = draft.description.with_images({u: (i.url, i.width, i.height) for u, i in in_text.items()})
        return ProductInput(
            title=draft.title,
            description=description,
            category_id=draft.category.tiktok_category_id,
            category_version=self._ctx.tiktok.version,
            brand_id=draft.brand_id,
            main_images=[ImageRef(uri=i.uri) for i in main],
            skus=[d.sku for d in draft.skus],
            package_weight=draft.weight,
            package_dimensions=draft.dimensions,
            product_attributes=draft.attributes,
            external_product_id=str(draft.snapshot.id),
            save_mode="LISTING",
        )

    def _update(self, listing: Listing, body: ProductInput) -> ProductWriteResult | None:
        """Edit the listed product (full replacement with its SKU ids); None when TikTok no longer has it."""
        known = {s.magento_sku: s.tiktok_sku_id for s in listing.skus}
        by_external = {str(s.magento_product_id): s.tiktok_sku_id for s in listing.skus if s.magento_product_id}
        skus = [
            sku.model_copy(update={"id": by_external.get(sku.external_sku_id or "") or known.get(sku.seller_sku or "")})
            for sku in body.skus
        ]
        try:
            return self._products.edit(self._ctx.ref, listing.tiktok_product_id, body.model_copy(update={"skus": skus}))
        except TikTokApiError as exc:
            if exc.tiktok_code in PRODUCT_NOT_FOUND_CODES:
                logger.warning(
                    "Listed TikTok product is gone; creating it again",
                    extra={"sku": listing.magento_sku, "tiktok_product_id": listing.tiktok_product_id},
                )
                return None
            raise

    def _create(self, sku: str, job_id: str, body: ProductInput) -> ProductWriteResult:
        intent = self._store.begin_create(self._ctx.ref.shop_id, sku, job_id)
        if intent.product_id is not None:
            logger.info(
                "Create already done by an earlier attempt", extra={"sku": sku, "tiktok_product_id": intent.product_id}
            )
            return ProductWriteResult.model_validate({"product_id": intent.product_id, "skus": intent.skus})
        if not intent.fresh:
            logger.info("Retrying a create with its idempotency key", extra={"sku": sku})
        try:
            result = self._products.create(
                self._ctx.ref, body.model_copy(update={"idempotency_key": intent.idempotency_key})
            )
        except TransientError:
            raise  # the outcome is unknown: the retry sends the same key
        except TikTokApiError:
            # TikTok refused it: nothing was created, and a later push must not replay this key's answer.
            self._store.finish_create(self._ctx.ref.shop_id, sku)
            raise
        self._store.created(intent, result.product_id, [s.model_dump(mode="json") for s in result.skus])
        return result


def _listed_skus(draft: Draft, result: ProductWriteResult) -> list[ListedSku]:
    """TikTok's SKU ids matched to Magento SKUs: by external_sku_id (the Magento product id), then seller SKU,
    then position (TikTok answers in the order sent)."""
    by_external = {s.external_sku_id: s for s in result.skus if s.external_sku_id}
    by_seller = {s.seller_sku: s for s in result.skus if s.seller_sku}
    listed: list[ListedSku] = []
    for index, drafted in enumerate(draft.skus):
        sent: SkuInput = drafted.sku
        match = by_external.get(sent.external_sku_id or "") or by_seller.get(sent.seller_sku or "")
        if match is None and index < len(result.skus):
            match = result.skus[index]
        if match is None:
            continue
        listed.append(
            ListedSku(
                magento_sku=drafted.snapshot.sku,
                magento_product_id=drafted.snapshot.id,
                tiktok_sku_id=match.id,
                seller_sku=sent.seller_sku or "",
            )
        )
    return listed
