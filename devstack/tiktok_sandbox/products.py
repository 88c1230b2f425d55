"""Product handlers: create, edit, partial edit, get, search, price and inventory updates."""

from __future__ import annotations

import copy
from typing import Any

from tiktok_sandbox import codes, update_journal
from tiktok_sandbox.audit import Auditor
from tiktok_sandbox.catalogue import BRANDS
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.context import Ctx, paginate
from tiktok_sandbox.product_rules import resolve_brand, validate_product
from tiktok_sandbox.state import Product, ProductVersion, Sku

SKIPPED_BODY_KEYS = ("skus", "idempotency_key")


def _find(ctx: Ctx, product_id: str) -> Product:
    product = ctx.state.products.get(product_id)
    if product is None or product.shop_id != ctx.shop.id or product.status == "DELETED":
        raise ApiError(codes.PRODUCT_NOT_FOUND, f"product_id {product_id} does not exist.", 404)
    return product


def _build_skus(ctx: Ctx, raw_skus: list[dict[str, Any]], existing: list[Sku]) -> list[Sku]:
    """An edited SKU keeps its id when the edit sends it ("To edit an existing SKU, include its SKU ID",
    edit-product spec, `skus[].id`; an id the product does not have is refused). Without an id, the sandbox
    still keeps the id of the SKU with the same seller_sku - more lenient than TikTok, which creates a new SKU."""
    by_seller_sku = {s.seller_sku: s for s in existing if s.seller_sku}
    by_id = {s.id: s for s in existing}
    skus = []
    for raw in raw_skus:
        sent_id = raw.get("id")
        if sent_id is not None and str(sent_id) not in by_id:
            raise ApiError(codes.SKU_NOT_FOUND, f"sku_id {sent_id} does not belong to this product.")
        previous = by_id.get(str(sent_id)) if sent_id is not None else by_seller_sku.get(str(raw.get("seller_sku")))
        skus.append(
            Sku(
                id=previous.id if previous else ctx.state.new_id(),
                seller_sku=raw.get("seller_sku"),
                external_sku_id=raw.get("external_sku_id"),
                price={"amount": raw["price"]["amount"], "currency": raw["price"]["currency"]},
                inventory={str(i["warehouse_id"]): int(i["quantity"]) for i in raw["inventory"]},
                sales_attributes=copy.deepcopy(raw.get("sales_attributes") or []),
                identifier_code=raw.get("identifier_code"),
            )
        )
    return skus


def _write_result(product: Product, warnings: list[dict[str, str]], skus: list[Sku] | None = None) -> dict[str, Any]:
    return {
        "product_id": product.id,
        "skus": [
            {
                "id": s.id,
                "seller_sku": s.seller_sku,
                "external_sku_id": s.external_sku_id,
                "sales_attributes": s.sales_attributes,
            }
            for s in (skus if skus is not None else product.skus)
        ],
        "warnings": warnings,
    }


def _versions(product: Product) -> list[list[Sku]]:
    """The live SKUs and those of a post-live edit or draft: price and stock changes reach all of them."""
    return [product.skus] + [v.skus for v in (product.under_review, product.draft) if v is not None]


def _flag(ctx: Ctx, name: str) -> bool:
    raw = ctx.query.get(name, "false")
    if raw not in ("true", "false"):
        raise ApiError(codes.INVALID_CREDENTIAL, f"param {name} must be true or false", 400)
    return raw == "true"


