"""Order import end to end through the local stack (issue 13's "Done when" list).

TikTok sandbox webhooks reach the stack's signed intake, land on OrderEventsQueue.fifo and are converged by
OrderEventsFunction (IAM enforced) against both sandboxes; merchant actions go through `ttsc` and the admin
API; the reconciliation schedule is fired on demand.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from magento_sandbox import Fault
from tests.integration.order_import.stack_support import OrderStack, start_order_stack, wait_for
from tests.order_support import SOLD_OUT_SKU, UPS_ID, US_SHOP_ID, list_tiktok_product
from tts_connector.listings.store import DynamoDBListingStore
from ttsc.__main__ import main as ttsc_main

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OrderStack]:
    # One stack for the module (each test uses its own orders): starting one takes seconds.
    running = start_order_stack(Path(tmp_path_factory.mktemp("orders-stack")))
    yield running
    running.stack.stop()


@pytest.fixture
def ttsc(orders: OrderStack, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("TTSC_ADMIN_TOKEN", orders.stack.config.admin_token)

    def run(*args: str) -> Any:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = ttsc_main(["--url", orders.stack.url, "--json", *args])
        assert code == 0, f"ttsc {' '.join(args)} exited {code}"
        return json.loads(out.getvalue())

    return run


@pytest.fixture
def held(orders: OrderStack) -> Iterator[None]:
    """TikTok's webhooks are held back (delivered at the end), so a test decides which arrive, and when."""
    orders.tiktok.hold_webhooks()
    yield
    orders.tiktok.release_webhooks()
    orders.settle()


@pytest.fixture
def alerts(orders: OrderStack) -> Iterator[Any]:
    """An SQS queue subscribed to the alerts topic, standing in for the merchant's e-mail."""
    sqs = orders.stack.client("sqs")
    url = sqs.create_queue(QueueName="order-alerts")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    subscription = orders.stack.client("sns").subscribe(
        TopicArn=orders.stack.physical("AlertsTopic"), Protocol="sqs", Endpoint=arn
    )

    def received() -> list[dict[str, Any]]:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]

    yield received
    orders.stack.client("sns").unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
    sqs.delete_queue(QueueUrl=url)


def _place(orders: OrderStack, lines: list[tuple[str, int]], *, pay: bool = True, **kwargs: Any) -> str:
    placed = orders.tiktok.place_order(US_SHOP_ID, [(orders.sku(sku), qty) for sku, qty in lines], **kwargs)
    if pay:
        orders.tiktok.pay_order(placed["id"])
    return str(placed["id"])


def _comments(order: dict[str, Any]) -> list[str]:
    return [h["comment"] for h in order["status_histories"]]


def _ship_in_magento(
    orders: OrderStack, order_id: str, track: dict[str, str], qty: dict[str, int] | None = None
) -> None:
    """The merchant's New Shipment in Magento's Admin (Sales > Orders > Ship)."""
    [order] = orders.magento_orders(order_id)
    items = [{"order_item_id": i["item_id"], "qty": qty[i["sku"]]} for i in order["items"] if qty and i["sku"] in qty]
    orders.magento.ship_order(order["entity_id"], tracks=[track], items=items)


def _reconcile(orders: OrderStack) -> None:
    orders.stack.fire_schedule("OrderSyncFunction.Reconcile")


@pytest.fixture
def no_magento_events(orders: OrderStack) -> Iterator[None]:
    """A store without a change-event module: shipments are found by the schedule's scan only."""
    targets = list(orders.magento.app.delivery.targets)
    orders.magento.deliver_events_to([])
    yield
    orders.magento.deliver_events_to(targets)


def _events(orders: OrderStack, prefix: str) -> list[dict[str, Any]]:
    table = orders.stack.physical("EventsTable")
    items = orders.stack.client("dynamodb").scan(TableName=table)["Items"]
    return [i for i in items if i["event_key"]["S"].startswith(prefix)]


