"""What price and stock sync subscribes to: Magento's product and stock changes on its own queue, and its
work items (flushes, manual push chunks, reconciliation pages) on the push queue."""

from __future__ import annotations

from tts_connector.events.router import EventRegistry
from tts_connector.magento.change_events import MagentoChangeKind
from tts_connector.magento.change_events import event_type as magento_event_type
from tts_connector.stock_sync.changes import handle_change
from tts_connector.stock_sync.pushes import handle_flush, handle_push_chunk
from tts_connector.stock_sync.reconcile import handle_reconcile
from tts_connector.stock_sync.services import SyncServices
from tts_connector.stock_sync.work import CHANGES_QUEUE, FLUSH, PUSH, PUSH_QUEUE, RECONCILE, event_type


def register(registry: EventRegistry, *, services: SyncServices) -> None:
    for kind in (MagentoChangeKind.PRODUCT_SAVED, MagentoChangeKind.STOCK_CHANGED):
        registry.subscribe(magento_event_type(kind), queue=CHANGES_QUEUE, handler=lambda e: handle_change(e, services))
    registry.subscribe(event_type(FLUSH), queue=PUSH_QUEUE, handler=lambda e: handle_flush(e, services))
    registry.subscribe(event_type(PUSH), queue=PUSH_QUEUE, handler=lambda e: handle_push_chunk(e, services))
    registry.subscribe(event_type(RECONCILE), queue=PUSH_QUEUE, handler=lambda e: handle_reconcile(e, services))
