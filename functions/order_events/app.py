"""Consumes the order events FIFO queue: TikTok order topics, Magento shipments, the connector's own requests.

FIFO per shop and order: one order's events never overtake each other, and a failing order stops only itself
(events.consumer).
"""

from tts_connector import wiring
from tts_connector.events.consumer import fifo_consumer
from tts_connector.order_import.topics import ORDER_EVENTS_QUEUE

lambda_handler = fifo_consumer(wiring.event_processor(ORDER_EVENTS_QUEUE))
