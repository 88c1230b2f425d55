"""Product handlers: create, edit, partial edit, get, search, price and inventory updates."""

from __future__ import annotations

import copy
from typing import Any

from tiktok_sandbox import codes
from tiktok_sandbox.audit import Auditor
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.context import Ctx, paginate
from tiktok_sandbox.product_rules import validate_product
from tiktok_sandbox.state import Product, Sku


def _find(ctx: Ctx, product_id: str) -> Product:
    product = ctx.state.products.get(product_id)
    if product is None or product.shop_id != ctx.shop.id or product.status == "DELETED":
        raise ApiError(codes.PRODUCT_NOT_FOUND, f"product_id {product_id} does not exist.", 404)
    return product


def _build_skus(ctx: Ctx, raw_skus: list[dict[str, Any]], existing: list[Sku]) -> list[Sku]:
    """New SKUs keep their ids when the seller_sku matches an existing one (TikTok keeps SKU ids on edit)."""
    by_seller_sku = {s.seller_sku: s for s in existing if s.seller_sku}
    skus = []
    for raw in raw_skus:
        previous = by_seller_sku.get(str(raw.get("seller_sku")))
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


def _write_result(product: Product) -> dict[str, Any]:
    return {
        "product_id": product.id,
        "skus": [
            {
                "id": s.id,
                "seller_sku": s.seller_sku,
                "external_sku_id": s.external_sku_id,
                "sales_attributes": s.sales_attributes,
            }
            for s in product.skus
        ],
        "warnings": [],
    }


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
                return _write_result(ctx.state.products[ctx.state.idempotency[(ctx.shop.id, key)]])
            validate_product(ctx, body)
            now = int(ctx.state.now())
            product = Product(
                id=ctx.state.new_id(),
                shop_id=ctx.shop.id,
                body={k: copy.deepcopy(v) for k, v in body.items() if k not in ("skus", "idempotency_key")},
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
            return _write_result(product)

    def edit(self, ctx: Ctx) -> dict[str, Any]:
        """PUT is a full replacement: the new body replaces everything, then the product is re-audited."""
        with ctx.state.lock:
            product = _find(ctx, ctx.params["product_id"])
            self._check_editable(product, ctx.body)
            validate_product(ctx, ctx.body)
            self._replace(ctx, product, ctx.body)
            return _write_result(product)

    def partial_edit(self, ctx: Ctx) -> dict[str, Any]:
        with ctx.state.lock:
            product = _find(ctx, ctx.params["product_id"])
            merged = self._current_body(product)
            merged.update(copy.deepcopy(ctx.body))
            self._check_editable(product, merged)
            validate_product(ctx, merged)
            self._replace(ctx, product, merged)
            return _write_result(product)

    @staticmethod
    def _check_editable(product: Product, body: dict[str, Any]) -> None:
        if body.get("save_mode") == "AS_DRAFT" and product.status in ("DELETED", "PENDING", "FREEZE"):
            raise ApiError(
                codes.INVALID_PRODUCT_FIELD,
                f"Saving as draft is not supported for {product.status} products.",
            )
        old_codes = {s.seller_sku: s.identifier_code for s in product.skus}
        if product.status != "DRAFT":
            for sku in body.get("skus") or []:
                seller_sku = sku.get("seller_sku")
                if (
                    seller_sku in old_codes
                    and old_codes[seller_sku]
                    and sku.get("identifier_code") != old_codes[seller_sku]
                ):
                    raise ApiError(
                        codes.INVALID_IDENTIFIER_CODE,
                        "identifier_code can only be modified while the product is a DRAFT.",
                    )

    @staticmethod
    def _current_body(product: Product) -> dict[str, Any]:
        body = {k: copy.deepcopy(v) for k, v in product.body.items() if not k.startswith("_")}
        body["skus"] = [
            {
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

    def _replace(self, ctx: Ctx, product: Product, body: dict[str, Any]) -> None:
        keep = {k: v for k, v in product.body.items() if k.startswith("_")}
        product.body = {k: copy.deepcopy(v) for k, v in body.items() if k not in ("skus", "idempotency_key")} | keep
        product.skus = _build_skus(ctx, body["skus"], product.skus)
        product.update_time = max(int(ctx.state.now()), product.update_time + 1)
        if body.get("save_mode", "LISTING") == "LISTING":
            self._auditor.submit(product)
        else:
            product.status, product.audit_status = "DRAFT", "NONE"

    def get(self, ctx: Ctx) -> dict[str, Any]:
        with ctx.state.lock:
            return product_json(_find(ctx, ctx.params["product_id"]))

    def search(self, ctx: Ctx) -> dict[str, Any]:
        page_size = ctx.page_size(1, 100)
        status = ctx.body.get("status", "ALL")
        seller_skus = set(ctx.body.get("seller_skus") or [])
        update_ge = ctx.body.get("update_time_ge")
        with ctx.state.lock:
            matches = [
                p
                for p in ctx.state.products.values()
                if p.shop_id == ctx.shop.id
                and p.status != "DELETED"
                and (status == "ALL" or p.status == status)
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
            by_id = {s.id: s for s in product.skus}
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
            for update in updates:
                by_id[str(update["id"])].price = {
                    "amount": update["price"]["amount"],
                    "currency": ctx.shop.currency,
                }
            product.update_time = int(ctx.state.now())
        return {}

    def update_inventory(self, ctx: Ctx) -> dict[str, Any]:
        """Per-SKU failures go into data.errors with code 0, as TikTok does."""
        errors: list[dict[str, Any]] = []
        with ctx.state.lock:
            product = _find(ctx, ctx.params["product_id"])
            by_id = {s.id: s for s in product.skus}
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
                for warehouse_id, quantity in given.items():
                    sku.inventory[warehouse_id] = int(quantity)
            product.update_time = int(ctx.state.now())
        return {"errors": errors} if errors else {}


def product_json(product: Product, *, summary: bool = False) -> dict[str, Any]:
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
        for s in product.skus
    ]
    body = product.body
    if summary:
        return {
            "id": product.id,
            "title": body["title"],
            "status": product.status,
            "skus": skus,
            "update_time": product.update_time,
        }
    return {
        "id": product.id,
        "title": body["title"],
        "description": body["description"],
        "status": product.status,
        "category_chains": [{"id": str(body["category_id"]), "is_leaf": True}],
        "main_images": body["main_images"],
        "skus": skus,
        "product_attributes": body.get("product_attributes", []),
        "package_weight": body["package_weight"],
        "package_dimensions": body.get("package_dimensions"),
        "audit": {"status": product.audit_status},
        "audit_failed_reasons": product.audit_failed_reasons,
        "external_product_id": body.get("external_product_id"),
        "create_time": product.create_time,
        "update_time": product.update_time,
    }
