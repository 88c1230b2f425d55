"""Listings map SKUs both ways; the DynamoDB store (on the template's MappingsTable) and the fake agree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.aws_tables import template_tables
from tests.unit.listings.fakes import InMemoryListingStore
from tts_connector.listings.records import ListedSku, Listing, ListingStatus
from tts_connector.listings.store import DynamoDBListingStore


@pytest.fixture(params=["dynamodb", "memory"])
def store(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "memory":
        yield InMemoryListingStore()
        return
    with template_tables("MappingsTable") as tables:
        yield DynamoDBListingStore(tables["MappingsTable"], clock=lambda: 1_800_000_000)


def _tee(skus: list[tuple[str, str]], product_id: str = "1729") -> Listing:
    return Listing(
        shop_id="shop-1",
        magento_sku="MS-TEE",
        magento_product_id=10,
        tiktok_product_id=product_id,
        warehouse_id="wh-1",
        skus=[ListedSku(magento_sku=m, tiktok_sku_id=t, seller_sku=m) for m, t in skus],
    )


def test_a_configurable_maps_each_child_both_ways(store: Any) -> None:
    store.save(_tee([("MS-TEE-S-RED", "9001"), ("MS-TEE-M-RED", "9002")]))

    by_magento = store.sku_by_magento("shop-1", "MS-TEE-M-RED")
    by_tiktok = store.sku_by_tiktok("shop-1", "9001")

    assert by_magento is not None and by_magento.tiktok_sku_id == "9002" and by_magento.listing_sku == "MS-TEE"
    assert by_tiktok is not None and by_tiktok.magento_sku == "MS-TEE-S-RED"
    assert store.by_tiktok_product("shop-1", "1729").magento_sku == "MS-TEE"
    assert store.sku_by_magento("shop-2", "MS-TEE-M-RED") is None


def test_a_resave_drops_the_lookups_of_removed_children(store: Any) -> None:
    store.save(_tee([("MS-TEE-S-RED", "9001"), ("MS-TEE-M-RED", "9002")]))

    store.save(_tee([("MS-TEE-S-RED", "9001")]))

    assert store.sku_by_magento("shop-1", "MS-TEE-M-RED") is None
    assert store.sku_by_tiktok("shop-1", "9002") is None
    assert [s.magento_sku for s in store.get("shop-1", "MS-TEE").skus] == ["MS-TEE-S-RED"]


def test_an_older_status_never_overwrites_a_newer_one(store: Any) -> None:
    store.save(_tee([("MS-TEE-S-RED", "9001")]))

    store.set_status("shop-1", "MS-TEE", ListingStatus.FAILED, ["Image too small"], at=200)
    late = store.set_status("shop-1", "MS-TEE", ListingStatus.PENDING, [], at=100)

    assert late.status is ListingStatus.FAILED and late.audit_reasons == ["Image too small"]
    assert store.set_status("shop-1", "NOPE", ListingStatus.ACTIVATE, [], at=300) is None


def test_listings_of_a_shop_are_listed_in_sku_order(store: Any) -> None:
    for sku in ("B", "A", "C"):
        store.save(_tee([]).model_copy(update={"magento_sku": sku, "tiktok_product_id": f"p-{sku}"}))

    assert [listing.magento_sku for listing in store.iter_listings("shop-1")] == ["A", "B", "C"]
    assert [listing.magento_sku for listing in store.iter_listings("shop-1", after="A")] == ["B", "C"]
    assert [listing.magento_sku for listing in store.iter_listings("shop-1", after="C")] == []
