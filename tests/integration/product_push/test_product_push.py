"""Product push through the local stack against both sandboxes: building, preflight, images, create/update,
write-back, audits, batches with failures and retries, TikTok throttling and outages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local_stack import LocalStack, StackConfig
from tests.integration.product_push import support as s

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    config = StackConfig(
        state_dir=Path(tmp_path_factory.mktemp("state")),
        time_scale=0.02,
        run_schedules=False,
        function_env=s.FAST_RETRIES,
    )
    with LocalStack(config) as running:
        yield s.prepared_stack(running)


def _sku(product: dict[str, Any], seller_sku: str) -> Any:
    return next(x for x in product["skus"] if x.seller_sku == seller_sku)


def test_simple_and_configurable_products_are_built_from_magento(stack: LocalStack) -> None:
    job = s.push(stack, skus=["MS-TEE", "WB/01 750ml"])
    assert job["status"] == "PLANNING"

    done = s.finished_job(stack, job["job_id"])

    assert (done["job"]["total"], done["job"]["succeeded"], done["job"]["failed"]) == (2, 2, 0)
    results = {sku: item["result"] for sku, item in s.items(done).items()}
    tee = s.tiktok(stack).product(results["MS-TEE"]["tiktok_product_id"])
    # The configurable: one SKU per child, sale attributes from its super attributes (TikTok's Color and Size
    # by name, values by label), own price, stock from every enabled source, EAN, seller SKU.
    assert tee["title"] == "Classic Tee" and tee["description"] == "<p>A soft cotton tee.</p>"
    assert tee["category_chains"][0]["id"] == s.GRAPHIC_TEES
    assert len(tee["skus"]) == 6
    medium_red = _sku_json(tee, "MS-TEE-M-RED")
    assert {a["id"]: a.get("value_id") or a.get("value_name") for a in medium_red["sales_attributes"]} == {
        "100000": "1001",  # Red
        "100007": "2002",  # M
    }
    assert medium_red["price"]["sale_price"] == "25.00"
    assert medium_red["inventory"] == [{"warehouse_id": s.US_WAREHOUSE, "quantity": 15}]  # 10 default + 5 east
    assert medium_red["identifier_code"] == {"code": "4000000000044", "type": "EAN"}
    assert tee["package_weight"] == {"value": "0.3", "unit": "KILOGRAM"}
    assert tee["package_dimensions"] == {"length": "30", "width": "25", "height": "3", "unit": "CENTIMETER"}
    assert {"id": s.MATERIAL_APPAREL, "values": [{"name": "Cotton"}]} in tee["product_attributes"]
    # The simple product: its SKU has a space, so TikTok gets no seller SKU (said in the result), and the
    # brand found in TikTok's list is sent.
    bottle = s.tiktok(stack).product(results["WB/01 750ml"]["tiktok_product_id"])
    assert bottle["category_chains"][0]["id"] == s.COFFEE_MUGS
    assert bottle["skus"][0]["seller_sku"] is None
    assert bottle["skus"][0]["inventory"][0]["quantity"] == 50
    assert bottle["brand"]["name"] == "Northwind"
    assert {"id": s.MATERIAL_MUG, "values": [{"id": s.GLASS}]} in bottle["product_attributes"]
    assert any("seller SKU not sent" in w for w in results["WB/01 750ml"]["warnings"])
    # The listing maps SKUs both ways, for orders and stock sync.
    shown = s.product(stack, "MS-TEE")
    assert shown["listing"]["tiktok_product_id"] == tee["id"]
    assert {x["magento_sku"] for x in shown["listing"]["skus"]} == {
        f"MS-TEE-{z}-{c}" for z in "SML" for c in ("BLA", "RED")
    }


def _sku_json(product: dict[str, Any], seller_sku: str) -> dict[str, Any]:
    return next(x for x in product["skus"] if x["seller_sku"] == seller_sku)


def test_written_back_to_magento_and_a_set_without_the_attributes_is_refused_with_its_fix(stack: LocalStack) -> None:
    # MS-TEE was pushed above: its TikTok id reaches Magento through the write-back queue.
    listing = s.product(stack, "MS-TEE")["listing"]
    s.wait_until(
        lambda: s.magento(stack).product_values("MS-TEE").get("tiktok_product_id") == listing["tiktok_product_id"]
    )
    assert s.magento(stack).product_values("MS-TEE")["tiktok_shop_synced"] == "1"
    assert s.wait_until(lambda: (s.product(stack, "MS-TEE").get("write_back") or {}).get("status") == "DONE")

    # A product whose attribute set lacks the connector's attributes (made after `ttsc setup magento`).
    s.magento(stack).add_attribute_set(40, "Imported", without=["tiktok_product_id", "tiktok_shop_synced"])
    s.generate(stack, products=1, sku_prefix="NOSET", attribute_set_id=40, category_ids=(s.TEES,), configurable_share=0)
    before = s.route_calls(stack)
    done = s.finished_job(stack, s.push(stack, skus=["NOSET-00001"])["job_id"])

    failure = s.items(done)["NOSET-00001"]["failure"]
    assert failure["code"] == "preflight_failed"
    assert "attribute set 40 lacks tiktok_product_id, tiktok_shop_synced" in failure["message"]
    assert "ttsc setup magento" in failure["hint"]
    assert failure["magento_attribute"] == "tiktok_product_id"
    assert s.route_calls(stack).get("product_create", 0) == before.get("product_create", 0)

    # The fix named: setup adds them to every set in use; the retried product is pushed and written back.
    setup = s.ok(s.admin(stack, "POST", "/admin/setup/magento"))
    assert "added tiktok_product_id to attribute set 40" in setup["actions"]
    s.ok(s.admin(stack, "POST", f"/admin/jobs/{done['job']['job_id']}/retry", json={"skus": ["NOSET-00001"]}))
    retried = s.finished_job(stack, done["job"]["job_id"])
    assert retried["job"]["succeeded"] == 1
    product_id = s.items(retried)["NOSET-00001"]["result"]["tiktok_product_id"]
    s.wait_until(lambda: s.magento(stack).product_values("NOSET-00001").get("tiktok_product_id") == product_id)
