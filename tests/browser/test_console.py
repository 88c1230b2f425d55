"""The merchant console in a real browser, against the local stack with both sandboxes.

Every page is checked for CSP violations, console errors and axe-core violations rated serious or
critical; each screen's screenshot goes to docs/screenshots/, its weight to docs/screenshots/page-weights.json.
"""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from local_stack import LocalStack
from local_stack.warm import warm_order_functions
from tests.browser.conftest import (
    SCREENSHOTS,
    Watch,
    connect_shop,
    id_token,
    send_webhook,
    sign_in_directly,
    wait_for,
)
from tests.helpers import tiktok_notification
from tests.integration.product_push import support as push_support
from tests.integration.tiktok.support import connect
from tests.order_support import SOLD_OUT_SKU, US_SHOP_ID, US_WAREHOUSE, list_tiktok_product

# One worker runs the whole module (`make e2e` uses `--dist loadfile`): the tests share one local stack.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SCREENS = ("overview", "shops", "mappings", "listings", "jobs", "orders", "refunds", "settings", "activity")
BUCKETS = {"text/html": "html", "text/javascript": "js", "text/css": "css"}


def check_page(page: Page, watch: Watch, screenshot: str | None = None) -> None:
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__cspViolations || []")
    assert violations == [], f"CSP violations: {violations}"
    assert watch.console_errors == [], f"console errors: {watch.console_errors}"
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "axe-core: " + "; ".join(serious)
    if screenshot:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{screenshot}.png"), full_page=True)


def open_screen(page: Page, stack: LocalStack, screen: str) -> None:
    target = f"{stack.console_url}#/{screen}"
    if page.url == target:
        page.reload()  # same address: a goto would not even fire hashchange
    else:
        page.goto(target)
    expect(page.locator("#screen-title")).to_have_text(re.compile(screen.replace("-", " "), re.IGNORECASE))


def ui(stack: LocalStack, path: str, token: str, data: dict[str, str] | None = None) -> requests.Response:
    url = f"{stack.url}/console/ui/{path}"
    headers = {"Authorization": token}
    if data is None:
        return requests.get(url, headers=headers, timeout=60)
    return requests.post(url, headers=headers, data=data, timeout=60)


