"""Pushes prices and stock to TikTok from StockSyncPushQueue: event flushes, manual push chunks, reconciliation
pages. The queue's message group is the shop, so one shop's pushes run one at a time and in order."""

from tts_connector import wiring
from tts_connector.events.consumer import fifo_consumer
from tts_connector.stock_sync.work import PUSH_QUEUE

lambda_handler = fifo_consumer(wiring.event_processor(PUSH_QUEUE))
