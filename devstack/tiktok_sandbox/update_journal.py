"""What the sandbox observed of price and inventory updates, for tests and benchmarks (not a TikTok API).

One entry per Update Price / Update Inventory call that TikTok accepted (code 0), with the values it applied:
how many calls a product got, when, and with what. Per-SKU failures of Update Inventory are not applied, so
the SKUs they name are left out of the entry.
"""

from __future__ import annotations

from typing import Any

from tiktok_sandbox.state import SandboxState


def record(state: SandboxState, kind: str, shop_id: str, product_id: str, skus: dict[str, Any]) -> None:
    """`kind` is "price" (skus: sku id -> amount) or "inventory" (sku id -> {warehouse id: quantity})."""
    state.update_journal.append(
        {"at": state.now(), "kind": kind, "shop_id": shop_id, "product_id": product_id, "skus": skus}
    )


def entries(state: SandboxState, since: float = 0.0) -> list[dict[str, Any]]:
    with state.lock:
        return [dict(e) for e in state.update_journal if e["at"] >= since]
