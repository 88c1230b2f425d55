"""Processing one queued event exactly once per business identity."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from aws_lambda_powertools.utilities.idempotency import (
    BasePersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer
from pydantic import ValidationError

from tts_connector.errors import ConnectorError, InvalidInputError
from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent
from tts_connector.events.router import EventRouter
from tts_connector.events.store import EventStore
from tts_connector.observability import logger, redact

# A redelivered message (new SQS messageId, same event) within this window is answered from the
# idempotency record instead of running the capability again. Longer than TikTok's ~15.5 h retry horizon.
IDEMPOTENCY_WINDOW_SECONDS = 7 * 24 * 3600

# One config for every consumer: keyed on the event's business identity, never on the SQS messageId (a
# redrive, a replay or a TikTok retry arrives with a new messageId). Consumers register their Lambda
# context on it so an invocation about to time out does not leave a record that blocks the retry.
EVENT_IDEMPOTENCY = IdempotencyConfig(event_key_jmespath="event_key", expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS)

EventProcessor = Callable[[InboundEvent], EventOutcome]


def parse_event_message(body: str) -> InboundEvent:
    try:
        return InboundEvent.model_validate(json.loads(body))
    except (json.JSONDecodeError, RecursionError, ValidationError) as exc:
        raise InvalidInputError(f"Queued event is malformed and cannot be processed: {exc}") from exc


def failure_detail(exc: BaseException) -> str:
    """What a FAILED record says: the merchant-facing message of a typed error, else the error class."""
    text = exc.message if isinstance(exc, ConnectorError) else str(exc)
    return str(redact(f"{type(exc).__name__}: {text}"))[:500]


def build_event_processor(
    router: EventRouter,
    store: EventStore,
    persistence: BasePersistenceLayer,
    config: IdempotencyConfig = EVENT_IDEMPOTENCY,
    clock: Callable[[], float] = time.time,
) -> EventProcessor:
    @idempotent_function(  # type: ignore[untyped-decorator]
        data_keyword_argument="message",
        persistence_store=persistence,
        config=config,
        output_serializer=PydanticSerializer(EventOutcome),
    )
    def process_event(message: InboundEvent) -> EventOutcome:
        outcome = router.route(message)
        store.transition(message.event_key, outcome.status, outcome.detail, int(clock()))
        return outcome

    def process(message: InboundEvent) -> EventOutcome:
        try:
            outcome: EventOutcome = process_event(message=message)
        except Exception as exc:
            # Recorded so `ttsc events list --status FAILED` shows why; SQS retries, then the DLQ parks it.
            try:
                store.transition(message.event_key, EventStatus.FAILED, failure_detail(exc), int(clock()))
            except Exception:
                logger.exception("Recording the event's failure failed", extra={"event_key": message.event_key})
            raise
        return outcome

    return process
