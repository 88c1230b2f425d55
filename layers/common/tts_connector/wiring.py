"""The composition root: production implementations of the layer's interfaces, built from settings.

Handlers call these; tests build the same domain functions with in-memory fakes instead. This is also
where capabilities subscribe to events (`event_registry`): the pipeline receives the registry and never
imports a capability.
"""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from tts_connector import aws
from tts_connector.alerts import SnsAlertPublisher
from tts_connector.connect import topics as connect_topics
from tts_connector.connect.shop_events import stopped_reason
from tts_connector.connect.store import DynamoDBConnectStore
from tts_connector.connect.token_cipher import KmsTokenCipher
from tts_connector.connect.tokens import StoredTokenSource
from tts_connector.events.intake import EventIntake
from tts_connector.events.processing import EventProcessor, build_event_processor
from tts_connector.events.queue import SqsEventPublisher
from tts_connector.events.replay import EventReplayer, SqsDeadLetterQueue
from tts_connector.events.router import EventRegistry
from tts_connector.events.store import DynamoDBEventStore
from tts_connector.jobs.store import DynamoDBJobStore
from tts_connector.listings.store import DynamoDBListingStore
from tts_connector.magento.client import MagentoClient
from tts_connector.magento.credentials import credentials_from_mapping
from tts_connector.magento.deliveries.adobe_io import PublicKeys
from tts_connector.magento.deliveries.intake import MagentoEventSecrets, MagentoEventsIntake, load_secrets
from tts_connector.secrets import get_secret_json
from tts_connector.settings import get_settings
from tts_connector.shop_settings import DynamoDBShopSettingsStore
from tts_connector.stock_sync import topics as stock_sync_topics
from tts_connector.stock_sync.magento_reads import MagentoCatalogReader
from tts_connector.stock_sync.services import SyncServices
from tts_connector.stock_sync.store import DynamoDBSyncStore
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.auth import TikTokAuthClient
from tts_connector.tiktok.client import TikTokShopClient
from tts_connector.tiktok.credentials import AppCredentials, load_tiktok_app_credentials
from tts_connector.tiktok.rate_limit import DynamoDbRateLimiter, RateLimit, RateLimitConfig


# ---------- Capabilities: who handles which event ----------
@cache
def event_registry() -> EventRegistry:
    registry = EventRegistry()
    connect_topics.register(registry, store=connect_store, alerts=alerts)
    stock_sync_topics.register(registry, services=stock_sync())
    return registry


# ---------- Event pipeline ----------
@cache
def event_store() -> DynamoDBEventStore:
    return DynamoDBEventStore(aws.dynamodb().Table(get_settings().require("events_table")))


@cache
def event_publisher() -> SqsEventPublisher:
    return SqsEventPublisher(aws.sqs(), get_settings().require)


@cache
def event_intake() -> EventIntake:
    return EventIntake(event_store(), event_publisher(), event_registry())


@cache
def idempotency_store() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=get_settings().require("idempotency_table"))


def event_processor(queue: str) -> EventProcessor:
    """The consumer of `queue`: its subscriptions, exactly once per event, work stopped for stopped shops."""
    router = event_registry().router(queue, shop_guard=lambda shop_id: stopped_reason(connect_store(), shop_id))
    return build_event_processor(router, event_store(), idempotency_store())


@cache
def event_replayer() -> EventReplayer:
    return EventReplayer(event_store(), event_publisher(), event_registry())


def dead_letter_queues() -> list[SqsDeadLetterQueue]:
    return [SqsDeadLetterQueue(aws.sqs(), name, url) for name, url in get_settings().dead_letter_queue_urls().items()]


# ---------- Magento change events (POST /magento/events) ----------
def magento_event_secrets() -> MagentoEventSecrets:
    # Not cached here: Parameters caches the secret, so a rotated secret reaches warm functions too.
    name = get_settings().require("magento_events_secret_name")
    return load_secrets(get_secret_json(name), name)


@cache
def magento_events_intake() -> MagentoEventsIntake:
    keys = PublicKeys(str(get_settings().adobe_io_keys_url))
    return MagentoEventsIntake(magento_event_secrets, keys, event_intake())


# ---------- Shared stores of the capabilities ----------
@cache
def listing_store() -> DynamoDBListingStore:
    return DynamoDBListingStore(aws.dynamodb().Table(get_settings().require("mappings_table")))


@cache
def job_store() -> DynamoDBJobStore:
    return DynamoDBJobStore(aws.dynamodb().Table(get_settings().require("jobs_table")))


@cache
def shop_settings() -> DynamoDBShopSettingsStore:
    return DynamoDBShopSettingsStore(aws.dynamodb().Table(get_settings().require("mappings_table")))


# ---------- TikTok clients over stored tokens ----------
def tiktok_app() -> AppCredentials:
    # Not cached here: Parameters caches the secret for SECRETS_MAX_AGE_SECONDS, so a rotated app secret is
    # picked up by warm functions too.
    return load_tiktok_app_credentials(get_settings())


@cache
def connect_store() -> DynamoDBConnectStore:
    settings = get_settings()
    cipher = KmsTokenCipher(aws.client("kms"), settings.require("kms_key_id"))
    return DynamoDBConnectStore(aws.dynamodb().Table(settings.require("tokens_table")), cipher)


@cache
def tiktok_auth_client() -> TikTokAuthClient:
    app = tiktok_app()
    settings = get_settings()
    return TikTokAuthClient(
        auth_base_url=str(settings.tiktok_auth_url),
        app_key=app.app_key,
        app_secret=app.app_secret,
        setting_hint=settings.where_to_change("tiktok_auth_url"),
    )


@cache
def token_source() -> StoredTokenSource:
    return StoredTokenSource(connect_store(), tiktok_auth_client())


@cache
def tiktok_api() -> TikTokShopApi:
    settings = get_settings()
    app = tiktok_app()
    limiter = DynamoDbRateLimiter(settings.require("rate_limit_table"), aws.client("dynamodb"))
    rate = settings.tiktok_rate_per_second
    client = TikTokShopClient(
        base_url=str(settings.tiktok_api_url),
        app_key=app.app_key,
        app_secret=app.app_secret,
        token_source=token_source(),
        rate_limiter=limiter,
        rate_limits=RateLimitConfig(default=RateLimit(rate=rate, burst=max(1.0, rate))),
        setting_hint=settings.where_to_change("tiktok_api_url"),
    )
    return TikTokShopApi(client)


@cache
def magento_client() -> MagentoClient:
    settings = get_settings()
    credentials = credentials_from_mapping(get_secret_json(settings.require("magento_secret_name")))
    return MagentoClient.from_settings(settings, credentials)


@cache
def alerts() -> SnsAlertPublisher:
    return SnsAlertPublisher(aws.client("sns"), get_settings().require("alerts_topic_arn"))


# ---------- Price and stock sync ----------
@cache
def sync_store() -> DynamoDBSyncStore:
    return DynamoDBSyncStore(aws.dynamodb().Table(get_settings().require("price_stock_sync_table")))


@cache
def catalog_reader() -> MagentoCatalogReader:
    return MagentoCatalogReader(magento_client())


@cache
def stock_sync() -> SyncServices:
    return SyncServices(
        connect=connect_store,
        listings=listing_store,
        shop_settings=shop_settings,
        store=sync_store,
        jobs=job_store,
        reader=catalog_reader,
        magento=magento_client,
        tiktok=lambda: tiktok_api().products,
        intake=event_intake,
        window_seconds=get_settings().stock_sync_window_seconds,
    )
