"""Consumes the refund events FIFO queue: TikTok return and cancellation topics, the connector's own settle requests.

FIFO per shop and order (the group order import uses): a failing refund stops only its own order (events.consumer).
"""

from tts_connector import wiring
from tts_connector.events.consumer import fifo_consumer
from tts_connector.refunds.topics import REFUND_EVENTS_QUEUE

lambda_handler = fifo_consumer(wiring.event_processor(REFUND_EVENTS_QUEUE))
