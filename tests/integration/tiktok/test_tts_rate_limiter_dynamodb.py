"""The DynamoDB rate limiter (against moto server) keeps concurrent workers under the sandbox's limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from samcli.yamlhelper import yaml_parse

from bench.bench_tiktok_rate_limiter import dynamodb_client, moto_dynamodb, run_workers
from tiktok_sandbox import SandboxConfig, TikTokSandbox
from tts_connector.tiktok.rate_limit import DynamoDbRateLimiter, RateLimit

pytestmark = pytest.mark.integration

TABLE = "tts-rate-limit-test"
TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"


def _template_table() -> dict[str, Any]:
    properties: dict[str, Any] = yaml_parse(TEMPLATE.read_text())["Resources"]["RateLimitTable"]["Properties"]
    return properties


def test_template_table_has_the_schema_the_limiter_uses() -> None:
    properties = _template_table()
    assert properties["KeySchema"] == [{"AttributeName": "bucket_id", "KeyType": "HASH"}]
    assert properties["AttributeDefinitions"] == [{"AttributeName": "bucket_id", "AttributeType": "S"}]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


@pytest.fixture(scope="module")
def dynamodb_endpoint() -> Iterator[str]:
    with moto_dynamodb() as endpoint:
        client = dynamodb_client(endpoint)
        properties = _template_table()
        # Created from template.yaml's own definition so the test cannot drift from what is deployed.
        client.create_table(
            TableName=TABLE,
            AttributeDefinitions=properties["AttributeDefinitions"],
            KeySchema=properties["KeySchema"],
            BillingMode=properties["BillingMode"],
        )
        client.update_time_to_live(TableName=TABLE, TimeToLiveSpecification=properties["TimeToLiveSpecification"])
        yield endpoint


def test_slots_are_spaced_by_rate_and_windows_hold_at_most_burst(dynamodb_endpoint: str) -> None:
    now = [1_000_000.0]
    limiter = DynamoDbRateLimiter(TABLE, dynamodb_client(dynamodb_endpoint), clock=lambda: now[0])
    limit = RateLimit(rate=4.0, burst=4)  # windows of 1 s holding 4 calls, 0.25 s apart
    delays = [limiter.reserve("app#shop#slots", limit, max_wait=10) for _ in range(6)]
    assert delays == pytest.approx([0.0, 0.25, 0.5, 0.75, 1.0, 1.25])
    assert limiter.reserve("app#shop#slots", limit, max_wait=0.1) is None
    # Another shop's bucket is independent.
    assert limiter.reserve("app#other#slots", limit, max_wait=10) == 0.0
    item = dynamodb_client(dynamodb_endpoint).get_item(
        TableName=TABLE, Key={"bucket_id": {"S": "app#shop#slots#1000000"}}
    )["Item"]
    # The counter also counts callers sent on to later windows; only the first 4 got slots in this one.
    assert int(item["calls"]["N"]) > 4
    assert int(item["expires_at"]["N"]) > now[0]


def test_concurrent_workers_stay_under_one_percent_429s(dynamodb_endpoint: str) -> None:
    config = SandboxConfig(rate_limit_qps=40, rate_limit_burst=40)
    with TikTokSandbox(config) as sandbox:
        limited = run_workers(sandbox, workers=8, calls_per_worker=15, dynamodb_endpoint=dynamodb_endpoint, table=TABLE)
    assert limited.failed == 0
    assert limited.throttled < 0.01 * limited.calls
    # Same load without the shared limiter: the sandbox does throttle, so the assertion above means something.
    with TikTokSandbox(config) as sandbox:
        unlimited = run_workers(sandbox, workers=8, calls_per_worker=15, dynamodb_endpoint=None)
    assert unlimited.throttled > 0.05 * unlimited.calls
