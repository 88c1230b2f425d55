"""Product push's create path at TikTok's rate limit, without the local stack's emulated AWS in the way.

bench_product_push measures a whole job through the local stack, where moto (about 45 DynamoDB and SQS calls
per product) caps it far below TikTok's limit. This one asks whether the push code itself keeps up: the
layer's ProductBuilder, ImageUploader, ProductPusher and TikTok client with its adaptive rate limiter, run
at production's concurrency (5 ProductPushFunction workers x 10 threads = 50 products at once), against
the same TikTok sandbox (its own process, 50 QPS per shop and API, 50 ms latency) over HTTP and the same
generated Magento catalogue (its own process). The stores behind the pusher are in memory; products are
read from Magento with the layer's MagentoReader before the clock starts, as the planner does before it
queues them. `note` in the result says what is in and out of the measurement.

Reported (beside bench_product_push's keys of the same names):
  create_calls_per_second   products created per second between the first and the last create
  create_calls              Create Product calls the sandbox served (each product exactly once)
  client_create_rate_*      the adaptive limiter's rate for Create Product: where it starts and ends
  magento_rest_calls_during_push  Magento REST calls in the timed section (the contexts' metadata reads)
  bench_cpu_share           CPU seconds of this process / wall seconds of the push (2 cores: 2.0 at most)
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import requests

from bench.bench_product_push import LATENCY, PRODUCTS, QPS, WORKERS, _json, _sandbox, generate_catalogue
from local_stack.sandboxes import magento_endpoint, tiktok_endpoint
from local_stack.stack import free_port
from magento_sandbox.config import SandboxConfig as MagentoDefaults
from tests.integration.product_push.support import GRAPHIC_TEES, MATERIAL_APPAREL, US_SHOP, US_WAREHOUSE
from tests.unit.common_fakes import InMemoryShopSettingsStore
from tests.unit.connect.fakes import InMemoryConnectStore
from tests.unit.console.catalog_fakes import InMemoryCatalogStore
from tests.unit.listings.fakes import InMemoryListingStore
from tiktok_sandbox.config import SandboxConfig as TikTokDefaults
from tts_connector.catalog import service
from tts_connector.catalog.images import ImageUploader, StoredImage, http_download
from tts_connector.catalog.magento_metadata import MagentoMetadata
from tts_connector.catalog.service import AttributeMapRequest, CatalogContext, ProductFieldsRequest
from tts_connector.catalog.tiktok_metadata import TikTokCatalog
from tts_connector.connect.admin import ShopSelection, run_magento_setup, select_shop
from tts_connector.connect.records import Shop
from tts_connector.errors import ConnectorError
from tts_connector.jobs.records import ItemFailure
from tts_connector.magento.client import MagentoClient
from tts_connector.magento.credentials import credentials_from_mapping
from tts_connector.observability import logger
from tts_connector.product_push.context import forget_contexts, shop_context
from tts_connector.product_push.failures import failure_for
from tts_connector.product_push.magento_reader import MagentoReader
from tts_connector.product_push.pusher import ProductPusher
from tts_connector.product_push.records import PushSelection, WriteBackState
from tts_connector.product_push.snapshot import ProductSnapshot
from tts_connector.product_push.store import PushIntent, SeenAudit
from tts_connector.settings import Settings, load_settings
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef, TikTokShopClient, api_name
from tts_connector.tiktok.models.catalog import UploadedImage
from tts_connector.tiktok.products import PRODUCTS_PATH
from tts_connector.tiktok.rate_limit import (
    AdaptivePolicy,
    AdaptiveRateLimiter,
    InMemoryRateLimiter,
    InMemoryRateStateStore,
    RateLimit,
    RateLimitConfig,
    bucket_id,
    rate_ceiling,
)
from tts_connector.tiktok.tokens import InMemoryTokenSource

RESULT_NAME = "product_push_create_path"
REQUIRED_KEYS = (
    "products",
    "succeeded",
    "failed",
    "concurrency",
    "wall_seconds",
    "create_calls",
    "create_calls_per_second",
    "qps_ceiling",
    "create_rate_vs_ceiling",
    "http_429_rate",
    "tiktok_calls_per_product",
    "image_uploads",
    "unique_images",
    "note",
)
# worker.py's pool: each ProductPushFunction worker pushes its batch of ten products in ten threads.
THREADS_PER_WORKER = 10
SMOKE_PRODUCTS = 40
SMOKE_CONCURRENCY = 8

NOTE = (
    "Timed: from the first product taken to the last one done. In it: shop_context per product (each thread "
    "loads its context once, as a warm worker does per job), ProductBuilder, image checks (each image "
    "downloaded once per process from the Magento sandbox's media over HTTP), ImageUploader (one upload per "
    "unique image, its lease in memory), Create Product through the layer's TikTok client (signing, its own "
    "retries of 429s) with one AdaptiveRateLimiter at production's start rate and policy, and ProductPusher's "
    "intent and listing writes. Image uploads have a 50 QPS bucket of their own, but a product's new images "
    "are uploaded before its create, so while most images are new they hold creates back. Out: reading "
    "Magento (MagentoReader, pages of 100, before the clock, as the planner does before queueing), DynamoDB "
    "and SQS (stores in memory; no job store, queue or write-back), audits (left pending). Unlike "
    "production: one process (all threads under one GIL, see bench_cpu_share) instead of 5 workers; the "
    "limiter's windows and rate are shared in memory, not through DynamoDB (no UpdateItem per call), and "
    "its in-memory windows let a bucket's first `rate` calls through at once where DynamoDbRateLimiter "
    "spaces them over its 1 s window; threads take the next product at once instead of waiting for their "
    "batch of 10; a retryable failure is pushed again at once instead of after the queue's backoff."
)


class _PushStore:
    """DynamoDBPushStore's rules in memory, under a lock: fifty threads begin creates at once, and each needs
    a UUIDv4 idempotency key of its own (the unit tests' fake numbers keys, which two threads could share)."""

    def __init__(self) -> None:
        self._intents: dict[tuple[str, str], PushIntent] = {}
        self._audits: dict[tuple[str, str], SeenAudit] = {}
        self._write_backs: dict[tuple[str, str], WriteBackState] = {}
        self._lock = threading.Lock()

    def begin_create(self, shop_id: str, sku: str, job_id: str) -> PushIntent:
        with self._lock:
            found = self._intents.get((shop_id, sku))
            if found is not None:
                return replace(found, fresh=False)
            intent = PushIntent(shop_id, sku, str(uuid.uuid4()), job_id, int(time.time()))
            self._intents[(shop_id, sku)] = intent
            return intent

    def created(self, intent: PushIntent, product_id: str, skus: list[dict[str, Any]]) -> None:
        with self._lock:
            self._intents[(intent.shop_id, intent.sku)] = replace(intent, product_id=product_id, skus=skus)

    def finish_create(self, shop_id: str, sku: str) -> None:
        with self._lock:
            self._intents.pop((shop_id, sku), None)

    def remember_audit(self, shop_id: str, product_id: str, audit: SeenAudit) -> None:
        with self._lock:
            self._audits[(shop_id, product_id)] = audit

    def take_audit(self, shop_id: str, product_id: str) -> SeenAudit | None:
        with self._lock:
            return self._audits.pop((shop_id, product_id), None)

    def save_write_back(self, state: WriteBackState) -> None:
        with self._lock:
            self._write_backs[(state.shop_id, state.sku)] = state

    def write_back(self, shop_id: str, sku: str) -> WriteBackState | None:
        with self._lock:
            return self._write_backs.get((shop_id, sku))


class _ImageStore:
    """DynamoDBImageStore's lease in memory: one thread uploads a new image, the others meeting it wait."""

    def __init__(self) -> None:
        self._ready: dict[tuple[str, str], StoredImage] = {}
        self._leases: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        # When each new image became known: splits the run into the phase with uploads and the one without.
        self.saved_at: list[float] = []

    def get(self, shop_id: str, key: str) -> StoredImage | None:
        with self._lock:
            return self._ready.get((shop_id, key))

    def claim(self, shop_id: str, key: str, now: float, lease: float) -> bool:
        with self._lock:
            if (shop_id, key) in self._ready or self._leases.get((shop_id, key), 0.0) >= now:
                return False
            self._leases[(shop_id, key)] = now + lease
            return True

    def save(self, shop_id: str, key: str, image: StoredImage) -> None:
        with self._lock:
            self._ready[(shop_id, key)] = image
            self._leases.pop((shop_id, key), None)
            self.saved_at.append(time.time())


@dataclass
class _Connector:
    """What ProductPushFunction's threads share (wiring.product_push_services): settings, stores, limiter."""

    settings: Settings
    app: dict[str, str]
    magento_credentials: dict[str, str]
    tokens: InMemoryTokenSource
    limiter: AdaptiveRateLimiter
    connect: InMemoryConnectStore
    shop_settings: InMemoryShopSettingsStore
    catalog: InMemoryCatalogStore
    listings: InMemoryListingStore
    pushes: _PushStore
    images: _ImageStore

    def tiktok_api(self) -> TikTokShopApi:
        """wiring.new_tiktok_api over the bench's tokens: an HTTP session of its own, the shared limiter."""
        rate = self.settings.tiktok_rate_per_second
        client = TikTokShopClient(
            base_url=str(self.settings.tiktok_api_url),
            app_key=self.app["app_key"],
            app_secret=self.app["app_secret"],
            token_source=self.tokens,
            rate_limiter=self.limiter,
            rate_limits=RateLimitConfig(default=RateLimit(rate=rate, burst=max(1.0, rate))),
            setting_hint=self.settings.where_to_change("tiktok_api_url"),
        )
        return TikTokShopApi(client)

    def magento_client(self) -> MagentoClient:
        return MagentoClient.from_settings(self.settings, credentials_from_mapping(self.magento_credentials))

    def image_uploader(self, api: TikTokShopApi) -> ImageUploader:
        """wiring.image_uploader over the in-memory image store."""

        def upload(shop: ShopRef, content: bytes, name: str, content_type: str, use_case: str) -> UploadedImage:
            return api.catalog.upload_image(shop, content, filename=name, content_type=content_type, use_case=use_case)

        return ImageUploader(self.images, upload, http_download(requests.Session()))

    def create_limit(self, shop_id: str) -> tuple[str, RateLimit]:
        """Create Product's bucket and configured limit, as the client computes them."""
        bucket = bucket_id(self.app["app_key"], shop_id, api_name("POST", PRODUCTS_PATH))
        rate = self.settings.tiktok_rate_per_second
        return bucket, RateLimit(rate=rate, burst=max(1.0, rate))


def _connector(tiktok: str, magento: str) -> _Connector:
    # The environment still counts (TIKTOK_RATE_PER_SECOND and the ceiling), as in a deployed function.
    settings = load_settings({**os.environ, "TIKTOK_API_URL": tiktok, "MAGENTO_BASE_URL": magento})
    return _Connector(
        settings=settings,
        app=tiktok_endpoint(tiktok, TikTokDefaults()).credentials,
        magento_credentials=magento_endpoint(magento, MagentoDefaults()).credentials,
        tokens=InMemoryTokenSource(),
        # wiring.tiktok_rate_limiter's limiter and policy, its windows and rate kept in memory.
        limiter=AdaptiveRateLimiter(
            InMemoryRateLimiter(), InMemoryRateStateStore(), AdaptivePolicy(rate_ceiling(settings))
        ),
        connect=InMemoryConnectStore(),
        shop_settings=InMemoryShopSettingsStore(),
        catalog=InMemoryCatalogStore(),
        listings=InMemoryListingStore(),
        pushes=_PushStore(),
        images=_ImageStore(),
    )


def _fresh_process() -> None:
    """A cold worker's caches: an earlier run in this process talked to another sandbox, whose image uris
    this one does not know (and the uploads would not be counted)."""
    ImageUploader._seen.clear()
    ImageUploader._uris.clear()
    TikTokCatalog._process_cache.clear()
    forget_contexts()


def _connect_shop(connector: _Connector, tiktok: str, api: TikTokShopApi) -> Shop:
    """The seller's authorization as complete_authorization stores it (the sandbox's shortcut grant instead
    of the browser's round trip), then the US shop served from its warehouse, as `ttsc shops select` does."""
    granted = _json("POST", f"{tiktok}/_sandbox/tokens", {})
    seller = f"seller:{granted['open_id']}"
    connector.tokens.set(seller, granted["access_token"])
    for found in api.shops.authorized_shops(seller):
        connector.tokens.set(found.id, granted["access_token"])
        connector.connect.upsert_authorized_shop(
            Shop(
                shop_id=found.id,
                open_id=str(granted["open_id"]),
                name=found.name,
                region=found.region,
                cipher=found.cipher,
                seller_type=found.seller_type,
                code=found.code,
            )
        )
    selection = ShopSelection(selected=True, warehouse_id=US_WAREHOUSE)
    select_shop(connector.connect, US_SHOP, selection, api.logistics.warehouses)
    shop = connector.connect.get_shop(US_SHOP)
    assert shop is not None
    return shop


def _map(connector: _Connector, shop: Shop, api: TikTokShopApi, magento: MagentoClient, category: int) -> None:
    """bench_product_push's mappings, through the catalog service the admin API calls (checked against
    TikTok's metadata)."""
    setup = connector.connect.get_magento_setup() or {}
    ctx = CatalogContext(
        shop=shop,
        tiktok=TikTokCatalog(api.catalog, connector.catalog, ShopRef(shop.shop_id, shop.cipher), shop.region),
        magento=MagentoMetadata(magento, scope=str(time.time())),
        magento_client=magento,
        store=connector.catalog,
        settings=connector.shop_settings,
        attribute_sets=[int(i) for i in setup.get("attribute_sets") or []],
    )
    service.map_category(ctx, category, GRAPHIC_TEES)
    service.map_attribute(ctx, AttributeMapRequest(tiktok_attribute_id=MATERIAL_APPAREL, fixed_value_name="Cotton"))
    service.set_product_fields(
        ctx,
        ProductFieldsRequest(
            brand_attribute="brand",
            package_length_attribute="package_length",
            package_width_attribute="package_width",
            package_height_attribute="package_height",
            identifier_attribute="ean",
            identifier_type="EAN",
        ),
    )


def _read(magento: MagentoClient, category: int, generation: str) -> list[ProductSnapshot]:
    """The job's products as the planner reads them: the category's tree once, then pages of 100."""
    selection = PushSelection(category_id=category)
    tree = MagentoMetadata(magento, generation).categories()
    reader = MagentoReader(magento)
    products: list[ProductSnapshot] = []
    cursor: str | None = None
    while True:
        page = reader.page(selection, cursor, tree)
        products += page.products
        if page.next_cursor is None:
            return products
        cursor = page.next_cursor


@dataclass
class _Clients:
    tiktok: TikTokShopApi
    magento: MagentoClient
    images: ImageUploader


@dataclass
class _Outcome:
    succeeded: int = 0
    created_at: list[float] = field(default_factory=list)
    failures: list[ItemFailure] = field(default_factory=list)
    retried: int = 0


def _push_all(
    connector: _Connector, shop: Shop, products: list[ProductSnapshot], job_id: str, planned_at: float, concurrency: int
) -> _Outcome:
    """Each product pushed once by whichever of `concurrency` threads is free, as process_product does."""
    # The worker's context generation: one job, planned once.
    generation = f"{job_id}@{planned_at}"
    max_attempts = connector.settings.product_push_max_attempts
    pending: queue.Queue[tuple[ProductSnapshot, int]] = queue.Queue()
    for snapshot in products:
        pending.put((snapshot, 1))
    local = threading.local()
    lock = threading.Lock()
    outcome = _Outcome()

    def clients() -> _Clients:
        # Per thread, like wiring.product_push_services: HTTP sessions are not shared between threads.
        own: _Clients | None = getattr(local, "clients", None)
        if own is None:
            api = connector.tiktok_api()
            own = _Clients(api, connector.magento_client(), connector.image_uploader(api))
            local.clients = own
        return own

    def push(snapshot: ProductSnapshot) -> bool:
        own = clients()
        ctx = shop_context(
            shop.shop_id,
            US_WAREHOUSE,
            generation=generation,
            connect=connector.connect,
            settings=connector.shop_settings,
            catalog_store=connector.catalog,
            tiktok_catalog=own.tiktok.catalog,
            magento=own.magento,
        )
        pusher = ProductPusher(ctx, own.tiktok.products, own.images, connector.listings, connector.pushes)
        result = pusher.push(snapshot, job_id)
        if result.created:
            pusher.finish(snapshot.sku)
        return result.created

    def work() -> None:
        while True:
            try:
                snapshot, attempt = pending.get_nowait()
            except queue.Empty:
                return
            try:
                created = push(snapshot)
            except Exception as exc:  # recorded as the worker records it, so one product cannot stop the run
                # The worker's rule: a preflight or TikTok refusal is final, anything else is tried again.
                again = exc.retryable if isinstance(exc, ConnectorError) else True
                with lock:
                    if again and attempt < max_attempts:
                        outcome.retried += 1
                        pending.put((snapshot, attempt + 1))
                    else:
                        outcome.failures.append(failure_for(exc, snapshot.sku, attempts=attempt))
                continue
            with lock:
                outcome.succeeded += 1
                if created:
                    outcome.created_at.append(time.time())

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="push") as pool:
        for future in [pool.submit(work) for _ in range(concurrency)]:
            future.result()
    return outcome


