"""template.yaml gives price and stock sync what its design relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from local_stack.template import SamTemplate
from tts_connector.settings import load_settings

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def template() -> SamTemplate:
    return SamTemplate(ROOT / "template.yaml", {"MagentoBaseUrl": "http://magento.local"})


def test_the_push_queue_holds_each_push_back_for_the_coalescing_window(template: SamTemplate) -> None:
    window = template.raw["Globals"]["Function"]["Environment"]["Variables"]["STOCK_SYNC_WINDOW_SECONDS"]
    queue = template.of_type("AWS::SQS::Queue")["StockSyncPushQueue"]["Properties"]

    assert int(queue["DelaySeconds"]) == int(window)
    assert load_settings({"STOCK_SYNC_WINDOW_SECONDS": window}).stock_sync_window_seconds == int(window)
    assert queue["FifoQueue"] is True  # one shop's pushes one at a time, in order


def test_consumers_scale_as_declared_and_the_local_stack_reads_it(template: SamTemplate) -> None:
    sources = {s.function: s for s in template.sqs_sources()}

    assert sources["StockSyncFunction"].max_concurrency == 10
    assert sources["StockSyncPushFunction"].max_concurrency == 5
    assert sources["StockSyncPushFunction"].batch_size == 1
    assert sources["TikTokEventsFunction"].max_concurrency == 1  # no ScalingConfig: one poller locally


def test_both_sync_dlqs_can_be_replayed(template: SamTemplate) -> None:
    admin = template.of_type("AWS::Serverless::Function")["AdminFunction"]["Properties"]
    queues = str(admin["Environment"]["Variables"]["DEAD_LETTER_QUEUES"])

    assert "stock-sync=${StockSyncDLQ}" in queues and "stock-sync-push=${StockSyncPushDLQ}" in queues
