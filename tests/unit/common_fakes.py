"""In-memory stand-ins for small shared stores (fakes over mocks)."""

from __future__ import annotations

from pydantic import BaseModel

from tts_connector.shop_settings import M


class InMemoryShopSettingsStore:
    """For unit tests and fakes: the same defaults rule."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str] = {}

    def get(self, shop_id: str, section: str, model: type[M]) -> M:
        raw = self.values.get((shop_id, section))
        return model.model_validate_json(raw) if raw else model()

    def save(self, shop_id: str, section: str, value: BaseModel) -> None:
        self.values[(shop_id, section)] = value.model_dump_json()