class ProductHandlers:
    def __init__(self, auditor: Auditor):
        self._auditor = auditor

    def create(self, ctx: Ctx) -> dict[str, Any]:
        body = ctx.body
        key = body.get("idempotency_key")
        if key is not None and (not isinstance(key, str) or len(key) > 128):
            raise ApiError(codes.INVALID_PRODUCT_FIELD, "idempotency_key must be at most 128 characters")
        with ctx.state.lock:
            if key and (ctx.shop.id, key) in ctx.state.idempotency:
                return _write_result(ctx.state.products[ctx.state.idempotency[(ctx.shop.id, key)]], [])
            validate_product(ctx, body)
            body = copy.deepcopy(body)
            warnings = resolve_brand(body)
            now = int(ctx.state.now())
            product = Product(
                id=ctx.state.new_id(),
                shop_id=ctx.shop.id,
                body={k: copy.deepcopy(v) for k, v in body.items() if k not in SKIPPED_BODY_KEYS},
                skus=_build_skus(ctx, body["skus"], []),
                status="DRAFT",
                audit_status="NONE",
                create_time=now,
                update_time=now,
            )
            ctx.state.products[product.id] = product
            if key:
                ctx.state.idempotency[(ctx.shop.id, key)] = product.id
            if body.get("save_mode", "LISTING") == "LISTING":
                self._auditor.submit(product)
            return _write_result(product, warnings)

    def edit(self, ctx: Ctx) -> dict[str, Any]:
        """PUT is a full replacement: the new body replaces everything, then the product is re-audited."""
        with ctx.state.lock:
            product = _find(ctx, ctx.params["product_id"])
            return self._edit(ctx, product, copy.deepcopy(ctx.body))

    def partial_edit(self, ctx: Ctx) -> dict[str, Any]:
        """Unedited fields keep the values of the edit under review or the draft, if any, over the live ones
        (partial-edit-product spec)."""
        with ctx.state.lock:
            product = _find(ctx, ctx.params["product_id"])
            base = product.under_review or product.draft or ProductVersion(product.body, product.skus)
            merged = self._current_body(base)
            merged.update(copy.deepcopy(ctx.body))
            return self._edit(ctx, product, merged)

    def _edit(self, ctx: Ctx, product: Product, body: dict[str, Any]) -> dict[str, Any]:
        self._check_editable(product, body)
        validate_product(ctx, body)
        warnings = resolve_brand(body)
        version = self._replace(ctx, product, body)
        return _write_result(product, warnings, version.skus)

    @staticmethod
    def _check_editable(product: Product, body: dict[str, Any]) -> None:
        if body.get("save_mode") == "AS_DRAFT" and product.status in ("DELETED", "PENDING", "FREEZE"):
            raise ApiError(
                codes.INVALID_PRODUCT_FIELD,
                f"Saving as draft is not supported for {product.status} products.",
            )
        old_codes = {s.seller_sku: s.identifier_code for s in product.skus}
        old_by_id = {s.id: s.identifier_code for s in product.skus}
        if product.status != "DRAFT":
            for sku in body.get("skus") or []:
                codes_by, key = (old_by_id, str(sku["id"])) if sku.get("id") else (old_codes, sku.get("seller_sku"))
                if key in codes_by and codes_by[key] and sku.get("identifier_code") != codes_by[key]:
                    raise ApiError(
                        codes.INVALID_IDENTIFIER_CODE,
                        "identifier_code can only be modified while the product is a DRAFT.",
                    )

    @staticmethod
    def _current_body(product: ProductVersion) -> dict[str, Any]:
        body = {k: copy.deepcopy(v) for k, v in product.body.items() if not k.startswith("_")}
        body["skus"] = [
            {
                "id": s.id,
                "seller_sku": s.seller_sku,
                "external_sku_id": s.external_sku_id,
                "price": dict(s.price),
                "inventory": [{"warehouse_id": w, "quantity": q} for w, q in s.inventory.items()],
                "sales_attributes": copy.deepcopy(s.sales_attributes),
                "identifier_code": s.identifier_code,
            }
            for s in product.skus
        ]
        for sku in body["skus"]:
            for key in [k for k, v in sku.items() if v is None]:
                del sku[key]
        return body

    def _replace(self, ctx: Ctx, product: Product, body: dict[str, Any]) -> ProductVersion:
        """Apply an accepted edit. A live product keeps selling its current version: the edit waits for audit
        beside it (or is kept as a post-live draft), and only its prices and stock go live at once ("edits to
        the price or inventory fields do not require a reaudit and will be immediately published", edit-product
        and partial-edit-product specs)."""
        keep = {k: v for k, v in product.body.items() if k.startswith("_")}
        listing = body.get("save_mode", "LISTING") == "LISTING"
        known = [s for skus in _versions(product) for s in skus]
        version = ProductVersion(
            body={k: copy.deepcopy(v) for k, v in body.items() if k not in SKIPPED_BODY_KEYS} | keep,
            skus=_build_skus(ctx, body["skus"], known),
        )
        product.update_time = max(int(ctx.state.now()), product.update_time + 1)
        if product.status == "ACTIVATE":
            live = {s.id: s for s in product.skus}
            for sku in version.skus:
                if sku.id in live and listing:
                    live[sku.id].price, live[sku.id].inventory = dict(sku.price), dict(sku.inventory)
                elif sku.id in live:
                    # A post-live draft does not save inventory (partial-edit-product spec, save_mode).
                    sku.inventory = dict(live[sku.id].inventory)
            if listing:
                product.under_review, product.draft = version, None
                self._auditor.submit(product)
            else:
                product.draft = version
            return version
        product.body, product.skus = version.body, version.skus
        if listing:
            self._auditor.submit(product)
        else:
            product.status, product.audit_status = "DRAFT", "NONE"
        return version

    def get(self, ctx: Ctx) -> dict[str, Any]:
        """The live version by default; `return_under_review_version` / `return_draft_version` (mutually
        exclusive) return the edit under review or the post-live draft instead (get-product spec)."""
        under_review, draft = _flag(ctx, "return_under_review_version"), _flag(ctx, "return_draft_version")
        if under_review and draft:
            raise ApiError(
                codes.INVALID_CREDENTIAL,
                "return_under_review_version and return_draft_version are mutually exclusive",
                400,
            )
        with ctx.state.lock:
            product = _find(ctx, ctx.params["product_id"])
            version = None
            if under_review:
                version = product.under_review
                if version is None:
                    raise ApiError(
                        codes.NO_UNDER_REVIEW_VERSION,
                        "There is no version of this product that is under review. Please obtain the online version.",
                    )
            elif draft:
                version = product.draft
            return product_json(product, version=version)

    def search(self, ctx: Ctx) -> dict[str, Any]:
        page_size = ctx.page_size(1, 100)
        status = ctx.body.get("status", "ALL")
        seller_skus = set(ctx.body.get("seller_skus") or [])
        audit_statuses = set(ctx.body.get("audit_status") or [])
        update_ge = ctx.body.get("update_time_ge")
        with ctx.state.lock:
            # `status` filters the base (live) version, not post-live edits or drafts (search-products spec).
            matches = [
                p
                for p in ctx.state.products.values()
                if p.shop_id == ctx.shop.id
                and p.status != "DELETED"
                and (status == "ALL" or p.status == status)
                and (not audit_statuses or p.audit_status in audit_statuses)
                and (not seller_skus or any(s.seller_sku in seller_skus for s in p.skus))
                and (update_ge is None or p.update_time >= int(update_ge))
            ]
            matches.sort(key=lambda p: p.id)
            page, token = paginate(matches, page_size, ctx.query.get("page_token"))
            return {
                "products": [product_json(p, summary=True) for p in page],
                "total_count": len(matches),
                "next_page_token": token,
            }

    def update_price(self, ctx: Ctx) -> dict[str, Any]:
        with ctx.state.lock:
            product = _find(ctx, ctx.params["product_id"])
            if product.status != "ACTIVATE":
                raise ApiError(
                    codes.PRODUCT_NOT_ACTIVE, "The SKU ID must belong to a product with the ACTIVATE status."
                )
            by_id = {s.id: s for skus in _versions(product) for s in skus}
            updates = ctx.body.get("skus") or []
            if not updates:
                raise ApiError(codes.INVALID_CREDENTIAL, "param body.skus is missing", 400)
            for update in updates:
                sku = by_id.get(str(update.get("id")))
                if sku is None:
                    raise ApiError(
                        codes.SKU_NOT_FOUND,
                        f"sku_id {update.get('id')} does not belong to product {product.id}.",
                    )
                price = update.get("price") or {}
                if price.get("currency") != ctx.shop.currency:
                    raise ApiError(codes.INVALID_PRODUCT_FIELD, f"price.currency must be {ctx.shop.currency}")
                try:
                    positive = float(price.get("amount", "0")) > 0
                except ValueError:
                    positive = False
                if not isinstance(price.get("amount"), str) or not positive:
                    raise ApiError(codes.INVALID_PRODUCT_FIELD, "price.amount must be a positive string decimal")
            # Prices are published at once, also while an edit is under review (edit-product spec).
            for update in updates:
                for skus in _versions(product):
                    for sku in skus:
                        if sku.id == str(update["id"]):
                            sku.price = {"amount": update["price"]["amount"], "currency": ctx.shop.currency}
            product.update_time = int(ctx.state.now())
            applied = {str(u["id"]): u["price"]["amount"] for u in updates}
            update_journal.record(ctx.state, "price", ctx.shop.id, product.id, applied)
        return {}

    def update_inventory(self, ctx: Ctx) -> dict[str, Any]:
        """Per-SKU failures go into data.errors with code 0, as TikTok does."""
        errors: list[dict[str, Any]] = []
        applied: dict[str, dict[str, int]] = {}
        with ctx.state.lock:
            product = _find(ctx, ctx.params["product_id"])
            by_id = {s.id: s for skus in _versions(product) for s in skus}
            updates = ctx.body.get("skus") or []
            if not updates:
                raise ApiError(codes.INVALID_CREDENTIAL, "param body.skus is missing", 400)
            for update in updates:
                sku_id = str(update.get("id"))
                sku = by_id.get(sku_id)
                if sku is None:
                    errors.append(
                        {
                            "code": codes.SKU_NOT_FOUND,
                            "message": f"sku_id {sku_id} does not exist.",
                            "detail": {"sku_id": sku_id},
                        }
                    )
                    continue
                extra = []
                entries = update.get("inventory") or []
                given = {str(e.get("warehouse_id") or ""): e.get("quantity") for e in entries}
                if len(sku.inventory) == 1 and list(given) == [""]:
                    given = {next(iter(sku.inventory)): given[""]}
                for warehouse_id, quantity in given.items():
                    if warehouse_id not in sku.inventory:
                        extra.append(
                            {
                                "warehouse_id": warehouse_id,
                                "code": codes.WAREHOUSE_INVALID,
                                "message": "warehouse is not assigned to this SKU",
                            }
                        )
                    elif not isinstance(quantity, int) or not 0 <= quantity <= 99999:
                        extra.append(
                            {
                                "warehouse_id": warehouse_id,
                                "code": codes.INVALID_PRODUCT_FIELD,
                                "message": "quantity must be within [0, 99999]",
                            }
                        )
                missing = set(sku.inventory) - set(given)
                for warehouse_id in sorted(missing):
                    extra.append(
                        {
                            "warehouse_id": warehouse_id,
                            "code": codes.WAREHOUSE_INVALID,
                            "message": "You must include all warehouse IDs assigned to this SKU",
                        }
                    )
                if extra:
                    errors.append(
                        {
                            "code": codes.WAREHOUSE_INVALID,
                            "message": f"Inventory update failed for sku {sku_id}",
                            "detail": {"sku_id": sku_id, "extra_errors": extra},
                        }
                    )
                    continue
                for skus in _versions(product):
                    for copy_of_sku in skus:
                        if copy_of_sku.id == sku_id:
                            copy_of_sku.inventory.update({w: int(q) for w, q in given.items()})
                applied[sku_id] = {w: int(q) for w, q in given.items()}
            product.update_time = int(ctx.state.now())
            update_journal.record(ctx.state, "inventory", ctx.shop.id, product.id, applied)
        return {"errors": errors} if errors else {}


