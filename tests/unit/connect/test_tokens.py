"""Token lifecycle rules, without AWS: refresh ahead of expiry, one refresh at a time, stopped shops."""

from __future__ import annotations

import threading

import pytest

from tests.unit.connect.fakes import FakeAuthHost, InMemoryConnectStore
from tts_connector.connect.records import SellerTokens, Shop, ShopStatus
from tts_connector.connect.tokens import ShopDisconnectedError, StoredTokenSource, refresh_due_tokens
from tts_connector.errors import AuthenticationError

NOW = 1_800_000_000


def _store(access_expires_in: int, shop_status: ShopStatus = ShopStatus.CONNECTED) -> InMemoryConnectStore:
    store = InMemoryConnectStore()
    store.save_new_authorization(
        SellerTokens(
            open_id="seller-1",
            access_token="access-0",
            refresh_token="refresh-0",
            access_expires_at=NOW + access_expires_in,
            refresh_expires_at=NOW + 365 * 24 * 3600,
        )
    )
    store.upsert_authorized_shop(Shop(shop_id="shop-1", open_id="seller-1", name="US", region="US", cipher="c"))
    store.update_shop("shop-1", status=shop_status, status_reason="deauthorized by the seller")
    return store


def _source(store: InMemoryConnectStore, host: FakeAuthHost) -> StoredTokenSource:
    return StoredTokenSource(store, host, clock=lambda: NOW, sleep=lambda _: None)


def test_a_fresh_token_is_used_as_is() -> None:
    host = FakeAuthHost(NOW)
    source = _source(_store(access_expires_in=3600), host)

    assert source.access_token("shop-1") == "access-0"
    assert host.calls == 0


def test_a_token_about_to_expire_is_refreshed_before_use_and_the_rotated_pair_is_kept() -> None:
    store, host = _store(access_expires_in=60), FakeAuthHost(NOW)
    source = _source(store, host)

    assert source.access_token("shop-1") == "access-1"
    assert store.sellers["seller-1"].refresh_token == "refresh-1"
    assert store.sellers["seller-1"].version == 2


def test_concurrent_refreshers_refresh_once_and_share_the_new_token() -> None:
    store, host = _store(access_expires_in=3600), FakeAuthHost(NOW)
    sources = [StoredTokenSource(store, host, clock=lambda: NOW) for _ in range(8)]
    results: list[str] = []
    barrier = threading.Barrier(len(sources))

    def refresh(source: StoredTokenSource) -> None:
        # Each invocation got the same token, and TikTok then answered 105002 to each of them
        assert source.access_token("shop-1") == "access-0"
        barrier.wait()
        results.append(source.refresh("shop-1"))

    threads = [threading.Thread(target=refresh, args=(s,)) for s in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert host.calls == 1  # a second refresh with the rotated-out token would have raised
    assert results == ["access-1"] * 8


def test_a_failed_refresh_releases_the_lease_for_the_next_caller() -> None:
    store, host = _store(access_expires_in=3600), FakeAuthHost(NOW)
    host.valid_refresh.clear()
    source = _source(store, host)

    with pytest.raises(PermissionError):
        source.refresh("shop-1")

    assert store.leases == {}
    host.valid_refresh.add("refresh-0")
    assert source.refresh("shop-1") == "access-1"


def test_a_disconnected_shop_gets_no_token() -> None:
    source = _source(_store(access_expires_in=3600, shop_status=ShopStatus.DISCONNECTED), FakeAuthHost(NOW))

    with pytest.raises(ShopDisconnectedError, match="deauthorized by the seller"):
        source.access_token("shop-1")


def test_an_unknown_shop_is_an_authentication_error_with_a_hint() -> None:
    source = _source(_store(access_expires_in=3600), FakeAuthHost(NOW))

    with pytest.raises(AuthenticationError) as raised:
        source.access_token("other-shop")
    assert raised.value.hint == "Run `ttsc connect`"


def test_scheduled_refresh_renews_only_what_is_due_and_reports_ending_authorizations() -> None:
    store, host = _store(access_expires_in=2 * 3600), FakeAuthHost(NOW)
    source = _source(store, host)

    early = refresh_due_tokens(source, now=NOW, refresh_ahead_seconds=3600, warn_ahead_seconds=0)
    assert early.refreshed == [] and host.calls == 0

    due = refresh_due_tokens(source, now=NOW, refresh_ahead_seconds=3 * 3600, warn_ahead_seconds=400 * 24 * 3600)

    assert due.refreshed == ["seller-1"]
    assert due.expiring_authorizations == ["seller-1"]


def test_scheduled_refresh_skips_sellers_whose_shops_are_all_disconnected() -> None:
    store, host = _store(access_expires_in=60, shop_status=ShopStatus.DISCONNECTED), FakeAuthHost(NOW)

    report = refresh_due_tokens(_source(store, host), now=NOW, refresh_ahead_seconds=3600, warn_ahead_seconds=0)

    assert report.skipped == ["seller-1"] and report.refreshed == []
    assert host.calls == 0