# ---------- both shipping types ----------
def test_seller_shipping_order_end_to_end(orders: OrderStack, ttsc: Any) -> None:
    order_id = _place(orders, [("MS-TEE-S-BLA", 2), ("BAG-TOTE", 1)])

    record = orders.wait_state(order_id, "imported")

    [order] = orders.magento_orders(order_id)
    assert (order["state"], order["ext_order_id"]) == ("processing", order_id)
    assert {i["sku"]: i["qty_ordered"] for i in order["items"]} == {"MS-TEE-S-BLA": 2.0, "BAG-TOTE": 1.0}
    assert record.magento_order_id == order["entity_id"]
    assert len(record.lines) == 3 and all(link.magento_order_item_id for link in record.lines)

    # The merchant ships in Magento with tracking; the store's shipment event (POST /magento/events) brings it.
    _ship_in_magento(orders, order_id, {"track_number": "1Z999AA10000000001", "title": "UPS", "carrier_code": "ups"})

    shipped = orders.wait_state(order_id, "shipped")
    tiktok = orders.tiktok.order(order_id)
    assert tiktok["status"] == "IN_TRANSIT"
    assert {(i["tracking_number"], i["shipping_provider_id"]) for i in tiktok["line_items"]} == {
        ("1Z999AA10000000001", UPS_ID)
    }
    assert shipped.pushed_shipments[0].shipping_provider_id == UPS_ID
    queued_by = [e["detail"]["S"] for e in _events(orders, "mage:") if f"TikTok order {order_id}" in e["detail"]["S"]]
    assert queued_by and queued_by[0].startswith(f"Queued TikTok order {order_id} for Magento shipment")
    wait_for(lambda: any("in transit in TikTok" in c for c in _comments(orders.magento_orders(order_id)[0])), "comment")
    assert orders.magento_orders(order_id)[0]["state"] == "complete"
    shown = ttsc("orders", "show", order_id)
    assert shown["tiktok"]["status"] == "IN_TRANSIT" and shown["magento"]["state"] == "complete"


def test_platform_shipping_order_end_to_end(orders: OrderStack) -> None:
    order_id = _place(orders, [("MS-TEE-M-RED", 1)], shipping_type="TIKTOK")
    orders.wait_state(order_id, "seen")
    wait_for(lambda: orders.record(order_id).tiktok_status == "AWAITING_SHIPMENT", "awaiting shipment seen")
    assert orders.magento_orders(order_id) == []

    orders.tiktok.arrange_shipment(order_id)

    record = orders.wait_state(order_id, "shipped")
    [order] = orders.magento_orders(order_id)
    assert order["state"] == "complete"
    [shipment] = [s for s in orders.magento.state.shipments.values() if s["order_id"] == order["entity_id"]]
    assert shipment["tracks"][0]["track_number"] == orders.tiktok.order(order_id)["tracking_number"]
    assert record.platform_shipments

    orders.tiktok.carrier_collect(order_id)
    wait_for(lambda: any("in transit in TikTok" in c for c in _comments(orders.magento_orders(order_id)[0])), "comment")
    assert orders.magento_orders(order_id)[0]["state"] == "complete"


# ---------- webhooks: duplicates, order, gaps, signatures ----------
def test_duplicate_and_reordered_webhooks_create_one_order(orders: OrderStack, held: None) -> None:
    order_id = _place(orders, [("BAG-TOTE", 1)])
    bodies = orders.held_webhooks(order_id)
    assert len(bodies) == 2  # UNPAID, AWAITING_SHIPMENT

    for body in [*reversed(bodies)] * 3:
        assert orders.post_webhook(body).status_code == 200

    orders.wait_state(order_id, "imported")
    wait_for(
        lambda: all(e["status"]["S"] in ("PROCESSED", "IGNORED") for e in _notification_events(orders, bodies)),
        "events done",
    )
    assert len(orders.magento_orders(order_id)) == 1
    assert len(_notification_events(orders, bodies)) == 2  # each notification recorded once


def _notification_events(orders: OrderStack, bodies: list[bytes]) -> list[dict[str, Any]]:
    ids = {f"tts:{json.loads(b)['tts_notification_id']}" for b in bodies}
    return [e for e in _events(orders, "tts:") if e["event_key"]["S"] in ids]


