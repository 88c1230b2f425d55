"""Product push through the local stack against both sandboxes: building, preflight, images, create/update,
write-back, audits, batches with failures and retries, TikTok throttling and outages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local_stack import LocalStack
from tests.integration.product_push import support as s

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with LocalStack(s.stack_config(Path(tmp_path_factory.mktemp("state")))) as running:
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


def test_a_missing_required_attribute_fails_preflight_naming_the_mapping_before_any_tiktok_write(
    stack: LocalStack,
) -> None:
    # Phone cases require Material (101020, TikTok values only) and nothing in Magento provides it.
    made = s.generate(stack, products=1, sku_prefix="CASE", configurable_share=0, categories=1)
    s.map_category(stack, made["categories"][0], s.PHONE_CASES)
    before = s.route_calls(stack)

    done = s.finished_job(stack, s.push(stack, skus=["CASE-00001"])["job_id"])

    failure = s.items(done)["CASE-00001"]["failure"]
    assert failure["message"].startswith("Magento product CASE-00001: TikTok requires 'Material' (attribute 101020)")
    assert "no Magento attribute of its attribute set provides it" in failure["message"]
    assert failure["magento_attribute"] == "mapping for TikTok attribute 101020"
    assert f"ttsc attributes map 101020 --magento-attribute CODE --category {s.PHONE_CASES}" in failure["hint"]
    after = s.route_calls(stack)
    for route in ("product_create", "product_edit", "image_upload"):
        assert after.get(route, 0) == before.get(route, 0), route


def test_images_are_uploaded_once_per_unique_content(stack: LocalStack) -> None:
    # Six products with 3 images each drawn from a pool of 4: at most 4 distinct images.
    made = s.generate(stack, products=6, sku_prefix="IMG", configurable_share=0, unique_images=4, categories=1)
    s.map_category(stack, made["categories"][0], s.GRAPHIC_TEES)
    before = s.route_calls(stack).get("image_upload", 0)

    done = s.finished_job(stack, s.push(stack, skus=made["skus"])["job_id"])

    assert done["job"]["succeeded"] == 6
    assert s.route_calls(stack).get("image_upload", 0) - before == made["unique_images"] == 4
    uris = {
        image["uri"]
        for item in done["items"]
        for image in s.tiktok(stack).product(item["result"]["tiktok_product_id"])["main_images"]
    }
    assert len(uris) == 4
    # A later push of products with the same images uploads nothing.
    again = s.finished_job(stack, s.push(stack, skus=made["skus"][:2])["job_id"])
    assert again["job"]["succeeded"] == 2
    assert s.route_calls(stack).get("image_upload", 0) - before == 4


def test_pushing_a_listed_product_again_updates_it_instead_of_creating_another(stack: LocalStack) -> None:
    first = s.finished_job(stack, s.push(stack, skus=["BAG-TOTE"])["job_id"])
    # Bags is not mapped: map it and retry, so the product exists once.
    assert s.items(first)["BAG-TOTE"]["failure"]["magento_attribute"] == "category_ids"
    s.map_category(stack, s.BAGS, s.PHONE_CASES)
    s.map_attribute(stack, tiktok_attribute_id="101020", category_id=s.PHONE_CASES, fixed_value_id="5402")
    s.ok(s.admin(stack, "POST", f"/admin/jobs/{first['job']['job_id']}/retry", json={}))
    created = s.items(s.finished_job(stack, first["job"]["job_id"]))["BAG-TOTE"]["result"]
    assert created["action"] == "created"
    s.magento(stack).set_price("BAG-TOTE", 42.0)
    before = s.route_calls(stack)

    again = s.finished_job(stack, s.push(stack, skus=["BAG-TOTE"])["job_id"])

    result = s.items(again)["BAG-TOTE"]["result"]
    assert (result["action"], result["tiktok_product_id"]) == ("updated", created["tiktok_product_id"])
    assert result["skus"] == created["skus"]  # the SKU keeps its TikTok id (sent with the edit)
    after = s.route_calls(stack)
    assert (after.get("product_create", 0), after["product_edit"]) == (
        before.get("product_create", 0),
        before.get("product_edit", 0) + 1,
    )
    assert len(s.products_with_seller_sku(stack, "BAG-TOTE")) == 1
    edited = s.tiktok(stack).product(created["tiktok_product_id"])
    assert edited["skus"][0]["price"]["sale_price"] == "42.00"


def test_an_audit_failure_is_recorded_with_tiktoks_reasons(stack: LocalStack) -> None:
    made = s.generate(stack, products=1, sku_prefix="AUDIT", configurable_share=0, category_ids=(s.TEES,))
    s.tiktok(stack).fail_next_audits(["Main image shows a watermark"])

    done = s.finished_job(stack, s.push(stack, skus=made["skus"])["job_id"])
    assert done["job"]["succeeded"] == 1

    listing = s.wait_until(lambda: (view := s.product(stack, "AUDIT-00001")["listing"])["status"] == "FAILED" and view)
    assert listing["audit_reasons"] == ["product: Main image shows a watermark"]
    shown = s.job(stack, done["job"]["job_id"])
    assert shown["tiktok_statuses"] == {"FAILED": 1}
    assert s.items(shown)["AUDIT-00001"]["audit_reasons"] == ["product: Main image shows a watermark"]

    # Webhooks 5 and 37 both arrived and were processed, once each.
    def processed() -> list[str]:
        events = s.ok(s.admin(stack, "GET", "/admin/events", params={"status": "PROCESSED", "limit": 500}))
        return sorted(
            e["event_type"]
            for e in events
            if e["event_type"] in ("tts:5", "tts:37") and listing["tiktok_product_id"] in e["detail"]
        )

    assert s.wait_until(lambda: processed() == ["tts:37", "tts:5"] and processed())


def test_a_batch_with_failures_reports_exact_counts_alerts_once_and_retries_one_product(stack: LocalStack) -> None:
    inbox = s.subscribe_alerts(stack, "push-alerts")
    made = s.generate(stack, products=10, sku_prefix="BATCH", configurable_share=0.2, category_ids=(s.TEES,))
    broken = made["skus"][-3:]
    for sku in broken:
        s.magento(stack).set_price(sku, 0.0)

    done = s.finished_job(stack, s.push(stack, skus=made["skus"])["job_id"])

    job = done["job"]
    assert (job["total"], job["succeeded"], job["failed"]) == (10, 7, 3)
    failed = {sku: i["failure"] for sku, i in s.items(done).items() if i["status"] == "FAILED"}
    assert sorted(failed) == sorted(broken)
    assert all(
        "its price (0.0) is not above 0" in f["message"] and f["magento_attribute"] == "price" for f in failed.values()
    )
    alert = s.wait_until(lambda: s.alerts(stack, inbox))
    assert len(alert) == 1 and "Product push: 7 succeeded, 3 failed" in alert[0]
    assert all(sku in alert[0] for sku in broken)

    # One product fixed and retried alone: the job runs again and ends 8/2.
    s.magento(stack).set_price(broken[0], 19.99)
    report = s.ok(
        s.admin(stack, "POST", f"/admin/jobs/{job['job_id']}/retry", json={"skus": [broken[0], made["skus"][0]]})
    )
    assert report["requeued"] == [broken[0]]
    assert report["skipped"] == {made["skus"][0]: "is SUCCEEDED, not FAILED"}
    retried = s.finished_job(stack, job["job_id"])
    assert (retried["job"]["succeeded"], retried["job"]["failed"]) == (8, 2)
    assert s.items(retried)[broken[0]]["status"] == "SUCCEEDED"
    assert len(s.products_with_seller_sku(stack, broken[0])) == 1
    # Still failing: a second alert, with the new counts.
    assert "8 succeeded, 2 failed" in s.wait_until(lambda: s.alerts(stack, inbox))[0]


def test_throttling_bursts_and_outages_during_a_batch_lose_nothing(stack: LocalStack) -> None:
    made = s.generate(
        stack, products=12, sku_prefix="FAULT", configurable_share=0.25, category_ids=(s.TEES,), unique_images=30
    )
    sandbox = s.tiktok(stack)
    sandbox.inject_fault("rate_limit", count=12, path_prefix="/product/202309/products")
    sandbox.inject_fault("http_503", count=4, path_prefix="/product/202309/images/upload")
    sandbox.inject_fault("http_500", count=3, path_prefix="/product/202309/products")
    sandbox.inject_fault("internal_error", count=2, path_prefix="/product/202309/categories")

    done = s.finished_job(stack, s.push(stack, skus=made["skus"])["job_id"], timeout=300)

    assert (done["job"]["succeeded"], done["job"]["failed"]) == (12, 0), [
        i["failure"] for i in done["items"] if i["failure"]
    ]
    # Each Magento product exists once on TikTok, whatever was retried.
    assert [len(s.tiktok_products_for(stack, sku)) for sku in made["skus"]] == [1] * 12
    assert len({i["result"]["tiktok_product_id"] for i in done["items"]}) == 12
    # The shared limiter lowered the create API's rate when TikTok throttled (it climbs back slowly).
    rates = stack.client("dynamodb").scan(TableName=stack.physical("RateLimitTable"))["Items"]
    create_rate = next(i for i in rates if i["bucket_id"]["S"].endswith("#POST /product/202309/products#rate"))
    assert "decreased_at" in create_rate
    sandbox.clear_faults()


def test_the_deepest_mapped_category_wins_and_two_at_the_same_depth_are_reported(stack: LocalStack) -> None:
    s.map_attribute(stack, tiktok_attribute_id=s.MATERIAL_APPAREL, fixed_value_name="Cotton")  # shop-wide
    s.map_category(stack, s.WOMEN, "900112")
    inherited = s.generate(stack, products=1, sku_prefix="TOPS", configurable_share=0, category_ids=(s.TOPS,))
    deepest = s.generate(stack, products=1, sku_prefix="DEEP", configurable_share=0, category_ids=(s.WOMEN, s.TEES))
    s.map_category(stack, s.BAGS, s.PHONE_CASES)
    clash = s.generate(stack, products=1, sku_prefix="CLASH", configurable_share=0, category_ids=(s.BAGS, s.DRINKWARE))

    done = s.finished_job(stack, s.push(stack, skus=inherited["skus"] + deepest["skus"] + clash["skus"])["job_id"])

    found = s.items(done)
    category = {
        sku: s.tiktok(stack).product(item["result"]["tiktok_product_id"])["category_chains"][0]["id"]
        for sku, item in found.items()
        if item["status"] == "SUCCEEDED"
    }
    assert category == {"TOPS-00001": "900112", "DEEP-00001": s.GRAPHIC_TEES}
    failure = found["CLASH-00001"]["failure"]
    assert "map to different TikTok categories at the same depth" in failure["message"]
    assert "Gear > Bags" in failure["message"] and "Gear > Drinkware" in failure["message"]
    assert failure["magento_attribute"] == "category_ids"
    # Resolved by removing one of the two mappings; the retry pushes it to the other.
    s.ok(s.admin(stack, "DELETE", f"/admin/catalog/category-mappings/{s.BAGS}"))
    s.ok(s.admin(stack, "POST", f"/admin/jobs/{done['job']['job_id']}/retry", json={}))
    retried = s.items(s.finished_job(stack, done["job"]["job_id"]))["CLASH-00001"]
    assert s.tiktok(stack).product(retried["result"]["tiktok_product_id"])["category_chains"][0]["id"] == s.COFFEE_MUGS


def test_a_filter_selection_is_read_from_magento_in_pages_of_100(stack: LocalStack) -> None:
    made = s.generate(stack, products=101, sku_prefix="PAGE", configurable_share=0.05, unique_images=5, categories=3)
    s.map_category(stack, made["parent_category"], s.GRAPHIC_TEES)
    before = len(s.magento(stack).requests())

    done = s.finished_job(stack, s.push(stack, category_id=made["parent_category"])["job_id"], timeout=600)

    assert (done["job"]["total"], done["job"]["succeeded"], done["job"]["failed"]) == (101, 101, 0)
    calls = [r for r in s.magento(stack).requests()[before:] if "/V1/" in r["path"]]
    # The push's own searches: the suite's stack also runs price/stock sync, which reads the written-back
    # products by SKU when Magento announces their save.
    searches = [r for r in calls if r["path"].endswith("/V1/products") and "category_id" in r["query"]]
    single = [
        r for r in calls if r["method"] == "GET" and "/V1/products/" in r["path"] and "attribute" not in r["path"]
    ]
    children = [r for r in calls if "/V1/configurable-products/" in r["path"]]
    assert len(searches) == 2  # two pages of 100, no search per product
    assert single == []  # and no product read alone
    assert len(children) == made["configurable"]
    # Other filters: an attribute set, a time after every update (nothing to push: the job ends empty).
    s.magento(stack).add_attribute_set(41, "Filtered")
    in_set = s.generate(stack, products=2, sku_prefix="SET", attribute_set_id=41, category_ids=(s.TEES,))
    by_set = s.finished_job(stack, s.push(stack, attribute_set_id=41)["job_id"])
    assert sorted(s.items(by_set)) == in_set["skus"] and by_set["job"]["succeeded"] == 2
    later = s.finished_job(stack, s.push(stack, updated_since="2099-01-01 00:00:00")["job_id"])
    assert (later["job"]["total"], later["job"]["status"]) == (0, "COMPLETED")


def test_bad_push_requests_get_a_clear_4xx_and_start_nothing(stack: LocalStack) -> None:
    before = s.ok(s.admin(stack, "GET", "/admin/jobs", params={"limit": 200}))

    two = s.admin(stack, "POST", "/admin/push/products", json={"skus": ["MS-TEE"], "all": True})
    none = s.admin(stack, "POST", "/admin/push/products", json={})
    unknown_shop = s.admin(stack, "POST", "/admin/push/products", json={"all": True, "shop_id": "123"})
    not_served = s.admin(stack, "POST", "/admin/push/products", json={"all": True, "shop_id": "7000714532876273420"})
    bad_time = s.admin(stack, "POST", "/admin/push/products", json={"updated_since": "yesterday"})
    bad_warehouse = s.admin(stack, "POST", "/admin/push/products", json={"all": True, "warehouse_id": "1"})

    assert (two.status_code, none.status_code, bad_time.status_code) == (422, 422, 422)
    assert unknown_shop.status_code == 404
    assert not_served.status_code == 409 and "ttsc shops select" in not_served.json()["hint"]
    assert bad_warehouse.status_code == 400 and "not a sales warehouse" in bad_warehouse.json()["message"]
    assert s.admin(stack, "GET", "/admin/jobs/push-nope").status_code == 404
    assert s.admin(stack, "POST", "/admin/jobs/push-nope/retry", json={}).status_code == 404
    assert s.admin(stack, "GET", "/admin/products", params={"sku": "NOT-PUSHED"}).status_code == 404
    assert s.ok(s.admin(stack, "GET", "/admin/jobs", params={"limit": 200})) == before


def test_the_periodic_check_catches_an_audit_whose_webhooks_never_came(stack: LocalStack) -> None:
    sandbox = s.tiktok(stack)
    made = s.generate(stack, products=1, sku_prefix="MISSED", configurable_share=0, category_ids=(s.TEES,))
    sandbox.hold_webhooks()  # TikTok approves the product, but its webhooks 5 and 37 do not arrive
    try:
        done = s.finished_job(stack, s.push(stack, skus=made["skus"])["job_id"])
        product_id = s.items(done)["MISSED-00001"]["result"]["tiktok_product_id"]
        s.wait_until(lambda: sandbox.product(product_id)["status"] == "ACTIVATE")
        assert s.product(stack, "MISSED-00001")["listing"]["status"] == "PENDING"
        # Pushed an hour ago and still in review as far as the connector knows.
        stack.client("dynamodb").update_item(
            TableName=stack.physical("MappingsTable"),
            Key={"pk": {"S": f"LISTING#{s.US_SHOP}"}, "sk": {"S": "PRODUCT#MISSED-00001"}},
            UpdateExpression="SET pushed_at = :old",
            ExpressionAttributeValues={":old": {"N": str(int(time.time()) - 3600)}},
        )

        fired = stack.fire_schedule("ProductAuditCheckFunction.InReview")

        assert fired.ok, fired.error
        assert fired.result["changed"]["MISSED-00001"] == "ACTIVATE"
        assert s.product(stack, "MISSED-00001")["listing"]["status"] == "ACTIVATE"
    finally:
        sandbox.release_webhooks()
