"""Builds the production implementations of the layer's interfaces from settings.

Handlers call these; tests build the same domain functions with in-memory fakes instead.
"""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from tts_connector import aws
from tts_connector.events.queue import SqsFifoEventPublisher
from tts_connector.events.store import DynamoDBEventStore
from tts_connector.settings import get_settings


@cache
def event_store() -> DynamoDBEventStore:
    return DynamoDBEventStore(aws.dynamodb().Table(get_settings().require("events_table")))


@cache
def event_publisher() -> SqsFifoEventPublisher:
    return SqsFifoEventPublisher(aws.sqs(), get_settings().require("tiktok_events_queue_url"))


@cache
def idempotency_store() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=get_settings().require("idempotency_table"))