def test_missing_webhooks_still_converge_from_the_one_that_arrives(orders: OrderStack, held: None) -> None:
    order_id = _place(orders, [("BAG-TOTE", 1)])
    unpaid = orders.held_webhooks(order_id)[0]  # only the UNPAID notification gets through

    assert orders.post_webhook(unpaid).status_code == 200

    record = orders.wait_state(order_id, "imported")
    assert record.tiktok_status == "AWAITING_SHIPMENT"
    assert len(orders.magento_orders(order_id)) == 1


@pytest.mark.parametrize("signature", ["", "0" * 64, "Bearer abc"])
def test_webhook_with_a_bad_signature_is_refused_and_changes_nothing(
    orders: OrderStack, held: None, signature: str
) -> None:
    order_id = _place(orders, [("BAG-TOTE", 1)])
    body = orders.held_webhooks(order_id)[-1]

    response = orders.post_webhook(body, signature=signature)

    assert response.status_code == 401
    key = f"tts:{json.loads(body)['tts_notification_id']}"
    assert _events(orders, key) == []
    assert orders.record(order_id) is None and orders.magento_orders(order_id) == []


def test_address_change_in_tiktok_reaches_the_magento_order(orders: OrderStack) -> None:
    order_id = _place(orders, [("MS-TEE-M-RED", 1)])
    orders.wait_state(order_id, "imported")

    orders.tiktok.update_recipient_address(order_id, address_line1="500 Terry Francine St", postal_code="94158")

    def shipping_address() -> dict[str, Any] | None:
        [order] = orders.magento_orders(order_id)
        address = order["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]
        return address if address["postcode"] == "94158" else None

    address = wait_for(shipping_address, "the new address in Magento")
    assert address["street"][0] == "500 Terry Francine St"
    assert orders.magento_orders(order_id)[0]["billing_address"]["postcode"] == "94158"
    assert any("shipping address updated" in c for c in _comments(orders.magento_orders(order_id)[0]))


# ---------- cancellations ----------
def test_cancel_before_import_creates_nothing(orders: OrderStack) -> None:
    order_id = _place(orders, [("BAG-TOTE", 1)], pay=False)
    orders.wait_state(order_id, "seen")

    orders.tiktok.cancel_order(order_id)

    orders.wait_state(order_id, "cancelled")
    assert orders.magento_orders(order_id) == []


def test_cancel_after_import(orders: OrderStack, ttsc: Any) -> None:
    # Invoiced: left to the refund flow with a comment.
    invoiced = _place(orders, [("MS-TEE-S-BLA", 1)])
    orders.wait_state(invoiced, "imported")
    orders.tiktok.cancel_order(invoiced, initiator="SELLER", reason="Out of stock")
    orders.wait_state(invoiced, "awaiting_refund")
    [order] = orders.magento_orders(invoiced)
    assert order["state"] == "processing" and any("after it was invoiced" in c for c in _comments(order))

    # Imported at placement (pending, reserving stock): cancelled in Magento, stock released.
    defaults = orders.admin("GET", f"/admin/shops/{US_SHOP_ID}/order-settings").json()
    assert orders.admin(
        "PUT", f"/admin/shops/{US_SHOP_ID}/order-settings", json=defaults | {"import_at_placement": True}
    ).ok
    try:
        before = orders.magento.salable_quantity("MS-TEE-L-BLA")
        pending = _place(orders, [("MS-TEE-L-BLA", 2)], pay=False)
        orders.wait_state(pending, "pending")
        assert orders.magento.salable_quantity("MS-TEE-L-BLA") == before - 2
        orders.tiktok.cancel_order(pending)
        orders.wait_state(pending, "cancelled")
        assert orders.magento_orders(pending)[0]["state"] == "canceled"
        assert orders.magento.salable_quantity("MS-TEE-L-BLA") == before
    finally:
        orders.admin("PUT", f"/admin/shops/{US_SHOP_ID}/order-settings", json=defaults)


# ---------- failures the merchant must see ----------
def test_unmapped_sku_and_out_of_stock_are_parked_alerted_and_retried(
    orders: OrderStack, ttsc: Any, alerts: Any
) -> None:
    extra = list_tiktok_product(
        orders.tts.api, orders.tts.us, {"NOT-A-MAGENTO-SKU": "10.00", SOLD_OUT_SKU: "9.00"}, title="Parked"
    )
    unmapped = orders.tiktok.place_order(US_SHOP_ID, [(extra.sku_ids["NOT-A-MAGENTO-SKU"], 1)])["id"]
    orders.tiktok.pay_order(unmapped)
    sold_out = orders.tiktok.place_order(US_SHOP_ID, [(extra.sku_ids[SOLD_OUT_SKU], 2)])["id"]
    orders.tiktok.pay_order(sold_out)

    first = orders.wait_state(unmapped, "failed")
    second = orders.wait_state(sold_out, "failed")

    assert "NOT-A-MAGENTO-SKU" in (first.failure or "")
    assert "The requested qty is not available" in (second.failure or "")
    failed = {o["tiktok_order_id"]: o for o in ttsc("orders", "list", "--status", "failed")}
    assert {unmapped, sold_out} <= set(failed)
    subjects = wait_for(lambda: {a["Subject"] for a in alerts()} or None, "alerts")
    for _ in range(3):
        subjects |= {a["Subject"] for a in alerts()}
    assert {f"TikTok order {unmapped} needs attention", f"TikTok order {sold_out} needs attention"} <= subjects
    assert orders.magento_orders(unmapped) == [] and orders.magento_orders(sold_out) == []

    # The merchant fixes both (maps the SKU to a Magento product, adds stock) and retries.
    listing = extra.listing(US_SHOP_ID, "NOT-A-MAGENTO-SKU")
    fixed = listing.model_copy(
        update={
            "magento_sku": "MS-TEE-M-RED",
            "skus": [
                s.model_copy(update={"magento_sku": "MS-TEE-M-RED"}) if s.magento_sku == "NOT-A-MAGENTO-SKU" else s
                for s in listing.skus
            ],
        }
    )
    DynamoDBListingStore(orders.table("MappingsTable")).save(fixed)
    orders.magento.set_source_quantity(SOLD_OUT_SKU, 10)
    ttsc("orders", "retry", unmapped)
    ttsc("orders", "retry", sold_out)

    assert orders.wait_state(unmapped, "imported").failure is None
    orders.wait_state(sold_out, "imported")
    assert [i["sku"] for i in orders.magento_orders(unmapped)[0]["items"]] == ["MS-TEE-M-RED"]
    assert len(orders.magento_orders(sold_out)) == 1


def test_totals_difference_is_recorded(orders: OrderStack, ttsc: Any) -> None:
    order_id = _place(orders, [("MS-TEE-S-BLA", 2)], seller_discount="5.00", tax="3.60", shipping_fee="4.99")

    record = orders.wait_state(order_id, "imported")

    assert record.totals is not None and not record.totals.matches
    assert any(d.startswith("tax: TikTok 3.60, Magento 0.00") for d in record.totals.differences)
    assert any("Magento's totals differ" in c for c in _comments(orders.magento_orders(order_id)[0]))
    assert ttsc("orders", "show", order_id)["record"]["totals"]["tiktok"]["discounts"] == "5.00"


# ---------- tracking back to TikTok ----------
def test_unmapped_carrier_fails_clearly_then_the_mapped_provider_is_used(orders: OrderStack, ttsc: Any) -> None:
    order_id = _place(orders, [("BAG-TOTE", 1)])
    orders.wait_state(order_id, "imported")
    _ship_in_magento(orders, order_id, {"track_number": "PP-0001", "title": "Pigeon Post", "carrier_code": "custom"})
    _reconcile(orders)

    failed = orders.wait_state(order_id, "failed")
    assert "Pigeon Post" in (failed.failure or "") and "not mapped" in (failed.failure or "")
    assert "ttsc carriers map" in (failed.failure_hint or "")
    assert orders.tiktok.order(order_id)["status"] == "AWAITING_SHIPMENT"

    carriers = ttsc("carriers", "list")
    assert {p["name"] for p in carriers["providers"]} == {"USPS", "UPS", "FedEx"}
    assert carriers["automatic"]["ups"] == f"UPS ({UPS_ID})"
    ttsc("carriers", "map", "custom:Pigeon Post", UPS_ID)
    ttsc("orders", "retry", order_id)

    record = orders.wait_state(order_id, "shipped")
    assert record.pushed_shipments[0].shipping_provider_id == UPS_ID
    tiktok = orders.tiktok.order(order_id)
    assert tiktok["status"] == "IN_TRANSIT" and tiktok["shipping_provider_id"] == UPS_ID


def test_partial_shipment_ships_only_the_shipped_lines(orders: OrderStack, no_magento_events: None) -> None:
    order_id = _place(orders, [("MS-TEE-S-BLA", 2), ("MS-TEE-M-RED", 1)])
    orders.wait_state(order_id, "imported")
    track = {"track_number": "9400100000000000000011", "title": "United States Postal Service", "carrier_code": "usps"}
    _ship_in_magento(orders, order_id, track, {"MS-TEE-S-BLA": 1})
    _reconcile(orders)

    record = orders.wait_state(order_id, "partially_shipped")

    tiktok = orders.tiktok.order(order_id)
    assert tiktok["status"] == "PARTIALLY_SHIPPING"
    shipped = [i for i in tiktok["line_items"] if i.get("tracking_number")]
    assert [(i["seller_sku"], i["tracking_number"]) for i in shipped] == [("MS-TEE-S-BLA", track["track_number"])]
    assert record.pushed_shipments[0].tiktok_line_item_ids == [shipped[0]["id"]]


# ---------- reconciliation ----------
def test_reconciliation_recovers_an_order_whose_webhooks_never_arrived(
    orders: OrderStack, ttsc: Any, held: None
) -> None:
    order_id = _place(orders, [("MS-TEE-L-BLA", 1)])
    assert orders.record(order_id) is None
    orders.past_update_time(order_id)

    _reconcile(orders)

    orders.wait_state(order_id, "imported")
    assert len(orders.magento_orders(order_id)) == 1
    # A sync over the same window again finds the order up to date and queues nothing for it.
    result = ttsc("orders", "sync", "--since", "1h")
    assert order_id not in result["shops"][0]["queued"]


# ---------- exactly once when Magento or the connector fails ----------
def test_magento_outage_during_creation_is_retried_without_a_duplicate(orders: OrderStack) -> None:
    # Refused twice before Magento does anything, then an answer lost after Magento placed the order.
    seen = len(orders.magento.requests())
    orders.magento.inject_fault(Fault(status=503, path_contains="/payment-information", times=2))
    orders.magento.inject_fault(Fault(status=502, path_contains="/payment-information", after_processing=True))
    try:
        order_id = _place(orders, [("MS-TEE-M-RED", 1)])
        record = orders.wait_state(order_id, "imported", timeout=90)
    finally:
        orders.magento.clear_faults()

    assert len(orders.magento_orders(order_id)) == 1
    assert record.magento_order_id == orders.magento_orders(order_id)[0]["entity_id"]
    attempts = [r for r in orders.magento.requests()[seen:] if "/payment-information" in r["path"]]
    assert [r["status"] for r in attempts] == [503, 503, 502]


def test_crash_between_magento_placing_the_order_and_the_mapping_being_saved(orders: OrderStack) -> None:
    # Magento places the order but holds its answer; meanwhile the function's sandbox dies.
    orders.magento.inject_fault(
        Fault(status=None, path_contains="/payment-information", after_processing=True, answer_delay_seconds=20)
    )
    try:
        order_id = _place(orders, [("MS-TEE-S-BLA", 1)])
        wait_for(lambda: orders.magento_orders(order_id), "Magento to place the order")
        noted = orders.record(order_id)
        assert noted is not None and noted.placement is not None and noted.magento_order_id is None
        assert orders.stack.runtime is not None
        assert orders.stack.runtime.kill_busy_workers("OrderEventsFunction") >= 1
    finally:
        orders.magento.clear_faults()

    record = orders.wait_state(order_id, "imported", timeout=90)

    [order] = orders.magento_orders(order_id)
    assert record.magento_order_id == order["entity_id"] and order["ext_order_id"] == order_id
    assert any("interrupted placement" in h.note for h in record.history)
