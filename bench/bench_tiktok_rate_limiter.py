"""TikTok per-shop rate limiter across concurrent workers: DynamoDB token bucket (moto server) vs the sandbox limit.

N workers, each with its own client and boto3 client (like separate Lambda invocations), call one TikTok API
of one shop as fast as they can. The sandbox throttles per app + shop + API; the shared DynamoDB bucket is set
a little below that limit. Reported: calls, sandbox 429s and their rate, achieved call rate and wall time,
plus the same run without the limiter for comparison.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
from moto.server import ThreadedMotoServer

from tiktok_sandbox import SandboxConfig, TikTokSandbox
from tts_connector.retry import RetryPolicy
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.rate_limit import DynamoDbRateLimiter, RateLimit, RateLimitConfig
from tts_connector.tiktok.tokens import InMemoryTokenSource

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

WORKERS = 8
CALLS_PER_WORKER = 25
SANDBOX_QPS = 40.0
CLIENT_RATE = 32.0  # 80 % of the sandbox limit leaves room for network jitter
CLIENT_BURST = 4.0
TABLE = "tts-rate-limit-bench"


@dataclass
class Measurement:
    calls: int
    throttled: int
    failed: int
    wall_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "http_429": self.throttled,
            "http_429_rate": round(self.throttled / max(1, self.calls + self.throttled), 4),
            "failed_calls": self.failed,
            "calls_per_second": round(self.calls / self.wall_seconds, 1) if self.wall_seconds else None,
            "wall_seconds": round(self.wall_seconds, 2),
        }


@contextmanager
def moto_dynamodb() -> Iterator[str]:
    """A moto server on a free port; yields its endpoint URL."""
    # moto's werkzeug server logs every request at INFO; keep the bench output readable.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def dynamodb_client(endpoint_url: str) -> DynamoDBClient:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def create_rate_limit_table(client: DynamoDBClient, table: str) -> None:
    """The key schema template.yaml must give the table: `bucket_id` (S) hash key, TTL on `expires_at`."""
    client.create_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "bucket_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "bucket_id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )


def run_workers(
    sandbox: TikTokSandbox,
    *,
    workers: int,
    calls_per_worker: int,
    dynamodb_endpoint: str | None,
    table: str = TABLE,
    client_rate: float = CLIENT_RATE,
    client_burst: float = CLIENT_BURST,
) -> Measurement:
    """Run the workers against `sandbox`; without `dynamodb_endpoint` the clients have no limiter."""
    granted = sandbox.issue_tokens()
    seed = sandbox.config.shops[0]
    shop = ShopRef(seed.id, seed.cipher)
    limits = RateLimitConfig(default=RateLimit(rate=client_rate, burst=client_burst))
    apis = []
    for _ in range(workers):
        # Built up front: boto3 client creation is not thread-safe.
        limiter = DynamoDbRateLimiter(table, dynamodb_client(dynamodb_endpoint)) if dynamodb_endpoint else None
        client = TikTokShopClient(
            base_url=sandbox.base_url,
            app_key=sandbox.config.app_key,
            app_secret=sandbox.config.app_secret,
            token_source=InMemoryTokenSource({seed.id: granted["access_token"]}),
            rate_limiter=limiter,
            rate_limits=limits,
            retry_policy=RetryPolicy(max_attempts=8, base_delay=0.05, max_delay=1.0),
        )
        apis.append(TikTokShopApi(client))
    before = sandbox.rate_limit_stats()
    failures: list[Exception] = []
    lock = threading.Lock()

    def work(api: TikTokShopApi) -> None:
        for _ in range(calls_per_worker):
            try:
                api.logistics.warehouses(shop)
            except Exception as exc:  # a bench counts failures instead of stopping
                with lock:
                    failures.append(exc)

    threads = [threading.Thread(target=work, args=(api,)) for api in apis]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    after = sandbox.rate_limit_stats()
    return Measurement(
        calls=workers * calls_per_worker - len(failures),
        throttled=after["throttled"] - before["throttled"],
        failed=len(failures),
        wall_seconds=wall,
    )


def run(smoke: bool = False) -> dict[str, Any]:
    calls = 5 if smoke else CALLS_PER_WORKER
    config = SandboxConfig(rate_limit_qps=SANDBOX_QPS, rate_limit_burst=SANDBOX_QPS)
    result: dict[str, Any] = {
        "workers": WORKERS,
        "calls_per_worker": calls,
        "sandbox_limit_qps": SANDBOX_QPS,
        "client_rate": CLIENT_RATE,
        "client_burst": CLIENT_BURST,
    }
    with moto_dynamodb() as endpoint:
        create_rate_limit_table(dynamodb_client(endpoint), TABLE)
        with TikTokSandbox(config) as sandbox:
            result["with_dynamodb_limiter"] = run_workers(
                sandbox, workers=WORKERS, calls_per_worker=calls, dynamodb_endpoint=endpoint
            ).as_dict()
        with TikTokSandbox(config) as sandbox:
            result["without_limiter"] = run_workers(
                sandbox, workers=WORKERS, calls_per_worker=calls, dynamodb_endpoint=None
            ).as_dict()
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
