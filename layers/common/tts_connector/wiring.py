"""Builds the production implementations of the layer's interfaces from settings.

Handlers call these; tests build the same domain functions with in-memory fakes instead.
"""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from tts_connector import aws
from tts_connector.alerts import SnsAlertPublisher
from tts_connector.connect.store import DynamoDBConnectStore
from tts_connector.connect.token_cipher import KmsTokenCipher
from tts_connector.connect.tokens import StoredTokenSource
from tts_connector.credentials import load_tiktok_app_credentials
from tts_connector.events.intake import AppCredentials
from tts_connector.events.queue import SqsFifoEventPublisher
from tts_connector.events.store import DynamoDBEventStore
from tts_connector.magento.client import MagentoClient
from tts_connector.magento.credentials import credentials_from_mapping
from tts_connector.secrets import get_secret_json
from tts_connector.settings import get_settings
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.auth import TikTokAuthClient
from tts_connector.tiktok.client import TikTokShopClient
from tts_connector.tiktok.rate_limit import DynamoDbRateLimiter, RateLimit, RateLimitConfig


@cache
def event_store() -> DynamoDBEventStore:
    return DynamoDBEventStore(aws.dynamodb().Table(get_settings().require("events_table")))


@cache
def event_publisher() -> SqsFifoEventPublisher:
    return SqsFifoEventPublisher(aws.sqs(), get_settings().require("tiktok_events_queue_url"))


@cache
def idempotency_store() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=get_settings().require("idempotency_table"))


# ---------- Connect: TikTok clients over stored tokens ----------
@cache
def tiktok_app() -> AppCredentials:
    return load_tiktok_app_credentials(get_settings())


@cache
def connect_store() -> DynamoDBConnectStore:
    settings = get_settings()
    cipher = KmsTokenCipher(aws.client("kms"), settings.require("kms_key_id"))
    return DynamoDBConnectStore(aws.dynamodb().Table(settings.require("tokens_table")), cipher)


@cache
def tiktok_auth_client() -> TikTokAuthClient:
    app = tiktok_app()
    return TikTokAuthClient(
        auth_base_url=str(get_settings().tiktok_auth_url), app_key=app.app_key, app_secret=app.app_secret
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
