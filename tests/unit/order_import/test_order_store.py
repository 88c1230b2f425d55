"""DynamoDBOrderStore on the template's own OrdersTable (moto): versions, indexes, cursors."""

from __future__ import annotations

import pytest

from tests.aws_tables import template_tables
from tts_connector.order_import.records import OrderRecord, OrderState
from tts_connector.order_import.store import DynamoDBOrderStore, OrderRecordConflict

SHOP = "7494049642642441621"


def test_records_are_saved_once_per_version_and_found_by_state_and_magento_order() -> None:
    with template_tables("OrdersTable") as tables:
        clock = iter(range(1000, 2000))
        store = DynamoDBOrderStore(tables["OrdersTable"], clock=lambda: float(next(clock)))
        first = store.save(OrderRecord(shop_id=SHOP, tiktok_order_id="o1"))
        assert first.version == 1 and first.created_at == first.updated_at

        with pytest.raises(OrderRecordConflict):
            store.save(OrderRecord(shop_id=SHOP, tiktok_order_id="o1"))  # a second creation
        imported = store.save(first.model_copy(update={"state": OrderState.IMPORTED, "magento_order_id": 12}))
        with pytest.raises(OrderRecordConflict):
            store.save(first.model_copy(update={"state": OrderState.FAILED}))  # written from a stale read
        store.save(OrderRecord(shop_id=SHOP, tiktok_order_id="o2", state=OrderState.FAILED, failure="x"))

        assert store.get(SHOP, "o1") == imported
        assert store.by_magento_order(12) == imported
        assert store.by_magento_order(13) is None
        assert [r.tiktok_order_id for r in store.list(OrderState.FAILED)] == ["o2"]
        assert [r.tiktok_order_id for r in store.list()] == ["o2", "o1"]
        assert store.get_cursor("orders#x") is None
        store.set_cursor("orders#x", 42)
        assert store.get_cursor("orders#x") == 42
        # Cursor items are not records: they never show in a listing.
        assert len(store.list()) == 2
