"""Processing one queued event exactly once per business identity."""

from __future__ import annotations

import json
from collections.abc import Callable

from aws_lambda_powertools.utilities.idempotency import (
    BasePersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer
from pydantic import ValidationError

from tts_connector.errors import InvalidInputError
from tts_connector.events.models import EventMessage, EventOutcome
from tts_connector.events.router import EventRouter
from tts_connector.events.store import EventStore

# A redelivered message (new SQS messageId, same notification) within this window is answered from the
# idempotency record instead of running the capability again.
IDEMPOTENCY_WINDOW_SECONDS = 7 * 24 * 3600


def parse_event_message(body: str) -> EventMessage:
    try:
        return EventMessage.model_validate(json.loads(body))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise InvalidInputError(f"Queued event is malformed and cannot be processed: {exc}") from exc


def build_event_processor(
    router: EventRouter,
    store: EventStore,
    persistence: BasePersistenceLayer,
    config: IdempotencyConfig | None = None,
) -> Callable[[EventMessage], EventOutcome]:
    config = config or IdempotencyConfig(
        event_key_jmespath="event_key", expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS
    )

    # Keyed on the notification's business identity, never on the SQS messageId (a redrive or a
    # TikTok retry arrives with a new messageId).
    @idempotent_function(  # type: ignore[untyped-decorator]
        data_keyword_argument="message",
        persistence_store=persistence,
        config=config,
        output_serializer=PydanticSerializer(EventOutcome),
    )
    def process_event(message: EventMessage) -> EventOutcome:
        outcome = router.route(message)
        store.set_status(message.event_key, outcome.status, outcome.detail)
        return outcome

    return lambda message: process_event(message=message)
