"""A worker that dies mid-product (after TikTok created it, before the answer came back) is retried by SQS
and the retry finds the same TikTok product: never a second one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local_stack import LocalStack
from tests.helpers import template_variant
from tests.integration.product_push import support as s
from tests.integration.stack_support import ROOT

pytestmark = pytest.mark.integration

FUNCTION_TIMEOUT = 12
ANSWER_DELAY = 20.0


def _short_timeout(raw: dict[str, Any]) -> None:
    raw["Resources"]["ProductPushFunction"]["Properties"]["Timeout"] = FUNCTION_TIMEOUT
    # Scaled by time_scale to 20 s: longer than the function may run, so only a stopped worker's message returns.
    raw["Resources"]["ProductPushQueue"]["Properties"]["VisibilityTimeout"] = 200


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    template = template_variant(ROOT / "template.yaml", tmp_path, _short_timeout)
    with LocalStack(s.stack_config(tmp_path / "state", template_path=template)) as running:
        s.tiktok(running).core.config.webhook_retry_scale = 0.01
        s.connect(running)
        s.standard_mappings(running)
        yield running


def test_a_worker_killed_after_tiktok_created_the_product_does_not_create_a_second_one(stack: LocalStack) -> None:
    warm = s.finished_job(stack, s.push(stack, skus=["MS-TEE"])["job_id"])
    assert warm["job"]["succeeded"] == 1
    made = s.generate(stack, products=1, sku_prefix="CRASH", configurable_share=0, category_ids=(s.TEES,))
    sandbox = s.tiktok(stack)
    # TikTok creates the product, then its answer takes longer than the function may run: Lambda kills it.
    sandbox.core.faults.timeout_seconds = ANSWER_DELAY
    sandbox.inject_fault("slow_answer", count=1, path_prefix="/product/202309/products")
    creates_before = s.route_calls(stack).get("product_create", 0)

    done = s.finished_job(stack, s.push(stack, skus=made["skus"])["job_id"], timeout=240)

    item = s.items(done)["CRASH-00001"]
    assert item["status"] == "SUCCEEDED" and item["attempts"] >= 2
    assert stack.runtime is not None
    killed = [
        r for r in stack.runtime.history if r.function == "ProductPushFunction" and r.error_type == "Sandbox.Timedout"
    ]
    assert killed, "the first attempt should have been stopped by the function timeout"
    # TikTok saw the create twice (the retry sent the same idempotency key) and holds one product.
    assert s.route_calls(stack).get("product_create", 0) - creates_before == 2
    [product] = s.tiktok_products_for(stack, "CRASH-00001")
    assert item["result"]["tiktok_product_id"] == product["id"]
    assert s.product(stack, "CRASH-00001")["listing"]["tiktok_product_id"] == product["id"]
