"""The composition root: production implementations of the layer's interfaces, built from settings.

Handlers call these; tests build the same domain functions with in-memory fakes instead. This is also
where capabilities subscribe to events (`event_registry`): the pipeline receives the registry and never
imports a capability.
"""

from __future__ import annotations

import threading
import time
from functools import cache

import requests
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from tts_connector import aws
from tts_connector.alerts import SnsAlertPublisher
from tts_connector.catalog.images import DynamoDBImageStore, ImageUploader, http_download
from tts_connector.catalog.magento_metadata import MagentoMetadata
from tts_connector.catalog.service import CatalogContext
from tts_connector.catalog.shops import resolve_shop
from tts_connector.catalog.store import DynamoDBCatalogStore
from tts_connector.catalog.tiktok_metadata import TikTokCatalog
from tts_connector.connect import topics as connect_topics
from tts_connector.connect.shop_events import stopped_reason
from tts_connector.connect.store import DynamoDBConnectStore
from tts_connector.connect.token_cipher import KmsTokenCipher
from tts_connector.connect.tokens import StoredTokenSource
from tts_connector.events.activity import EventActivity
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
from tts_connector.product_push import topics as push_topics
from tts_connector.product_push.queue import SqsPushQueue
from tts_connector.product_push.store import DynamoDBPushStore
from tts_connector.product_push.worker import PushServices
from tts_connector.refunds import topics as refund_topics
from tts_connector.refunds.settle import RefundServices
from tts_connector.refunds.store import DynamoDBRefundStore
from tts_connector.secrets import get_secret_json
from tts_connector.settings import get_settings
from tts_connector.shop_settings import DynamoDBShopSettingsStore
from tts_connector.stock_sync import topics as stock_sync_topics
from tts_connector.stock_sync.magento_reads import MagentoCatalogReader
from tts_connector.stock_sync.services import SyncServices
from tts_connector.stock_sync.store import DynamoDBSyncStore
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.auth import TikTokAuthClient
from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.credentials import AppCredentials, load_tiktok_app_credentials
from tts_connector.tiktok.models.catalog import UploadedImage
from tts_connector.tiktok.rate_limit import (
    AdaptiveRateLimiter,
    RateLimit,
    RateLimitConfig,
    adaptive_dynamodb_rate_limiter,
)
from tts_connector.tiktok.tokens import CachedTokenSource, TokenSource


# ---------- Capabilities: who handles which event ----------
@cache
def event_registry() -> EventRegistry:
    registry = EventRegistry()
    connect_topics.register(registry, store=connect_store, alerts=alerts)
    push_topics.register(registry, listings=listing_store, store=push_store, connect=connect_store, tiktok=tiktok_api)
    order_topics.register(registry, services=order_services, store=order_store, enqueue=lambda: event_intake().accept)
    stock_sync_topics.register(registry, services=stock_sync())
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


@cache
def event_activity() -> EventActivity:
    """Recent events newest first, for the console's Activity and Overview screens."""
    return EventActivity(aws.dynamodb().Table(get_settings().require("events_table")))


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
def tiktok_rate_limiter() -> AdaptiveRateLimiter:
    """One per process: its copy of the shared rate is reused by every client and thread."""
    return adaptive_dynamodb_rate_limiter(get_settings(), aws.client("dynamodb"))


def new_tiktok_api(tokens: TokenSource | None = None) -> TikTokShopApi:
    """A TikTok client with its own HTTP session, sharing the process's limiter (and `tokens`)."""
    settings = get_settings()
    app = tiktok_app()
    rate = settings.tiktok_rate_per_second
    client = TikTokShopClient(
        base_url=str(settings.tiktok_api_url),
        app_key=app.app_key,
        app_secret=app.app_secret,
        token_source=tokens or token_source(),
        rate_limiter=tiktok_rate_limiter(),
        rate_limits=RateLimitConfig(default=RateLimit(rate=rate, burst=max(1.0, rate))),
        setting_hint=settings.where_to_change("tiktok_api_url"),
    )
    return TikTokShopApi(client)


@cache
def tiktok_api() -> TikTokShopApi:
    return new_tiktok_api()


@cache
def magento_client() -> MagentoClient:
    settings = get_settings()
    credentials = credentials_from_mapping(get_secret_json(settings.require("magento_secret_name")))
    return MagentoClient.from_settings(settings, credentials)


