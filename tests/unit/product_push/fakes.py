"""In-memory stand-ins for product push's own store and a TikTok products API (fakes over mocks)."""

from __future__ import annotations

from typing import Any

from tts_connector.product_push.records import WriteBackState
from tts_connector.product_push.store import PushIntent, SeenAudit
from tts_connector.tiktok.models.product import Product


class InMemoryPushStore:
    def __init__(self) -> None:
        self.intents: dict[tuple[str, str], PushIntent] = {}
        self.audits: dict[tuple[str, str], SeenAudit] = {}
        self.write_backs: dict[tuple[str, str], WriteBackState] = {}

    def begin_create(self, shop_id: str, sku: str, job_id: str) -> PushIntent:
        found = self.intents.get((shop_id, sku))
        if found is not None:
            return PushIntent(**{**found.__dict__, "fresh": False})
        intent = PushIntent(shop_id, sku, f"key-{len(self.intents)}", job_id, 0)
        self.intents[(shop_id, sku)] = intent
        return intent

    def created(self, intent: PushIntent, product_id: str, skus: list[dict[str, Any]]) -> None:
        self.intents[(intent.shop_id, intent.sku)] = PushIntent(
            **{**intent.__dict__, "product_id": product_id, "skus": skus}
        )

    def finish_create(self, shop_id: str, sku: str) -> None:
        self.intents.pop((shop_id, sku), None)

    def remember_audit(self, shop_id: str, product_id: str, audit: SeenAudit) -> None:
        self.audits[(shop_id, product_id)] = audit

    def take_audit(self, shop_id: str, product_id: str) -> SeenAudit | None:
        return self.audits.pop((shop_id, product_id), None)

    def save_write_back(self, state: WriteBackState) -> None:
        self.write_backs[(state.shop_id, state.sku)] = state

    def write_back(self, shop_id: str, sku: str) -> WriteBackState | None:
        return self.write_backs.get((shop_id, sku))


class FakeProducts:
    """Get Product answers from a dict of product id -> Product."""

    def __init__(self, products: dict[str, Product]):
        self.products = products
        self.gets: list[str] = []

    def get(self, shop: Any, product_id: str) -> Product:
        self.gets.append(product_id)
        return self.products[product_id]


class FakeApi:
    def __init__(self, products: dict[str, Product]):
        self.products = FakeProducts(products)