def test_unauthenticated_visit_logs_in_through_the_hosted_login(stack: LocalStack, page: Page) -> None:
    watch = Watch()
    watch.attach(page)
    page.goto(stack.console_url)

    page.wait_for_url(re.compile(r"/oauth2/authorize\?"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"] == [stack.console_url] and query["response_type"] == ["code"]
    check_page(page, watch, "login")
    operator = next(u for u in stack.console_users if u.group == "operator")
    page.get_by_label("Email").fill(operator.username)
    page.get_by_label("Password").fill(operator.password)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{stack.console_url}*")
    expect(page.locator("#screen-title")).to_have_text("Overview")
    expect(page.locator(".whoami")).to_contain_text(operator.username)
    assert "code=" not in page.url  # the code is gone from the address bar once exchanged
    check_page(page, watch)
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#login-message")).to_have_text("You are logged out.")


def test_operator_connects_a_shop_and_chooses_its_warehouse(stack: LocalStack, page: Page) -> None:
    watch = sign_in_directly(page, stack, "operator")
    open_screen(page, stack, "shops")
    expect(page.get_by_text("No shop is authorized yet.")).to_be_visible()
    check_page(page, watch)

    page.get_by_role("button", name="Authorize a TikTok Shop").click()
    link = page.locator("#authorize-link")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href and href.startswith(stack.tiktok.authorize_url if stack.tiktok else "")
    consent = page.context.new_page()  # the link opens in a new tab: the seller approves on TikTok's page
    consent.goto(href)
    expect(consent.locator("h1")).to_contain_text("TikTok Shop connected")
    consent.close()

    open_screen(page, stack, "shops")
    row = page.locator("tr", has_text="Sandbox US Shop")
    expect(row).to_contain_text("Connected")
    row.get_by_role("button", name=re.compile("Change selection")).click()
    form = row.locator("form")
    form.get_by_label("Warehouse").select_option(index=0)
    form.get_by_role("button", name="Save").click()
    expect(page.locator(".notice")).to_contain_text("The connector serves Sandbox US Shop with warehouse")
    check_page(page, watch, "shops")

    status = requests.get(f"{stack.url}/admin/status", headers=stack.admin_headers, timeout=60).json()
    us = next(s for s in status["shops"] if s["name"] == "Sandbox US Shop")
    assert us["selected"] is True and us["warehouse_id"]

    open_screen(page, stack, "overview")
    card = page.locator("section.shop-card", has_text="Sandbox US Shop")
    expect(card).to_contain_text("Connected")
    expect(card.locator("a[href^='#/orders?state=failed']")).to_have_text("0")
    check_page(page, watch, "overview")
    open_screen(page, stack, "settings")
    check_page(page, watch, "settings")


def test_viewer_cannot_change_anything_and_the_server_refuses(stack: LocalStack, page: Page) -> None:
    watch = sign_in_directly(page, stack, "viewer")
    for screen in SCREENS:
        open_screen(page, stack, screen)
        assert page.locator("main [hx-post], main input[type=checkbox]").count() == 0
        writes = re.compile("Replay|Save|Authorize|Choose|Retry|Approve|Reject")
        assert page.get_by_role("button", name=writes).count() == 0
        check_page(page, watch)

    token = id_token(stack, "viewer")["id"]
    writes = {
        "shops/authorize": {},
        "settings/connector": {"allow_app_store_installs": "true"},
        f"settings/shops/{US_SHOP_ID}/sync": {"price_sync": "true"},
        "mappings/categories/map": {"shop_id": US_SHOP_ID, "magento_category_id": "4", "tiktok_category_id": "900112"},
        "mappings/categories/unmap": {"shop_id": US_SHOP_ID, "magento_category_id": "5"},
        "activity/replay": {"event_key": "tts:1"},
        "activity/replay-parked": {},
        "orders/retry": {"order_id": "1"},
        "refunds/retry": {"refund_id": "1"},
        "refunds/requests/approve": {"shop_id": US_SHOP_ID, "request_id": "1"},
        "refunds/requests/reject": {"shop_id": US_SHOP_ID, "request_id": "1", "reason": "r"},
    }
    for path, data in writes.items():
        refused = ui(stack, path, token, data)
        assert refused.status_code == 403, (path, refused.status_code)
        assert "Viewers can look but not change anything" in refused.text
    settings = requests.get(f"{stack.url}/admin/settings", headers=stack.admin_headers, timeout=60).json()
    assert settings == {"allow_app_store_installs": False}
    assert ui(stack, "overview", "not-a-token").status_code == 401


def test_operator_replays_a_failed_event_once_its_cause_is_fixed(stack: LocalStack, page: Page) -> None:
    if not requests.get(f"{stack.url}/admin/shops", headers=stack.admin_headers, timeout=60).json():
        connect_shop(stack)
    shop = requests.get(f"{stack.url}/admin/shops", headers=stack.admin_headers, timeout=60).json()[0]
    sns = stack.client("sns")
    topic = stack.physical("AlertsTopic")
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    sns.delete_topic(TopicArn=topic)  # alerts cannot be sent: topic 7's handler fails
    notification = tiktok_notification(
        topic=7, shop_id=shop["shop_id"], data={"message": "expiring", "expiration_time": str(int(time.time()) + 86400)}
    )
    send_webhook(stack, notification)
    event_key = f"tts:{notification['tts_notification_id']}"
    dlq = stack.physical("TikTokEventsDLQ")
    sqs = stack.client("sqs")
    wait_for(
        lambda: int(
            sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"]["ApproximateNumberOfMessages"]
        ),
        what="the event parked in the DLQ",
    )
    sns.create_topic(Name=topic.rsplit(":", 1)[1], Attributes={"KmsMasterKeyId": attributes.get("KmsMasterKeyId", "")})

    watch = sign_in_directly(page, stack, "operator")
    page.goto(f"{stack.console_url}#/activity?severity=error")
    row = page.locator("tr", has_text=event_key)
    expect(row).to_contain_text("Failed")
    expect(row).to_contain_text("UPCOMING_AUTHORIZATION_EXPIRATION")
    check_page(page, watch, "activity")
    row.get_by_role("button", name=f"Replay event {event_key}").click()
    expect(page.locator(".notice")).to_contain_text(f"{event_key} was replayed")

    def processed() -> bool:
        listed = requests.get(
            f"{stack.url}/admin/events", params={"status": "PROCESSED"}, headers=stack.admin_headers, timeout=60
        ).json()
        return any(e["event_key"] == event_key for e in listed)

    wait_for(processed, what="the replayed event processed")
    page.goto(f"{stack.console_url}#/activity?shop={shop['shop_id']}")
    expect(page.locator("tr", has_text=event_key)).to_contain_text("Processed")
    check_page(page, watch)
    # A second replay of the same event changes nothing.
    again = ui(stack, "activity/replay", id_token(stack, "operator")["id"], {"event_key": event_key})
    assert again.status_code == 200 and "is PROCESSED: nothing to replay" in again.text


def admin_get(stack: LocalStack, path: str) -> Any:
    response = requests.get(f"{stack.url}{path}", headers=stack.admin_headers, timeout=60)
    return response.json() if response.status_code == 200 else None


def test_failed_order_is_fixed_retried_imported_and_refunded_to_the_cent(stack: LocalStack, page: Page) -> None:
    """Scenario B (a failed order -> reason -> fix in Magento -> Retry -> Magento order), then C (a completed
    refund: the credit memo's amount equals TikTok's) on the same order."""
    if not admin_get(stack, "/admin/shops"):
        connect_shop(stack)
    served = requests.put(
        f"{stack.url}/admin/shops/{US_SHOP_ID}",
        json={"selected": True, "warehouse_id": US_WAREHOUSE},
        headers=stack.admin_headers,
        timeout=60,
    )
    assert served.status_code == 200, served.text
    warm_order_functions(stack)
    tiktok, magento = stack.sandboxes["tiktok"], stack.sandboxes["magento"]
    tts = connect(tiktok)
    product = list_tiktok_product(tts.api, tts.us, {SOLD_OUT_SKU: "9.00"}, title="Mug")
    order_id = str(tiktok.place_order(US_SHOP_ID, [(product.sku_ids[SOLD_OUT_SKU], 1)])["id"])
    tiktok.pay_order(order_id)

    def state(*wanted: str) -> Any:
        found = admin_get(stack, f"/admin/orders/{order_id}")
        return found if found and found["record"]["state"] in wanted else None

    # Reconciliation finds the paid order whether or not its webhook arrived first (processing is idempotent).
    synced = requests.post(
        f"{stack.url}/admin/orders/sync", json={"shop_id": US_SHOP_ID}, headers=stack.admin_headers, timeout=60
    )
    assert synced.status_code == 200, synced.text
    try:
        wait_for(lambda: state("failed"), what="the order parked as failed (no stock in Magento)")
    except AssertionError:
        denied = [line for line in stack.iam_log.read_text().splitlines() if "DENY" in line]
        raise AssertionError(
            f"order: {admin_get(stack, f'/admin/orders/{order_id}')}; IAM denials: {denied[-5:]}"
        ) from None

    watch = sign_in_directly(page, stack, "operator")
    page.goto(f"{stack.console_url}#/orders?state=failed")
    row = page.locator(f"#order-{order_id}")
    expect(row).to_contain_text("Failed")
    expect(row).to_contain_text("Creating the Magento order")
    expect(row).to_contain_text(re.compile(f"Add stock.*{SOLD_OUT_SKU}.*then press Retry"))
    check_page(page, watch, "orders")

    magento.set_source_quantity(SOLD_OUT_SKU, 5)  # the merchant's fix, in Magento
    row.get_by_role("button", name=f"Retry order {order_id}").click()
    expect(page.locator(".notice")).to_contain_text(f"Order {order_id} is queued again")
    imported = wait_for(lambda: state("imported"), what="the retried order imported")
    increment = imported["record"]["magento_increment_id"]

    page.goto(f"{stack.console_url}#/orders?shop={US_SHOP_ID}")
    row = page.locator(f"#order-{order_id}")
    expect(row).to_contain_text(f"#{increment}")
    expect(row).to_contain_text("Imported")
    expect(row.get_by_role("button", name=re.compile("Retry"))).to_have_count(0)
    check_page(page, watch)

    return_id = tiktok.open_return(order_id, return_type="REFUND")
    tiktok.complete_return(return_id)

    def credited() -> Any:
        found = admin_get(stack, f"/admin/refunds/{return_id}")
        return found if found and found["state"] == "credited" else None

    record = wait_for(credited, what="the refund credited in Magento")
    tiktok_total = Decimal(record["refund_total"])
    assert Decimal(record["credit_memo"]["grand_total"]) == tiktok_total
    page.goto(f"{stack.console_url}#/refunds")
    refund_row = page.locator(f"#refund-{return_id}")
    expect(refund_row).to_contain_text("Credited")
    expect(refund_row).to_contain_text("Equals TikTok's")
    expect(refund_row).to_contain_text(f"{tiktok_total:.2f} USD")
    check_page(page, watch, "refunds")


def serve_the_us_shop_with_magento_set_up(stack: LocalStack) -> None:
    if not admin_get(stack, "/admin/shops"):
        connect_shop(stack)
    push_support.ok(push_support.admin(stack, "POST", "/admin/setup/magento"))
    push_support.ok(
        push_support.admin(
            stack, "PUT", f"/admin/shops/{US_SHOP_ID}", json={"selected": True, "warehouse_id": US_WAREHOUSE}
        )
    )


def test_a_failed_push_is_fixed_in_magento_and_retried_from_the_issues_tab(stack: LocalStack, page: Page) -> None:
    """Scenario A: a push job with one failing product -> Issues names the Magento attribute -> fix it in the
    Magento sandbox -> Retry all with this error -> the job succeeds and the listing goes live."""
    serve_the_us_shop_with_magento_set_up(stack)
    push_support.standard_mappings(stack)
    # The listing goes live on TikTok's webhook 5: warm the webhook and events functions (a cold start
    # outlasts the 3 s TikTok waits) and make TikTok's redeliveries quick, as the push integration tests do.
    push_support.tiktok(stack).core.config.webhook_retry_scale = 0.01
    push_support.warm_webhooks(stack)
    magento = stack.sandboxes["magento"]
    sku = magento.generate_catalog(
        products=1, sku_prefix="CONSOLE", configurable_share=0, category_ids=(push_support.TEES,)
    )["skus"][0]
    magento.set_price(sku, 0.0)  # preflight refuses a price that is not above 0, naming `price`
    job_id = push_support.push(stack, skus=[sku])["job_id"]
    first = push_support.finished_job(stack, job_id)
    assert first["job"]["failed"] == 1, first

    watch = sign_in_directly(page, stack, "operator")
    page.goto(f"{stack.console_url}#/listings?shop={US_SHOP_ID}&status=failed")
    row = page.locator(f"#listing-{sku}")
    expect(row).to_contain_text("Failed")
    expect(row).to_contain_text("preflight_failed")
    expect(row).to_contain_text(f"Fix the Magento attribute \u201cprice\u201d of product {sku}")
    check_page(page, watch, "listings")

    page.get_by_role("link", name="Issues").click()
    issue = page.locator("#issue-preflight_failed")
    expect(issue.locator("code.attribute")).to_have_text("price")
    expect(issue).to_contain_text("100%")
    check_page(page, watch)

    magento.set_price(sku, 19.99)  # the merchant's fix, in Magento
    issue.get_by_role("button", name=re.compile("Retry all 1 products failing with preflight_failed")).click()
    expect(page.locator(".notice")).to_contain_text("1 product(s) failing with preflight_failed are queued again")
    # A second click requeues nothing new (the server decides, whatever the page sends).
    again = ui(
        stack,
        "listings/issues/retry",
        id_token(stack, "operator")["id"],
        {"shop_id": US_SHOP_ID, "code": "preflight_failed"},
    )
    assert again.status_code == 200 and "nothing to retry" in again.text, again.text

    retried = push_support.finished_job(stack, job_id)
    assert (retried["job"]["succeeded"], retried["job"]["failed"]) == (1, 0), retried
    wait_for(
        lambda: (admin_get(stack, f"/admin/products?sku={sku}") or {}).get("listing", {}).get("status") == "ACTIVATE",
        what="TikTok's audit approving the listing",
    )
    page.goto(f"{stack.console_url}#/jobs?job={job_id}")
    progress = page.locator("#job-progress")
    expect(progress).to_have_attribute("aria-live", "polite")
    expect(progress).to_contain_text("1 succeeded, 0 failed")
    expect(page.locator("#job-progress [hx-trigger]")).to_have_count(0)  # done: no more polling
    expect(page.locator(f"#item-{sku}")).to_contain_text("succeeded")
    check_page(page, watch, "jobs")

    page.goto(f"{stack.console_url}#/listings?shop={US_SHOP_ID}")
    expect(page.locator(f"#listing-{sku}")).to_contain_text("Live")
    check_page(page, watch)


def expected_refusal(watch: Watch, status: int) -> None:
    """A 4xx the step meant to provoke: Chromium reports the response as a console error; nothing else may."""
    expected = f"the server responded with a status of {status}"
    assert any(expected in e for e in watch.console_errors), watch.console_errors
    watch.console_errors[:] = [e for e in watch.console_errors if expected not in e]


def test_operator_maps_a_category_and_saves_a_sync_setting(stack: LocalStack, page: Page) -> None:
    """Mappings: TikTok's leaves searched on the server, a Magento category mapped (a category that is not a
    leaf refused with its reason), its attributes still missing; Settings: a price rule saved for the shop."""
    serve_the_us_shop_with_magento_set_up(stack)
    watch = sign_in_directly(page, stack, "operator")
    page.goto(f"{stack.console_url}#/mappings?shop={US_SHOP_ID}")
    expect(page.locator("#screen-title")).to_have_text("Mappings")
    expect(page.locator(f"#magento-{push_support.TOPS}")).to_be_visible()
    check_page(page, watch)

    page.locator("#m-category").select_option(str(push_support.TOPS))
    page.get_by_label("TikTok category name contains").fill("tees")
    page.get_by_role("button", name="Search").click()
    plain = page.locator("#tiktok-900112")
    expect(plain).to_contain_text("Plain Tees")
    expect(page.locator("#tiktok-900110")).to_have_count(0)  # not a leaf: not offered
    plain.get_by_role("button", name=re.compile("Map Magento category")).click()
    expect(page.locator(".notice")).to_contain_text("is mapped to TikTok")
    expect(page.locator(f"#magento-{push_support.TOPS}")).to_contain_text("900112")
    tree = admin_get(stack, f"/admin/catalog/magento-categories?shop={US_SHOP_ID}")
    tops = next(c for c in tree if c["id"] == push_support.TOPS)
    assert tops["mapping"]["tiktok_category_id"] == "900112"

    page.locator("#m-map-magento").select_option(str(push_support.TOPS))
    page.locator("#m-map-tiktok").fill("900110")
    page.get_by_role("button", name="Map", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("is not a leaf")
    expected_refusal(watch, 400)
    check_page(page, watch)

    page.get_by_role("link", name=re.compile("Plain Tees")).click()
    expect(page.locator("#report-title")).to_contain_text("900112")
    expect(page.locator("#still-missing")).to_be_visible()
    check_page(page, watch, "mappings")

    page.goto(f"{stack.console_url}#/mappings?shop={US_SHOP_ID}")
    page.locator(f"#magento-{push_support.TOPS}").get_by_role("button", name=re.compile("Unmap")).click()
    expect(page.locator(".notice")).to_contain_text("is no longer mapped")

    open_screen(page, stack, "settings")
    sync = page.locator("#shop-section-sync")
    sync.locator("#f-price_rule-adjustment").select_option("percent")
    sync.locator("#f-price_rule-amount").fill("10")
    sync.get_by_role("button", name="Save Price and stock sync").click()
    expect(page.locator("#shop-section-sync .notice")).to_contain_text("Price and stock sync saved: changed price rule")
    saved = admin_get(stack, f"/admin/sync/settings/{US_SHOP_ID}")
    assert saved["sync"]["price_rule"]["adjustment"] == "percent"
    assert Decimal(saved["sync"]["price_rule"]["amount"]) == 10
    check_page(page, watch, "settings")

    # The same form sent again changes nothing; then back to no rule, so the other scenarios' prices stand.
    sync = page.locator("#shop-section-sync")
    sync.get_by_role("button", name="Save Price and stock sync").click()
    expect(page.locator("#shop-section-sync .notice")).to_contain_text("nothing changed")
    sync = page.locator("#shop-section-sync")
    sync.locator("#f-price_rule-adjustment").select_option("none")
    sync.locator("#f-price_rule-amount").fill("0")
    sync.get_by_role("button", name="Save Price and stock sync").click()
    expect(page.locator("#shop-section-sync .notice")).to_contain_text("changed price rule")
    check_page(page, watch)


def test_page_weights_of_every_screen(stack: LocalStack, browser: Browser) -> None:
    """What a first visit to each screen transfers (cache off): the shell, its assets, the nav and the screen."""
    weights: dict[str, dict[str, int]] = {}
    for screen in SCREENS:
        context = browser.new_context()
        page = context.new_page()
        sign_in_directly(page, stack, "operator")
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        kinds: dict[str, str] = {}
        sizes = {"html": 0, "js": 0, "css": 0, "other": 0, "transferred": 0}

        def seen(params: dict[str, Any], kinds: dict[str, str] = kinds) -> None:
            mime = params["response"].get("mimeType", "")
            kinds[params["requestId"]] = BUCKETS.get(mime, "other")

        def finished(params: dict[str, Any], kinds: dict[str, str] = kinds, sizes: dict[str, int] = sizes) -> None:
            size = int(params.get("encodedDataLength", 0))
            sizes[kinds.get(params["requestId"], "other")] += size
            sizes["transferred"] += size

        cdp.on("Network.responseReceived", seen)
        cdp.on("Network.loadingFinished", finished)
        open_screen(page, stack, screen)
        page.wait_for_load_state("networkidle")
        sizes["html_js_css"] = sizes["html"] + sizes["js"] + sizes["css"]
        weights[screen] = sizes
        context.close()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "page-weights.json").write_text(json.dumps(weights, indent=2) + "\n")
    for screen, sizes in weights.items():
        # Every screen loads the whole shell: htmx alone is 37 KB; nothing else is fetched.
        assert sizes["js"] > 37_000 and sizes["css"] > 0 and sizes["html"] > 0, (screen, sizes)