@cache
def alerts() -> SnsAlertPublisher:
    return SnsAlertPublisher(aws.client("sns"), get_settings().require("alerts_topic_arn"))


# ---------- Catalog mapping and product push ----------
@cache
def catalog_store() -> DynamoDBCatalogStore:
    return DynamoDBCatalogStore(aws.dynamodb().Table(get_settings().require("mappings_table")))


@cache
def push_store() -> DynamoDBPushStore:
    return DynamoDBPushStore(aws.dynamodb().Table(get_settings().require("mappings_table")))


@cache
def image_store() -> DynamoDBImageStore:
    return DynamoDBImageStore(aws.dynamodb().Table(get_settings().require("mappings_table")))


@cache
def push_queue() -> SqsPushQueue:
    settings = get_settings()
    return SqsPushQueue(aws.sqs(), settings.require("product_push_queue_url"), settings.product_write_back_queue_url)


@cache
def cached_token_source() -> CachedTokenSource:
    # Pushes call TikTok thousands of times a minute: reading and decrypting the stored pair for each call
    # would cost two reads and two KMS decrypts per call.
    return CachedTokenSource(token_source())


def image_uploader(api: TikTokShopApi, session: requests.Session) -> ImageUploader:
    def upload(shop: ShopRef, content: bytes, name: str, content_type: str, use_case: str) -> UploadedImage:
        return api.catalog.upload_image(shop, content, filename=name, content_type=content_type, use_case=use_case)

    return ImageUploader(image_store(), upload, http_download(session))


def catalog_context(shop_id: str | None) -> CatalogContext:
    shop = resolve_shop(connect_store(), shop_id)
    setup = connect_store().get_magento_setup() or {}
    api = tiktok_api()
    client = magento_client()
    return CatalogContext(
        shop=shop,
        tiktok=TikTokCatalog(api.catalog, catalog_store(), ShopRef(shop.shop_id, shop.cipher), shop.region),
        # A scope of its own: an admin request sees Magento as it is now (pushes cache per job instead).
        magento=MagentoMetadata(client, scope=str(time.time())),
        magento_client=client,
        store=catalog_store(),
        settings=shop_settings(),
        attribute_sets=[int(i) for i in setup.get("attribute_sets") or []],
        images=image_uploader(api, requests.Session()),
    )


_push_threads = threading.local()


def product_push_services() -> PushServices:
    """The calling thread's services: HTTP clients of its own, stores and limiter shared by the process."""
    services: PushServices | None = getattr(_push_threads, "services", None)
    if services is None:
        settings = get_settings()
        api = new_tiktok_api(cached_token_source())
        magento = MagentoClient.from_settings(
            settings, credentials_from_mapping(get_secret_json(settings.require("magento_secret_name")))
        )
        queue_url = settings.require("product_push_queue_url")

        def delay(receipt_handle: str, seconds: int) -> None:
            aws.sqs().change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
            )

        services = PushServices(
            jobs=job_store(),
            listings=listing_store(),
            store=push_store(),
            catalog_store=catalog_store(),
            settings=shop_settings(),
            connect=connect_store(),
            queue=push_queue(),
            alerts=alerts(),
            tiktok=api,
            magento=magento,
            images=image_uploader(api, requests.Session()),
            max_attempts=settings.product_push_max_attempts,
            retry_base_seconds=settings.product_push_retry_base_seconds,
            delay_message=delay,
        )
        _push_threads.services = services
    return services


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


# ---------- Price and stock sync ----------
@cache
def sync_store() -> DynamoDBSyncStore:
    return DynamoDBSyncStore(aws.dynamodb().Table(get_settings().require("price_stock_sync_table")))


@cache
def catalog_reader() -> MagentoCatalogReader:
    return MagentoCatalogReader(magento_client())


@cache
def sync_tiktok_api() -> TikTokShopApi:
    # A flush or reconciliation page sends one or two calls per product; the token is read once a minute, not
    # per call. A shop disconnected meanwhile is refused by `SyncServices.target` before any call.
    return new_tiktok_api(cached_token_source())


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
        tiktok=lambda: sync_tiktok_api().products,
        intake=event_intake,
        window_seconds=get_settings().stock_sync_window_seconds,
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