def product_json(product: Product, *, summary: bool = False, version: ProductVersion | None = None) -> dict[str, Any]:
    """Get Product's view; `version` shows an edit under review or a draft in place of the live content."""
    body = version.body if version is not None else product.body
    skus = [
        {
            "id": s.id,
            "seller_sku": s.seller_sku,
            "external_sku_id": s.external_sku_id,
            "price": {
                "currency": s.price["currency"],
                "sale_price": s.price["amount"],
                "tax_exclusive_price": s.price["amount"],
            },
            "inventory": [{"warehouse_id": w, "quantity": q} for w, q in s.inventory.items()],
            "sales_attributes": s.sales_attributes,
            "identifier_code": s.identifier_code,
        }
        for s in (version.skus if version is not None else product.skus)
    ]
    common: dict[str, Any] = {
        "id": product.id,
        "title": body["title"],
        "status": product.status,
        "skus": skus,
        # The audit status covers a post-live edit too: AUDITING while v2 is reviewed, v1 still ACTIVATE.
        "audit": {"status": product.audit_status, "pre_approved_reasons": []},
        "has_draft": product.draft is not None,
        "update_time": product.update_time,
    }
    if summary:
        return common
    brand = next((b for b in BRANDS if b["id"] == str(body.get("brand_id"))), None)
    return common | {
        "description": body["description"],
        "category_chains": [{"id": str(body["category_id"]), "is_leaf": True}],
        **({"brand": {"id": brand["id"], "name": brand["name"]}} if brand is not None else {}),
        "main_images": body["main_images"],
        "product_attributes": body.get("product_attributes", []),
        "package_weight": body["package_weight"],
        "package_dimensions": body.get("package_dimensions"),
        "audit_failed_reasons": product.audit_failed_reasons,
        "external_product_id": body.get("external_product_id"),
        "create_time": product.create_time,
    }
