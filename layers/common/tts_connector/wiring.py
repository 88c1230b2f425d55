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
from tts_connector.order_import import topics as order_topics
from tts_connector.order_import.converge import OrderServices
from tts_connector.order_import.store import DynamoDBOrderStore
from tts_connector.refunds import topics as refund_topics
from tts_connector.refunds.settle import RefundServices
from tts_connector.refunds.store import DynamoDBRefundStore
from tts_connector.secrets import get_secret_json
from tts_connector.settings import get_settings
from tts_connector.shop_settings import DynamoDBShopSettingsStore
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.auth import TikTokAuthClient
from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.credentials import AppCredentials, load_tiktok_app_credentials
from tts_connector.tiktok.rate_limit import DynamoDbRateLimiter, RateLimit, RateLimitConfig


# ---------- Capabilities: who handles which event ----------
@cache
def event_registry() -> EventRegistry:
    registry = EventRegistry()
    connect_topics.register(registry, store=connect_store, alerts=alerts)
    order_topics.register(registry, services=order_services, store=order_store, enqueue=lambda: event_intake().accept)
    refund_topics.register(registry, services=refund_services, enqueue=lambda: event_intake().accept)
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


# ---------- Order import ----------
@cache
def order_store() -> DynamoDBOrderStore:
    return DynamoDBOrderStore(aws.dynamodb().Table(get_settings().require("orders_table")))


def served_shop(shop_id: str) -> ShopRef | str:
    """The shop to call TikTok for, or why the connector does not work for it."""
    shop = connect_store().get_shop(shop_id)
    if shop is None:
        return f"Shop {shop_id} is not known here"
    if not shop.selected:
        return f"Shop {shop_id} is not served by the connector (`ttsc shops select {shop_id}`)"
    return ShopRef(shop.shop_id, shop.cipher)


@cache
def order_services() -> OrderServices:
    return OrderServices(
        store=order_store(),
        tiktok=tiktok_api(),
        magento=magento_client(),
        listings=listing_store(),
        shop_settings=shop_settings(),
        shop=served_shop,
        alerts=alerts(),
        settle_seconds=get_settings().order_placement_settle_seconds,
    )


# ---------- Refunds ----------
@cache
def refund_store() -> DynamoDBRefundStore:
    return DynamoDBRefundStore(aws.dynamodb().Table(get_settings().require("orders_table")))


@cache
def refund_services() -> RefundServices:
    return RefundServices(
        store=refund_store(),
        orders=order_store(),
        tiktok=tiktok_api(),
        magento=magento_client(),
        shop_settings=shop_settings(),
        shop=served_shop,
        alerts=alerts(),
        settle_seconds=get_settings().refund_settle_seconds,
    )
