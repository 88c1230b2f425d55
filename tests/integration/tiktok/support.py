"""Helpers for the TikTok client <-> sandbox integration tests (sandbox, receiver, product builders)."""

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

from tiktok_sandbox import TikTokSandbox
from tts_connector.retry import RetryPolicy
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.auth import TikTokAuthClient
from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.models.product import ProductInput
from tts_connector.tiktok.tokens import InMemoryTokenSource

US_SHOP_ID = "7494049642642441621"
GB_SHOP_ID = "7000714532876273420"
FAST_RETRY = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.5)


def png_bytes(width: int, height: int) -> bytes:
    """A real (tiny, solid colour) PNG of the given size."""
    row = b"\x00" + b"\xcc\x33\x33" * width
    raw = row * height

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@dataclass
class ReceivedWebhook:
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """A stand-in for the connector's webhook endpoint: records requests; can fail the first N."""

    fail_first: int = 0
    slow_first: int = 0
    slow_seconds: float = 0.0
    received: list[ReceivedWebhook] = field(default_factory=list)
    attempts: int = 0
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        body = request.get_data()
        with self.lock:
            self.attempts += 1
            attempt = self.attempts
        if attempt <= self.slow_first:
            time.sleep(self.slow_seconds)
        with self.lock:
            if attempt <= self.fail_first:
                return Response(status=500)(environ, start_response)
            self.received.append(ReceivedWebhook(dict(request.headers), body))
        return Response(status=200)(environ, start_response)

    def wait_for(self, predicate: Callable[[list[ReceivedWebhook]], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if predicate(list(self.received)):
                    return True
            time.sleep(0.02)
        return False


@dataclass
class Connected:
    """A client wired to the sandbox like the connector will be: token source with a refresh hook."""

    sandbox: TikTokSandbox
    api: TikTokShopApi
    client: TikTokShopClient
    tokens: InMemoryTokenSource
    auth: TikTokAuthClient
    us: ShopRef
    gb: ShopRef
    refresh_token: list[str]


def connect(
    sandbox: TikTokSandbox,
    *,
    app_secret: str | None = None,
    clock: Callable[[], float] = time.time,
    **client_args: Any,
) -> Connected:
    """Authorize the seeded seller and build the client stack against `sandbox` (extra kwargs go to the client)."""
    granted = sandbox.issue_tokens()
    auth = TikTokAuthClient(
        auth_base_url=sandbox.base_url, app_key=sandbox.config.app_key, app_secret=sandbox.config.app_secret
    )
    refresh_token = [str(granted["refresh_token"])]

    def refresher(_key: str) -> str:
        # One grant covers both shops: keep the rotated refresh token, give the new access token to all keys.
        token_set = auth.refresh(refresh_token[0])
        refresh_token[0] = token_set.refresh_token
        for shop_id in (US_SHOP_ID, GB_SHOP_ID):
            tokens.set(shop_id, token_set.access_token)
        return token_set.access_token

    tokens = InMemoryTokenSource(
        {US_SHOP_ID: granted["access_token"], GB_SHOP_ID: granted["access_token"]}, refresher=refresher
    )
    args: dict[str, Any] = {"retry_policy": FAST_RETRY, "timeout": (1.0, 2.0)} | client_args
    client = TikTokShopClient(
        base_url=sandbox.base_url,
        app_key=sandbox.config.app_key,
        app_secret=app_secret or sandbox.config.app_secret,
        token_source=tokens,
        clock=clock,
        **args,
    )
    shops = {s.id: s for s in sandbox.config.shops}
    return Connected(
        sandbox=sandbox,
        api=TikTokShopApi(client),
        client=client,
        tokens=tokens,
        auth=auth,
        us=ShopRef(US_SHOP_ID, shops[US_SHOP_ID].cipher),
        gb=ShopRef(GB_SHOP_ID, shops[GB_SHOP_ID].cipher),
        refresh_token=refresh_token,
    )


US_WAREHOUSE = "7068517275539719942"
GB_WAREHOUSE = "7068517275539719952"
USPS_ID = "7117858858072016686"


def upload_main_image(tts: Connected, shop: ShopRef) -> str:
    return tts.api.catalog.upload_image(shop, png_bytes(320, 320), filename="main.png", content_type="image/png").uri


def tee_product(tts: Connected, *, image_uri: str | None = None, **overrides: Any) -> ProductInput:
    """A valid two-SKU US product in the v2 leaf category Graphic Tees; `overrides` replace top fields."""
    uri = image_uri or upload_main_image(tts, tts.us)
    body: dict[str, Any] = {
        "title": "Sandbox graphic tee",
        "description": "<p>Soft cotton tee</p>",
        "category_id": "900111",
        "category_version": "v2",
        "main_images": [{"uri": uri}],
        "package_weight": {"value": "0.3", "unit": "POUND"},
        "product_attributes": [{"id": "101001", "values": [{"id": "5001"}]}],
        "skus": [
            {
                "seller_sku": "TEE-RED-S",
                "price": {"amount": "19.99", "currency": "USD"},
                "inventory": [{"warehouse_id": US_WAREHOUSE, "quantity": 10}],
                "sales_attributes": [
                    {"id": "100000", "value_id": "1001"},
                    {"id": "100007", "value_id": "2001"},
                ],
                "identifier_code": {"code": "012345678905", "type": "UPC"},
            },
            {
                "seller_sku": "TEE-BLUE-M",
                "price": {"amount": "21.50", "currency": "USD"},
                "inventory": [{"warehouse_id": US_WAREHOUSE, "quantity": 5}],
                "sales_attributes": [
                    {"id": "100000", "value_id": "1002"},
                    {"id": "100007", "value_id": "2002"},
                ],
            },
        ],
    }
    return ProductInput.model_validate(body | overrides)


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def live_skus(tts: Connected) -> dict[str, str]:
    """Create the tee product in the US shop, wait for approval, return seller_sku -> sku_id."""
    created = tts.api.products.create(tts.us, tee_product(tts))
    assert wait_until(lambda: tts.api.products.get(tts.us, created.product_id).status == "ACTIVATE")
    return {str(s.seller_sku): s.id for s in created.skus}
