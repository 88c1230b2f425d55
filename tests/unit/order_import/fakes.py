"""In-memory order store and alert recorder with the DynamoDB store's rules (fakes over mocks)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tts_connector.order_import.records import OrderRecord, OrderState
from tts_connector.order_import.store import OrderRecordConflict


class InMemoryOrderStore:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.records: dict[tuple[str, str], OrderRecord] = {}
        self.cursors: dict[str, int] = {}
        self.saves = 0
        self._clock = clock
        self._lock = threading.Lock()

    def get(self, shop_id: str, tiktok_order_id: str) -> OrderRecord | None:
        record = self.records.get((shop_id, tiktok_order_id))
        return record.model_copy(deep=True) if record else None

    def by_magento_order(self, magento_order_id: int) -> OrderRecord | None:
        found = next((r for r in self.records.values() if r.magento_order_id == magento_order_id), None)
        return found.model_copy(deep=True) if found else None

    def save(self, record: OrderRecord) -> OrderRecord:
        with self._lock:
            key = (record.shop_id, record.tiktok_order_id)
            current = self.records.get(key)
            if (current.version if current else 0) != record.version:
                raise OrderRecordConflict(f"Order {record.tiktok_order_id} changed while it was being processed")
            now = int(self._clock())
            saved = record.model_copy(
                update={"version": record.version + 1, "updated_at": now, "created_at": record.created_at or now},
                deep=True,
            )
            self.records[key] = saved
            self.saves += 1
            return saved.model_copy(deep=True)

    def list(self, state: OrderState | None = None, *, limit: int = 100) -> list[OrderRecord]:
        found = [r for r in self.records.values() if state is None or r.state is state]
        return sorted(found, key=lambda r: r.updated_at, reverse=True)[:limit]

    def get_cursor(self, name: str) -> int | None:
        return self.cursors.get(name)

    def set_cursor(self, name: str, value: int) -> None:
        self.cursors[name] = value


@dataclass
class RecordingAlerts:
    sent: list[tuple[str, str]] = field(default_factory=list)

    def publish(self, subject: str, message: str) -> None:
        self.sent.append((subject, message))
