"""Consumes the shop events FIFO queue: each event goes to the capability that subscribed to its type.

FIFO: a failure stops only its own message group (one shop or one order), so an order's events never
overtake each other while unrelated groups in the same batch still complete (events.consumer).
"""

from tts_connector import wiring
from tts_connector.connect.topics import SHOP_EVENTS_QUEUE
from tts_connector.events.consumer import fifo_consumer

lambda_handler = fifo_consumer(wiring.event_processor(SHOP_EVENTS_QUEUE))