@contextmanager
def _layer_logs_discarded() -> Iterator[None]:
    """The layer's log lines are still formatted and written (a worker pays for them too), but to /dev/null
    rather than over the bench's own output: thousands of lines at INFO."""
    handler = logger.registered_handler
    if not isinstance(handler, logging.StreamHandler):
        yield
        return
    with open(os.devnull, "w") as sink:
        previous = handler.setStream(sink)
        try:
            yield
        finally:
            if previous is not None:
                handler.setStream(previous)


def _measure(
    connector: _Connector, tiktok: str, magento: str, count: int, push: Callable[[], _Outcome]
) -> dict[str, Any]:
    calls_before = _json("GET", f"{tiktok}/_sandbox/route-calls")
    limits_before = _json("GET", f"{tiktok}/_sandbox/rate-limit")
    magento_before = len(_json("GET", f"{magento}/_sandbox/requests"))
    cpu_before = time.process_time()
    began = time.perf_counter()
    with _layer_logs_discarded():
        outcome = push()
    wall = time.perf_counter() - began
    cpu = time.process_time() - cpu_before
    calls = _json("GET", f"{tiktok}/_sandbox/route-calls")
    limits = _json("GET", f"{tiktok}/_sandbox/rate-limit")
    # The sandbox logs REST calls, not media downloads: these are the contexts' metadata reads.
    magento_seen = len(_json("GET", f"{magento}/_sandbox/requests")) - magento_before

    def delta(route: str) -> int:
        return int(calls.get(route, 0)) - int(calls_before.get(route, 0))

    throttled = limits["throttled"] - limits_before["throttled"]
    allowed = limits["allowed"] - limits_before["allowed"]
    created = sorted(outcome.created_at)
    span = (created[-1] - created[0]) if len(created) > 1 else 0.0
    create_rate = (len(created) - 1) / span if span > 0 else 0.0
    bucket, limit = connector.create_limit(US_SHOP)
    # A product's new images go to TikTok before its create, and uploads have a 50 QPS bucket of their own:
    # while most images are still new, uploads pace the creates. Reported apart, never instead of the whole span.
    last_upload = max(connector.images.saved_at, default=created[0] if created else 0.0)
    after = [t for t in created if t > last_upload]
    after_span = (after[-1] - last_upload) if after else 0.0
    during = [t for t in created if t <= last_upload]
    during_span = (last_upload - created[0]) if during and created else 0.0
    return {
        "products": count,
        "succeeded": outcome.succeeded,
        "failed": len(outcome.failures),
        "wall_seconds": round(wall, 1),
        "create_calls": delta("product_create"),
        "create_calls_per_second": round(create_rate, 1),
        "qps_ceiling": QPS,
        "create_rate_vs_ceiling": round(create_rate / QPS, 3),
        "creates_while_uploading": len(during),
        "create_calls_per_second_while_uploading": round(len(during) / during_span, 1) if during_span > 0 else 0.0,
        "creates_once_images_known": len(after),
        "create_calls_per_second_once_images_known": round(len(after) / after_span, 1) if after_span > 0 else 0.0,
        "http_429_rate": round(throttled / max(1, allowed + throttled), 4),
        "http_429": throttled,
        "tiktok_calls_per_product": round((sum(calls.values()) - sum(calls_before.values())) / max(1, count), 2),
        "image_uploads": delta("image_upload"),
        "tiktok_calls_by_route": {route: delta(route) for route in sorted(calls) if delta(route)},
        "magento_rest_calls_during_push": magento_seen,
        "client_create_rate_start": limit.rate,
        "client_create_rate_end": round(connector.limiter.current(bucket, limit).rate, 2),
        "client_rate_ceiling": rate_ceiling(connector.settings),
        "retried": outcome.retried,
        "failures": dict(Counter(f.code for f in outcome.failures)),
        "failure_samples": [f.message for f in outcome.failures[:3]],
        "bench_cpu_share": round(cpu / wall, 2) if wall > 0 else 0.0,
    }


