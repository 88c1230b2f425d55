"""Consumes Magento product and stock change events (StockSyncQueue): marks the listed TikTok products for a push."""

from tts_connector import wiring
from tts_connector.events.consumer import fifo_consumer
from tts_connector.stock_sync.work import CHANGES_QUEUE

lambda_handler = fifo_consumer(wiring.event_processor(CHANGES_QUEUE))
