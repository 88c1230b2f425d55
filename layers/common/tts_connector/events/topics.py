"""The topic → capability table the events consumer routes with.

Each capability module registers its handlers here as it is built (orders: 1, 3, 4; returns and
cancellations: 11, 12; shop authorization: 6, 7; product audit: 5, 37).
"""

from __future__ import annotations

from tts_connector.events.router import EventRouter


def build_router() -> EventRouter:
    return EventRouter()
