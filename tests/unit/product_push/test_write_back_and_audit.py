"""Write-back checks what Magento kept; audit notifications record TikTok's status without going backwards."""

from __future__ import annotations

import time

from tests.unit.connect.fakes import InMemoryConnectStore
from tests.unit.listings.fakes import InMemoryListingStore
from tests.unit.magento.conftest import ScriptedTransport
from tests.unit.product_push.fakes import FakeApi, InMemoryPushStore
from tts_connector.connect.records import Shop
from tts_connector.events.models import EventStatus
from tts_connector.listings.records import ListedSku, Listing, ListingStatus
from tts_connector.magento import MagentoClient, OAuthCredentials
from tts_connector.product_push.audit import handle_audit_event
from tts_connector.product_push.records import WriteBackMessage
from tts_connector.product_push.writeback import write_back
from tts_connector.tiktok.models.product import Product
from tts_connector.tiktok.webhook import TikTokNotification

SHOP = "7494049642642441621"


def _magento(transport: ScriptedTransport) -> MagentoClient:
    credentials = OAuthCredentials.model_validate(
        {"consumer_key": "ck", "consumer_secret": "cs", "access_token": "at", "access_token_secret": "ats"}
    )
    return MagentoClient("https://shop.example", credentials, transport=transport, sleep=lambda _s: None)


def test_a_write_back_magento_dropped_is_recorded_with_its_fix() -> None:
    kept = {"sku": "A", "attribute_set_id": 4, "custom_attributes": [
        {"attribute_code": "tiktok_product_id", "value": "99"}, {"attribute_code": "tiktok_shop_synced", "value": "1"}
    ]}  # fmt: skip
    dropped = {"sku": "B", "attribute_set_id": 12, "custom_attributes": [{"attribute_code": "name", "value": "B"}]}
    transport = ScriptedTransport([ScriptedTransport.ok(kept), ScriptedTransport.ok(dropped)])
    store = InMemoryPushStore()

    done = write_back(
        WriteBackMessage(shop_id=SHOP, sku="A", tiktok_product_id="99"), magento=_magento(transport), store=store
    )
    failed = write_back(
        WriteBackMessage(shop_id=SHOP, sku="B", tiktok_product_id="98"), magento=_magento(transport), store=store
    )

    assert done.status == "DONE"
    assert transport.sent[0].method == "PUT" and "/rest/all/V1/products/A" in transport.sent[0].url
    assert transport.sent[0].body["product"]["custom_attributes"] == [
        {"attribute_code": "tiktok_product_id", "value": "99"},
        {"attribute_code": "tiktok_shop_synced", "value": "1"},
    ]
    assert failed.status == "FAILED"
    assert "not in its attribute set 12" in failed.message and "ttsc setup magento" in (failed.hint or "")
    assert store.write_back(SHOP, "B") == failed


def _event(topic: int, data: dict[str, object]) -> object:
    return TikTokNotification(
        type=topic, shop_id=SHOP, timestamp=int(time.time()), data=data, tts_notification_id=str(topic)
    ).to_event()


def _setup() -> tuple[InMemoryListingStore, InMemoryPushStore, InMemoryConnectStore]:
    listings = InMemoryListingStore()
    listings.save(
        Listing(
            shop_id=SHOP,
            magento_sku="TEE",
            tiktok_product_id="555",
            skus=[ListedSku(magento_sku="TEE", tiktok_sku_id="1")],
            status=ListingStatus.PENDING,
            status_at=100,
        )
    )
    connect = InMemoryConnectStore()
    connect.shops[SHOP] = Shop(shop_id=SHOP, open_id="o", name="US", region="US", cipher="c")
    return listings, InMemoryPushStore(), connect


def test_an_approval_is_recorded_without_calling_tiktok_and_a_failure_reads_the_reasons() -> None:
    listings, store, connect = _setup()
    failed = Product.model_validate(
        {
            "id": "555",
            "title": "Tee",
            "status": "FAILED",
            "update_time": 300,
            "audit": {"status": "FAILED"},
            "audit_failed_reasons": [
                {"position": "product", "reasons": ["Watermark"], "suggestions": ["Use a clean image"]}
            ],
        }
    )
    api = FakeApi({"555": failed})

    approved = handle_audit_event(
        _event(37, {"product_id": 555, "audit": {"status": "APPROVED"}, "update_time": 200}),  # type: ignore[arg-type]
        listings=listings,
        store=store,
        connect=connect,
        tiktok=lambda: api,  # type: ignore[arg-type,return-value]
    )
    assert approved.status is EventStatus.PROCESSED
    assert listings.get(SHOP, "TEE").status is ListingStatus.ACTIVATE  # type: ignore[union-attr]
    assert api.products.gets == []

    handle_audit_event(
        _event(5, {"product_id": 555, "status": "PRODUCT_AUDIT_FAILURE", "update_time": 300}),  # type: ignore[arg-type]
        listings=listings,
        store=store,
        connect=connect,
        tiktok=lambda: api,  # type: ignore[arg-type,return-value]
    )
    listing = listings.get(SHOP, "TEE")
    assert listing is not None and listing.status is ListingStatus.FAILED
    assert listing.audit_reasons == ["product: Watermark", "suggestion: Use a clean image"]
    # An older notification arriving late changes nothing.
    handle_audit_event(
        _event(37, {"product_id": 555, "audit": {"status": "APPROVED"}, "update_time": 150}),  # type: ignore[arg-type]
        listings=listings,
        store=store,
        connect=connect,
        tiktok=lambda: api,  # type: ignore[arg-type,return-value]
    )
    assert listings.get(SHOP, "TEE").status is ListingStatus.FAILED  # type: ignore[union-attr]


def test_a_result_for_a_product_not_listed_yet_is_kept_for_the_push_to_apply() -> None:
    listings, store, connect = _setup()

    outcome = handle_audit_event(
        _event(5, {"product_id": 777, "status": "PRODUCT_FIRST_PASS_REVIEW", "update_time": 400}),  # type: ignore[arg-type]
        listings=listings,
        store=store,
        connect=connect,
        tiktok=lambda: FakeApi({}),  # type: ignore[arg-type,return-value]
    )

    assert outcome.status is EventStatus.PROCESSED and "not (yet) a connector listing" in outcome.detail
    seen = store.take_audit(SHOP, "777")
    assert seen is not None and (seen.status, seen.at) == (ListingStatus.ACTIVATE, 400)
