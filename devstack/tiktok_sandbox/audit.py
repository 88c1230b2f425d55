"""Product audit lifecycle, announced by webhooks 5 and 37.

A product's first listing goes PENDING -> ACTIVATE or FAILED. An edit of a live product is audited beside the
live version, which keeps selling: approval publishes the edit, failure keeps the live version unchanged and
only `audit.status` turns FAILED (edit-product spec: "If the audit passes, v2 is published to the shop,
otherwise, the existing product stays live and remains unchanged (keeping v1)").
"""

from __future__ import annotations

import threading

from tiktok_sandbox import codes
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.state import Product, SandboxState
from tiktok_sandbox.webhooks import WebhookDispatcher


class Auditor:
    """Completes audits after `auto_audit_after` seconds, or when the control API says so."""

    def __init__(self, state: SandboxState, webhooks: WebhookDispatcher):
        self._state = state
        self._webhooks = webhooks

    def submit(self, product: Product) -> None:
        if product.under_review is None:
            product.status = "PENDING"
        product.audit_status = "AUDITING"
        product.audit_failed_reasons = []
        delay = self._state.config.auto_audit_after
        if delay is not None:
            timer = threading.Timer(delay, self._auto_complete, args=(product.id, product.update_time))
            timer.daemon = True
            timer.start()

    def _auto_complete(self, product_id: str, submitted_at: int) -> None:
        with self._state.lock:
            product = self._state.products.get(product_id)
            if product is None or product.audit_status != "AUDITING" or product.update_time != submitted_at:
                return
            reasons = self._state.audit_outcomes.pop(0) if self._state.audit_outcomes else []
        self.complete(product_id, approve=not reasons, reasons=reasons)

    def complete(self, product_id: str, *, approve: bool, reasons: list[str] | None = None) -> None:
        with self._state.lock:
            product = self._state.products[product_id]
            if product.audit_status != "AUDITING":
                raise ApiError(codes.PRODUCT_NOT_ACTIVE, f"product {product_id} is not under audit ({product.status}).")
            first_review = not product.body.get("_was_live")
            product.update_time = int(self._state.now())
            edit, product.under_review = product.under_review, None
            if approve:
                if edit is not None:
                    # Stock moved on while the edit waited (orders reserve live stock): keep the live counts.
                    live = {s.id: s for s in product.skus}
                    for sku in edit.skus:
                        if sku.id in live:
                            sku.inventory = dict(live[sku.id].inventory)
                    product.body, product.skus = edit.body, edit.skus
                product.status, product.audit_status = "ACTIVATE", "APPROVED"
                product.body["_was_live"] = True
            else:
                if edit is None:
                    product.status = "FAILED"
                product.audit_status = "FAILED"
                product.audit_failed_reasons = [
                    {
                        "position": "product",
                        "reasons": list(reasons or ["Listing violates policy"]),
                        "suggestions": [],
                    }
                ]
            shop_id, update_time = product.shop_id, product.update_time
        # TikTok sends product_id as a JSON number in webhooks 5 and 37.
        numeric_id = int(product_id)
        status_5 = (
            "PRODUCT_AUDIT_FAILURE"
            if not approve
            else ("PRODUCT_FIRST_PASS_REVIEW" if first_review else "PRODUCT_STATUS_CHANGED")
        )
        self._webhooks.emit(
            5,
            shop_id,
            {
                "product_id": numeric_id,
                "status": status_5,
                "suspended_reason": "",
                "update_time": update_time,
            },
        )
        self._webhooks.emit(
            37,
            shop_id,
            {
                "product_id": numeric_id,
                "audit": {"status": "APPROVED" if approve else "FAILED", "pre_approved_reasons": []},
                "integrated_platform_statuses": [],
                "update_time": update_time,
            },
        )
