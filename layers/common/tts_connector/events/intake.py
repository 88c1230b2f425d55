"""Accepting a TikTok webhook: verify, record, enqueue. Fast enough for TikTok's 3-second deadline."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tts_connector.events.models import EventStatus
from tts_connector.events.queue import EventPublisher
from tts_connector.events.store import EventStore
from tts_connector.observability import logger
from tts_connector.webhooks.signature import verify_tiktok_webhook
from tts_connector.webhooks.tiktok import parse_tiktok_notification


@dataclass(frozen=True)
class AppCredentials:
    app_key: str
    app_secret: str = field(repr=False)
    service_id: str = ""


@dataclass(frozen=True)
class IntakeResult:
    event_key: str
    duplicate: bool


def accept_tiktok_webhook(
    raw_body: bytes,
    authorization: str | None,
    *,
    credentials: AppCredentials,
    store: EventStore,
    publisher: EventPublisher,
) -> IntakeResult:
    """Store the notification once and put it on the queue.

    The record is written before the message is sent, so a crash between the two leaves a RECEIVED
    record that the outbox sweeper re-sends; a TikTok retry of an event stuck in RECEIVED re-sends it too.
    """
    verify_tiktok_webhook(credentials.app_key, credentials.app_secret, raw_body, authorization)
    notification = parse_tiktok_notification(raw_body)
    logger.append_keys(event_key=notification.event_key, shop_id=notification.shop_id, topic=notification.type)

    event = store.add_if_new(notification, now=int(time.time()))
    duplicate = event is None
    if event is None:
        event = store.get(notification.event_key)
        if event is None or event.status is not EventStatus.RECEIVED:
            logger.info("Duplicate webhook ignored")
            return IntakeResult(event_key=notification.event_key, duplicate=True)

    publisher.publish(event)
    store.set_status(event.event_key, EventStatus.ENQUEUED)
    logger.info("Webhook accepted", extra={"duplicate": duplicate})
    return IntakeResult(event_key=event.event_key, duplicate=duplicate)
