"""What enforcing IAM costs locally: one AWS call through the IAM proxy, and the webhook acknowledgement."""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
import requests
from moto.server import ThreadedMotoServer

from local_stack import LocalStack, StackConfig
from local_stack.iam_evaluation import statements_from_document
from local_stack.iam_policies import FunctionIdentity
from local_stack.iam_proxy import BackendLookups, IamProxy
from local_stack.resources import boto_client
from local_stack.stack import free_port
from tests.helpers import encode, sign_tiktok_webhook, tiktok_notification
from tests.integration.stack_support import UNUSED_MAGENTO, UNUSED_TIKTOK

WEBHOOKS = 40
CALLS = 300
ROUNDS = 3  # interleaved, so a noisy neighbour on the machine weighs on both sides alike
FUNCTION_KEY = "ASIABENCHFUNCTION001"


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(values) * 1000, 2), "p95": round(_percentile(values, 95) * 1000, 2)}


def _get_item_latencies(rounds: int, calls_per_round: int = CALLS) -> dict[str, list[float]]:
    """GetItem straight to moto, and through the proxy under a policy that allows it."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the backend's access log
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    url = f"http://127.0.0.1:{port}"
    table = boto_client("dynamodb", url).create_table(
        TableName="T",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["TableArn"]
    policy = {"Statement": [{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": table}]}
    identity = FunctionIdentity("F", "f", "r", FUNCTION_KEY, tuple(statements_from_document(policy, "p")))
    with tempfile.TemporaryDirectory() as logs:
        proxy = IamProxy(url, [identity], {}, BackendLookups(url), Path(logs) / "iam.log")
        proxy_url = proxy.start("127.0.0.1")
        clients = {
            "direct": boto_client("dynamodb", url),
            "through_proxy": boto3.client(
                "dynamodb",
                endpoint_url=proxy_url,
                region_name="us-east-1",
                aws_access_key_id=FUNCTION_KEY,
                aws_secret_access_key="local",
            ),
        }
        clients["direct"].put_item(TableName="T", Item={"k": {"S": "a"}})
        latencies: dict[str, list[float]] = {name: [] for name in clients}
        for _ in range(rounds):
            for name, client in clients.items():
                client.get_item(TableName="T", Key={"k": {"S": "a"}})  # warm the connection
                for _ in range(calls_per_round):
                    began = time.perf_counter()
                    client.get_item(TableName="T", Key={"k": {"S": "a"}})
                    latencies[name].append(time.perf_counter() - began)
        proxy.stop()
    moto.stop()
    return latencies


def _acks(enforce_iam: bool, webhooks: int = WEBHOOKS) -> tuple[list[float], int]:
    """Warm acknowledgement latencies, and how many AWS calls the webhook function made in all."""
    creds = UNUSED_TIKTOK.credentials
    with tempfile.TemporaryDirectory() as state:
        config = StackConfig(
            state_dir=Path(state),
            run_schedules=False,
            tiktok=UNUSED_TIKTOK,
            magento=UNUSED_MAGENTO,
            enforce_iam=enforce_iam,
        )
        with LocalStack(config) as stack:
            acks = []
            for i in range(webhooks + 1):
                body = encode(tiktok_notification(topic=6, notification_id=f"bench-{enforce_iam}-{i}", data={}))
                headers = {"Authorization": sign_tiktok_webhook(creds["app_key"], creds["app_secret"], body)}
                sent = time.perf_counter()
                requests.post(f"{stack.url}/webhooks/tiktok", data=body, headers=headers, timeout=30).raise_for_status()
                acks.append(time.perf_counter() - sent)
            log = stack.iam_log.read_text().splitlines() if enforce_iam else []
    calls = sum(1 for line in log if " TikTokWebhookFunction " in line and "(via:" not in line)
    return acks[1:], calls  # the first acknowledgement is the cold start


def run(smoke: bool = False) -> dict[str, Any]:
    rounds, per_round, webhooks = (1, 20, 3) if smoke else (ROUNDS, CALLS, WEBHOOKS)
    calls = _get_item_latencies(rounds, per_round)
    acks: dict[bool, list[float]] = {True: [], False: []}
    made = 0
    for _ in range(rounds):
        for enforce in (False, True):
            latencies, count = _acks(enforce, webhooks)
            acks[enforce] += latencies
            made += count
    get_item = {name: _summary(values) for name, values in calls.items()}
    webhook = {"without_proxy": _summary(acks[False]), "with_proxy": _summary(acks[True])}
    return {
        "get_item_ms": get_item,
        "get_item_p50_overhead_ms": round(get_item["through_proxy"]["p50"] - get_item["direct"]["p50"], 2),
        "webhook_ack_ms": webhook,
        "webhook_ack_p50_overhead_ms": round(webhook["with_proxy"]["p50"] - webhook["without_proxy"]["p50"], 1),
        "aws_calls_per_webhook": round(made / (rounds * (webhooks + 1)), 2),
        "samples": {"get_item_each": len(calls["direct"]), "webhooks_each": len(acks[True])},
    }
