"""Retries against injected faults: 5xx, 36009003, timeouts, 429 bursts, Retry-After, non-idempotent creates."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.integration.tiktok.support import Connected, connect, tee_product, upload_main_image
from tiktok_sandbox import SandboxConfig, TikTokSandbox
from tts_connector.retry import RetryPolicy
from tts_connector.tiktok.errors import RateLimitedError, TikTokTransientError

pytestmark = pytest.mark.integration


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        time.sleep(seconds)


@pytest.mark.parametrize("kind", ["http_500", "http_503", "internal_error", "rate_limit"])
def test_transient_faults_are_retried_until_success(sandbox: TikTokSandbox, kind: str) -> None:
    sleep = RecordingSleep()
    tts = connect(sandbox, sleep=sleep)
    sandbox.inject_fault(kind, count=2, path_prefix="/logistics/")
    assert tts.api.logistics.warehouses(tts.us)
    assert len(sleep.delays) == 2


def test_timeouts_are_retried(sandbox: TikTokSandbox) -> None:
    sleep = RecordingSleep()
    tts = connect(sandbox, sleep=sleep, timeout=(1.0, 0.3))
    sandbox.inject_fault("timeout", count=1, path_prefix="/logistics/")
    assert tts.api.logistics.warehouses(tts.us)
    assert len(sleep.delays) == 1


def test_persistent_failure_gives_transient_error_after_bounded_attempts(sandbox: TikTokSandbox) -> None:
    sleep = RecordingSleep()
    tts = connect(sandbox, sleep=sleep, retry_policy=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.1))
    sandbox.inject_fault("http_503", count=10, path_prefix="/logistics/")
    with pytest.raises(TikTokTransientError) as raised:
        tts.api.logistics.warehouses(tts.us)
    assert raised.value.attempts == 3
    assert raised.value.retryable
    assert len(sleep.delays) == 2


def test_persistent_throttling_gives_rate_limited_error(sandbox: TikTokSandbox) -> None:
    tts = connect(sandbox, retry_policy=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.1))
    sandbox.inject_fault("rate_limit", count=5, path_prefix="/logistics/")
    with pytest.raises(RateLimitedError) as raised:
        tts.api.logistics.warehouses(tts.us)
    assert raised.value.attempts == 3


@pytest.mark.parametrize(
    "sandbox_overrides", [{"rate_limit_qps": 1, "rate_limit_burst": 1, "rate_limit_retry_after": 0.3}]
)
def test_retry_after_is_honoured(sandbox: TikTokSandbox, sandbox_overrides: dict[str, Any]) -> None:
    sleep = RecordingSleep()
    tts = connect(sandbox, sleep=sleep, retry_policy=RetryPolicy(max_attempts=8, base_delay=0.001, max_delay=2.0))
    tts.api.logistics.warehouses(tts.us)
    tts.api.logistics.warehouses(tts.us)  # second call in the same second is throttled by the sandbox
    assert sleep.delays
    assert all(delay >= 0.3 for delay in sleep.delays)


@pytest.mark.parametrize(
    "sandbox_overrides", [{"rate_limit_qps": 0.01, "rate_limit_burst": 1, "rate_limit_retry_after": 60}]
)
def test_retry_after_longer_than_max_delay_goes_back_to_caller(
    sandbox: TikTokSandbox, sandbox_overrides: dict[str, Any]
) -> None:
    sleep = RecordingSleep()
    tts = connect(sandbox, sleep=sleep)
    tts.api.logistics.warehouses(tts.us)
    with pytest.raises(RateLimitedError) as raised:
        tts.api.logistics.warehouses(tts.us)
    assert raised.value.retry_after == 60
    assert sleep.delays == []


def test_create_without_idempotency_key_is_not_retried_after_a_5xx(sandbox: TikTokSandbox, tts: Connected) -> None:
    product = tee_product(tts)
    sandbox.inject_fault("http_503", count=1, path_prefix="/product/202309/products")
    with pytest.raises(TikTokTransientError) as raised:
        tts.api.products.create(tts.us, product)
    assert raised.value.attempts == 1
    # The single fault was consumed by that one attempt: the next create goes through.
    assert tts.api.products.create(tts.us, product).product_id


def test_create_with_idempotency_key_is_retried_and_created_once(sandbox: TikTokSandbox, tts: Connected) -> None:
    product = tee_product(tts, idempotency_key="4f1c1a52-8a2e-4d7f-9a63-0d7f6f0e5a11")
    sandbox.inject_fault("http_500", count=1, path_prefix="/product/202309/products")
    first = tts.api.products.create(tts.us, product)
    again = tts.api.products.create(tts.us, product)
    assert first.product_id == again.product_id
    assert tts.api.products.search(tts.us).total_count == 1


def test_create_is_retried_after_429(sandbox: TikTokSandbox, tts: Connected) -> None:
    uri = upload_main_image(tts, tts.us)
    sandbox.inject_fault("rate_limit", count=1, path_prefix="/product/202309/products")
    assert tts.api.products.create(tts.us, tee_product(tts, image_uri=uri)).product_id


def test_short_token_lifetime_is_refreshed_on_105002_and_retried() -> None:
    sandbox = TikTokSandbox(SandboxConfig(access_token_ttl=0.5)).start()
    try:
        tts = connect(sandbox)
        first = tts.tokens.access_token(tts.us.shop_id)
        assert tts.api.logistics.warehouses(tts.us)
        time.sleep(0.6)
        assert tts.api.logistics.warehouses(tts.us)
        assert tts.tokens.refresh_count == 1
        assert tts.tokens.access_token(tts.us.shop_id) != first
    finally:
        sandbox.stop()