def run(smoke: bool = False) -> dict[str, Any]:
    count = SMOKE_PRODUCTS if smoke else PRODUCTS
    concurrency = SMOKE_CONCURRENCY if smoke else WORKERS * THREADS_PER_WORKER
    tiktok_args = ["--rate-limit-qps", str(QPS), "--manual-audits"]
    _fresh_process()
    with (
        _sandbox("tiktok_sandbox", free_port(), "/_sandbox/route-calls", *tiktok_args) as tiktok,
        _sandbox("magento_sandbox", free_port(), "/_sandbox/health") as magento,
    ):
        connector = _connector(tiktok, magento)
        api = connector.tiktok_api()
        magento_client = connector.magento_client()
        run_magento_setup(connector.connect, magento_client)
        shop = _connect_shop(connector, tiktok, api)
        made = generate_catalogue(magento, count)
        _map(connector, shop, api, magento_client, made["parent_category"])
        job_id, planned_at = f"bench-{uuid.uuid4().hex[:8]}", time.time()
        products = _read(magento_client, made["parent_category"], f"{job_id}@{planned_at}")
        _json("POST", f"{tiktok}/_sandbox/latency", {"seconds": LATENCY})
        result = _measure(
            connector,
            tiktok,
            magento,
            len(products),
            lambda: _push_all(connector, shop, products, job_id, planned_at, concurrency),
        )
    return {
        **result,
        "concurrency": concurrency,
        "unique_images": made["unique_images"],
        "note": NOTE,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
