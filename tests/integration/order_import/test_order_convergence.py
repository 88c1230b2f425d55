"""The order state machine against the TikTok and Magento sandboxes over HTTP (in-memory connector stores).

Each test drives TikTok through the sandbox's control API the way buyers, sellers and carriers do, then
converges the order as any trigger would and checks what Magento and the connector's record hold.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from magento_sandbox import Fault
from tests.integration.order_import.conftest import World
from tests.order_support import SOLD_OUT_SKU, UPS_ID, US_SHOP_ID, list_tiktok_product
from tts_connector.errors import TransientError
from tts_connector.events.models import EventStatus
from tts_connector.magento import Address
from tts_connector.order_import.converge import Hint, converge_order
from tts_connector.order_import.options import (
    CARRIERS_SECTION,
    ORDERS_SECTION,
    CarrierChoice,
    CarrierMap,
    OrderSettings,
)
from tts_connector.order_import.records import OrderRecord, OrderState, Placement

pytestmark = pytest.mark.integration


def _converge(world: World, order_id: str, **kwargs: Any) -> OrderRecord:
    outcome = converge_order(world.services, US_SHOP_ID, order_id, **kwargs)
    record = world.store.get(US_SHOP_ID, order_id)
    assert record is not None, outcome.detail
    return record


def _magento(world: World, record: OrderRecord) -> dict[str, Any]:
    assert record.magento_order_id is not None
    return world.magento.order(record.magento_order_id)


def _comments(order: dict[str, Any]) -> list[str]:
    return [h["comment"] for h in order["status_histories"]]


def _past_update_time(world: World, order_id: str) -> None:
    """The sandbox keeps update_time strictly increasing, so two changes in one second put it a second ahead of
    the clock (TikTok's never is); a search "updated until now" sees it once the clock has passed it."""
    update_time = int(world.tiktok.order(order_id)["update_time"])
    while time.time() <= update_time:
        time.sleep(0.05)


def _settings(world: World, **changes: Any) -> None:
    world.settings.save(US_SHOP_ID, ORDERS_SECTION, OrderSettings(**changes))


def _paid_order(world: World, lines: list[tuple[str, int]], *, shipping_type: str = "SELLER", **charges: str) -> str:
    placed = world.tiktok.place_order(
        US_SHOP_ID, [(world.sku(sku), qty) for sku, qty in lines], shipping_type=shipping_type, **charges
    )
    world.tiktok.pay_order(placed["id"])
    return str(placed["id"])


def test_seller_order_is_seen_unpaid_then_imported_and_invoiced_once_paid(world: World) -> None:
    placed = world.tiktok.place_order(US_SHOP_ID, [(world.sku("MS-TEE-S-BLA"), 2), (world.sku("BAG-TOTE"), 1)])
    assert _converge(world, placed["id"]).state is OrderState.SEEN
    assert world.magento.state.orders == {}

    world.tiktok.pay_order(placed["id"])
    record = _converge(world, placed["id"])

    assert record.state is OrderState.IMPORTED
    order = _magento(world, record)
    assert (order["state"], order["status"]) == ("processing", "processing")
    assert order["ext_order_id"] == placed["id"]
    assert order["customer_email"] == f"tiktok+{placed['id']}@example.com"
    assert {i["sku"]: i["qty_ordered"] for i in order["items"]} == {"MS-TEE-S-BLA": 2.0, "BAG-TOTE": 1.0}
    address = order["billing_address"]
    assert (address["firstname"], address["region_id"], address["postcode"]) == ("Jane", 12, "95110")
    items = {i["sku"]: i["item_id"] for i in order["items"]}
    assert sorted(link.magento_order_item_id for link in record.lines) == sorted(
        [items["MS-TEE-S-BLA"], items["MS-TEE-S-BLA"], items["BAG-TOTE"]]
    )
    assert any("TTS order: Yes" in c for c in _comments(order))
    assert record.magento_increment_id == order["increment_id"]
    states = [h.state for h in record.history]
    assert [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s] == [
        OrderState.SEEN,
        OrderState.PENDING,
        OrderState.IMPORTED,
    ]


def test_converging_again_changes_nothing_and_older_hints_are_skipped(world: World) -> None:
    order_id = _paid_order(world, [("MS-TEE-S-BLA", 1)])
    first = _converge(world, order_id)
    requests_before = len(world.magento.requests())

    again = _converge(world, order_id)
    stale = converge_order(world.services, US_SHOP_ID, order_id, hint=Hint(update_time=1, status="UNPAID"))

    assert len(world.magento.state.orders) == 1
    assert again.magento_order_id == first.magento_order_id
    assert len(_comments(_magento(world, again))) == len(_comments(_magento(world, first)))
    assert stale.status is EventStatus.IGNORED
    # The second run only read the order (and its shipments); nothing was written.
    writes = [r for r in world.magento.requests()[requests_before:] if r["method"] != "GET"]
    assert writes == []


def test_platform_order_is_imported_invoiced_and_shipped_at_awaiting_collection(world: World) -> None:
    order_id = _paid_order(world, [("MS-TEE-M-RED", 2)], shipping_type="TIKTOK")
    assert _converge(world, order_id).state is OrderState.SEEN  # AWAITING_SHIPMENT: the guide imports later

    world.tiktok.arrange_shipment(order_id)
    record = _converge(world, order_id)

    assert record.state is OrderState.SHIPPED
    order = _magento(world, record)
    assert order["state"] == "complete"
    tiktok = world.tiktok.order(order_id)
    [shipment] = [s for s in world.magento.state.shipments.values() if s["order_id"] == record.magento_order_id]
    assert [t["track_number"] for t in shipment["tracks"]] == [tiktok["tracking_number"]]
    assert shipment["tracks"][0]["title"] == "USPS"

    world.tiktok.carrier_collect(order_id)
    world.tiktok.deliver_order(order_id)
    record = _converge(world, order_id)
    order = _magento(world, record)
    assert order["state"] == "complete"
    assert any("is delivered in TikTok" in c for c in _comments(order))
    assert len([s for s in world.magento.state.shipments.values() if s["order_id"] == record.magento_order_id]) == 1


def test_platform_order_imported_early_when_the_shop_says_so(world: World) -> None:
    _settings(world, import_platform_orders_at_awaiting_shipment=True)
    order_id = _paid_order(world, [("MS-TEE-M-RED", 1)], shipping_type="TIKTOK")

    record = _converge(world, order_id)
    assert record.state is OrderState.IMPORTED
    assert _magento(world, record)["state"] == "processing"

    world.tiktok.arrange_shipment(order_id)
    assert _converge(world, order_id).state is OrderState.SHIPPED


def test_import_at_placement_reserves_stock_then_takes_the_buyer_address(world: World) -> None:
    _settings(world, import_at_placement=True)
    before = world.magento.salable_quantity("BAG-TOTE")
    placed = world.tiktok.place_order(US_SHOP_ID, [(world.sku("BAG-TOTE"), 1)])

    pending = _converge(world, placed["id"])
    assert pending.state is OrderState.PENDING
    order = _magento(world, pending)
    assert order["state"] == "new" and order["billing_address"]["firstname"] == "TikTok buyer"
    assert world.magento.salable_quantity("BAG-TOTE") == before - 1

    world.tiktok.pay_order(placed["id"])
    paid = _converge(world, placed["id"])
    order = _magento(world, paid)
    assert paid.state is OrderState.IMPORTED and order["state"] == "processing"
    shipping = order["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]
    assert (shipping["firstname"], shipping["street"]) == ("Jane", ["1199 Coleman Ave", "Suite 100"])
    assert any("shipping address updated" in c for c in _comments(order))


def test_cancelled_before_import_creates_nothing(world: World) -> None:
    placed = world.tiktok.place_order(US_SHOP_ID, [(world.sku("BAG-TOTE"), 1)])
    world.tiktok.cancel_order(placed["id"])

    record = _converge(world, placed["id"])

    assert record.state is OrderState.CANCELLED and record.magento_order_id is None
    assert world.magento.state.orders == {}


def test_pending_order_is_cancelled_in_magento_when_tiktok_cancels(world: World) -> None:
    _settings(world, import_at_placement=True)
    before = world.magento.salable_quantity("BAG-TOTE")
    placed = world.tiktok.place_order(US_SHOP_ID, [(world.sku("BAG-TOTE"), 1)])
    _converge(world, placed["id"])

    world.tiktok.cancel_order(placed["id"])
    record = _converge(world, placed["id"])

    assert record.state is OrderState.CANCELLED
    assert _magento(world, record)["state"] == "canceled"
    assert world.magento.salable_quantity("BAG-TOTE") == before


def test_invoiced_order_cancelled_in_tiktok_is_left_to_the_refund_flow(world: World) -> None:
    order_id = _paid_order(world, [("BAG-TOTE", 1)])
    _converge(world, order_id)

    world.tiktok.cancel_order(order_id, initiator="SELLER", reason="Out of stock")
    record = _converge(world, order_id)

    assert record.state is OrderState.AWAITING_REFUND
    order = _magento(world, record)
    assert order["state"] == "processing"
    assert any("after it was invoiced" in c and "Out of stock" in c for c in _comments(order))


def test_unmapped_sku_parks_the_order_with_an_alert_and_a_retry_imports_it(world: World) -> None:
    other = list_tiktok_product(world.tts.api, world.tts.us, {"NOT-IN-MAGENTO": "10.00"}, title="Unmapped")
    placed = world.tiktok.place_order(US_SHOP_ID, [(other.sku_ids["NOT-IN-MAGENTO"], 1)])
    world.tiktok.pay_order(placed["id"])

    record = _converge(world, placed["id"])

    assert record.state is OrderState.FAILED
    assert "NOT-IN-MAGENTO" in (record.failure or "") and "ttsc orders retry" in (record.failure_hint or "")
    assert len(world.alerts.sent) == 1
    _converge(world, placed["id"])
    assert len(world.alerts.sent) == 1  # the same failure alerts once
    assert world.magento.state.orders == {}

    world.listings.save(
        other.listing(US_SHOP_ID).model_copy(
            update={"skus": [other.listing(US_SHOP_ID).skus[0].model_copy(update={"magento_sku": "BAG-TOTE"})]}
        )
    )
    retried = _converge(world, placed["id"], force=True)
    assert retried.state is OrderState.IMPORTED and retried.failure is None
    assert [i["sku"] for i in _magento(world, retried)["items"]] == ["BAG-TOTE"]


def test_seller_sku_names_the_magento_product_when_there_is_no_listing(world: World) -> None:
    world.listings.listings.clear()
    order_id = _paid_order(world, [("MS-TEE-L-BLA", 1)])

    record = _converge(world, order_id)

    assert record.state is OrderState.IMPORTED
    assert [link.magento_sku for link in record.lines] == ["MS-TEE-L-BLA"]


def test_out_of_stock_parks_the_order_and_a_retry_after_restocking_imports_it(world: World) -> None:
    product = list_tiktok_product(world.tts.api, world.tts.us, {SOLD_OUT_SKU: "9.00"}, title="Mug")
    world.listings.save(product.listing(US_SHOP_ID))
    placed = world.tiktok.place_order(US_SHOP_ID, [(product.sku_ids[SOLD_OUT_SKU], 2)])
    world.tiktok.pay_order(placed["id"])

    failed = _converge(world, placed["id"])
    assert failed.state is OrderState.FAILED
    assert "for SKU MUG-SOLDOUT: The requested qty is not available" in (failed.failure or "")
    assert "Add stock for SKU MUG-SOLDOUT" in (failed.failure_hint or "")
    assert failed.placement is None and world.magento.state.orders == {}

    world.magento.set_source_quantity(SOLD_OUT_SKU, 5)
    retried = _converge(world, placed["id"], force=True)
    assert retried.state is OrderState.IMPORTED


def test_totals_difference_is_recorded_on_the_order_and_the_record(world: World) -> None:
    order_id = _paid_order(world, [("MS-TEE-S-BLA", 2)], seller_discount="5.00", tax="3.60", shipping_fee="4.99")

    record = _converge(world, order_id)

    assert record.totals is not None and not record.totals.matches
    differences = " | ".join(record.totals.differences)
    assert "discounts: TikTok 5.00, Magento 0.00" in differences
    assert "tax: TikTok 3.60, Magento 0.00" in differences
    assert "shipping: TikTok 4.99, Magento 10.00" in differences
    assert any("Magento's totals differ" in c for c in _comments(_magento(world, record)))


def test_matching_totals_record_no_difference(world: World) -> None:
    _settings(world, shipping_carrier_code="freeshipping", shipping_method_code="freeshipping")
    order_id = _paid_order(world, [("MS-TEE-S-BLA", 2)])

    record = _converge(world, order_id)

    assert record.totals is not None and record.totals.matches
    assert record.totals.tiktok["total"] == record.totals.magento["total"] == "50.00"
    assert not any("differ" in c for c in _comments(_magento(world, record)))


def _ship_in_magento(
    world: World, record: OrderRecord, tracks: list[dict[str, str]], qty: dict[str, int] | None = None
) -> None:
    order = _magento(world, record)
    items = [{"order_item_id": i["item_id"], "qty": qty[i["sku"]]} for i in order["items"] if qty and i["sku"] in qty]
    world.magento.ship_order(record.magento_order_id or 0, tracks=tracks, items=items)


def test_merchant_shipment_is_pushed_to_tiktok_with_the_matched_provider(world: World) -> None:
    order_id = _paid_order(world, [("MS-TEE-S-BLA", 1), ("BAG-TOTE", 1)])
    record = _converge(world, order_id)
    _ship_in_magento(
        world, record, [{"track_number": "1Z999AA10123456784", "title": "United Parcel Service", "carrier_code": "ups"}]
    )

    shipped = _converge(world, order_id)

    tiktok = world.tiktok.order(order_id)
    assert tiktok["status"] == "IN_TRANSIT"
    assert {i["tracking_number"] for i in tiktok["line_items"]} == {"1Z999AA10123456784"}
    assert {i["shipping_provider_id"] for i in tiktok["line_items"]} == {UPS_ID}
    assert shipped.state is OrderState.SHIPPED
    assert _magento(world, shipped)["state"] == "complete"
    [push] = shipped.pushed_shipments
    assert push.shipping_provider_id == UPS_ID and len(push.tiktok_line_item_ids) == 2
    assert _converge(world, order_id).pushed_shipments == shipped.pushed_shipments  # pushed once


def test_partial_shipment_ships_only_the_shipped_lines(world: World) -> None:
    order_id = _paid_order(world, [("MS-TEE-S-BLA", 2), ("BAG-TOTE", 1)])
    record = _converge(world, order_id)
    _ship_in_magento(
        world,
        record,
        [{"track_number": "9400100000000000000001", "title": "USPS", "carrier_code": "usps"}],
        {"MS-TEE-S-BLA": 1},
    )

    partial = _converge(world, order_id)

    tiktok = world.tiktok.order(order_id)
    assert tiktok["status"] == "PARTIALLY_SHIPPING"
    shipped = [i for i in tiktok["line_items"] if i.get("tracking_number")]
    assert [i["seller_sku"] for i in shipped] == ["MS-TEE-S-BLA"]
    assert partial.state is OrderState.PARTIALLY_SHIPPED

    _ship_in_magento(
        world, partial, [{"track_number": "9400100000000000000002", "title": "USPS", "carrier_code": "usps"}]
    )
    done = _converge(world, order_id)
    assert world.tiktok.order(order_id)["status"] == "IN_TRANSIT"
    assert done.state is OrderState.SHIPPED and len(done.pushed_shipments) == 2


def test_unmapped_carrier_fails_clearly_and_mapping_it_lets_the_retry_push(world: World) -> None:
    order_id = _paid_order(world, [("BAG-TOTE", 1)])
    record = _converge(world, order_id)
    _ship_in_magento(world, record, [{"track_number": "PP-1", "title": "Pigeon Post", "carrier_code": "custom"}])

    failed = _converge(world, order_id)

    assert failed.state is OrderState.FAILED
    assert "Pigeon Post" in (failed.failure or "") and "not mapped" in (failed.failure or "")
    assert "ttsc carriers map" in (failed.failure_hint or "") and "'custom:pigeon post'" in (failed.failure_hint or "")
    assert world.tiktok.order(order_id)["status"] == "AWAITING_SHIPMENT"

    world.settings.save(
        US_SHOP_ID,
        CARRIERS_SECTION,
        CarrierMap(
            mappings={"custom:pigeon post": CarrierChoice(shipping_provider_id=UPS_ID, shipping_provider_name="UPS")}
        ),
    )
    pushed = _converge(world, order_id, force=True)
    assert pushed.state is OrderState.SHIPPED
    assert world.tiktok.order(order_id)["status"] == "IN_TRANSIT"


def test_lost_answer_of_the_placement_is_found_in_magento_without_a_second_order(world: World) -> None:
    order_id = _paid_order(world, [("BAG-TOTE", 1)])
    world.magento.inject_fault(Fault(status=502, path_contains="/payment-information", after_processing=True))

    record = _converge(world, order_id)

    assert len(world.magento.state.orders) == 1
    assert record.state is OrderState.IMPORTED
    assert _magento(world, record)["ext_order_id"] == order_id


def test_outage_before_placement_is_retried_after_looking_in_magento(world: World) -> None:
    order_id = _paid_order(world, [("BAG-TOTE", 1)])
    world.magento.inject_fault(Fault(status=503, path_contains="/payment-information"))

    with pytest.raises(TransientError):
        converge_order(world.services, US_SHOP_ID, order_id)
    noted = world.store.get(US_SHOP_ID, order_id)
    assert noted is not None and noted.placement is not None and world.magento.state.orders == {}

    record = _converge(world, order_id)
    assert len(world.magento.state.orders) == 1 and record.state is OrderState.IMPORTED


def test_placement_noted_but_not_found_waits_for_the_settle_time_before_placing_again(world: World) -> None:
    world.services.settle_seconds = 3600
    order_id = _paid_order(world, [("BAG-TOTE", 1)])
    world.store.save(
        OrderRecord(
            shop_id=US_SHOP_ID,
            tiktok_order_id=order_id,
            placement=Placement(
                started_at=int(world.services.clock()), customer_email=f"tiktok+{order_id}@example.com"
            ),
        )
    )

    with pytest.raises(TransientError, match="has not shown up in Magento yet"):
        converge_order(world.services, US_SHOP_ID, order_id)
    assert world.magento.state.orders == {}


def test_crash_after_placement_is_recovered_by_the_order_email(world: World) -> None:
    # Magento placed the order, then the connector died before recording it (and before setting ext_order_id).
    order_id = _paid_order(world, [("BAG-TOTE", 1)])
    email = f"tiktok+{order_id}@example.com"
    cart = world.services.magento.checkout.create_guest_cart()
    world.services.magento.checkout.add_item(cart, "BAG-TOTE", 1)
    address = Address("Jane", "Doe", ("1199 Coleman Ave",), "San Jose", "95110", "US", "1", email, region_id=12)
    world.services.magento.checkout.set_shipping_information(
        cart, address, address, carrier_code="flatrate", method_code="flatrate"
    )
    placed = world.services.magento.checkout.place_order(cart, email=email, payment_method="checkmo")
    world.store.save(
        OrderRecord(
            shop_id=US_SHOP_ID, tiktok_order_id=order_id, placement=Placement(started_at=0, customer_email=email)
        )
    )

    record = _converge(world, order_id)

    assert record.magento_order_id == placed and len(world.magento.state.orders) == 1
    assert record.state is OrderState.IMPORTED
    assert _magento(world, record)["ext_order_id"] == order_id


def test_sync_queues_orders_changed_since_the_cursor_and_skips_those_up_to_date(world: World) -> None:
    from tts_connector.events.models import InboundEvent
    from tts_connector.order_import.sync import orders_cursor, sync_shop_orders

    known = _paid_order(world, [("BAG-TOTE", 1)])
    _converge(world, known)
    unknown = _paid_order(world, [("BAG-TOTE", 1)])
    _past_update_time(world, unknown)
    queued: list[InboundEvent] = []

    report = sync_shop_orders(
        shop=world.tts.us,
        store=world.store,
        tiktok=world.tts.api,
        shop_settings=world.settings,
        enqueue=queued.append,
    )

    assert unknown in report.queued and known not in report.queued
    assert report.up_to_date >= 1
    [event] = [e for e in queued if e.payload["order_id"] == unknown]
    assert event.message_group_id == f"{US_SHOP_ID}:order:{unknown}"
    assert world.store.get_cursor(orders_cursor(US_SHOP_ID)) == report.cursor


def test_a_disabled_product_parks_the_order_with_magentos_reason(world: World) -> None:
    with world.magento.state.lock:
        world.magento.state.products["MS-TEE-M-RED"].values["status"] = 2  # disabled in the Admin
    order_id = _paid_order(world, [("MS-TEE-M-RED", 1)])

    record = _converge(world, order_id)

    assert record.state is OrderState.FAILED
    assert "Product that you are trying to add is not available" in (record.failure or "")
    assert "Enable the product for SKU MS-TEE-M-RED" in (record.failure_hint or "")
    assert world.magento.state.orders == {}


def test_a_magento_order_deleted_by_the_merchant_parks_the_order_instead_of_placing_it_again(world: World) -> None:
    order_id = _paid_order(world, [("BAG-TOTE", 1)])
    imported = _converge(world, order_id)
    with world.magento.state.lock:
        del world.magento.state.orders[imported.magento_order_id or 0]
    world.tiktok.ship_order(order_id)  # shipped from Seller Center: the next step needs the Magento order

    record = _converge(world, order_id)

    assert record.state is OrderState.FAILED and "no longer exists in Magento" in (record.failure or "")
    assert world.magento.state.orders == {}
