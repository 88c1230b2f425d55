"""Token lifecycle rules, without AWS: refresh ahead of expiry, one refresh at a time, stopped shops."""

from __future__ import annotations

import threading

import pytest

from tests.unit.connect.fakes import FakeAuthHost, InMemoryConnectStore
from tts_connector.connect.records import SellerTokens, Shop, ShopStatus
from tts_connector.connect.shop_events import stopped_reason
from tts_connector.connect.tokens import (
    ReauthorizationRequiredError,
    ShopDisconnectedError,
    StoredTokenSource,
    refresh_due_tokens,
)
from tts_connector.errors import AuthenticationError
from tts_connector.tiktok.errors import TikTokTransientError
from tts_connector.tiktok.models.auth import TokenSet

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


def test_a_lost_refresh_answer_after_rotation_marks_the_seller_for_reauthorization() -> None:
    # TikTok rotated the pair but the answer was lost: the old refresh token is refused from then on.
    store, host = _store(access_expires_in=3600), FakeAuthHost(NOW)
    host.lose_answers, host.refuse_as_tiktok = 1, True
    source = _source(store, host)

    with pytest.raises(Exception, match="invalid refresh token"):
        source.refresh("shop-1")

    seller = store.sellers["seller-1"]
    assert seller.needs_reauthorization and "invalid refresh token" in (seller.reauthorization_reason or "")
    assert store.leases == {}
    with pytest.raises(ReauthorizationRequiredError) as blocked:
        source.access_token("shop-1")
    assert "ttsc connect" in (blocked.value.hint or "")
    assert stopped_reason(store, "shop-1") is not None


def test_a_lost_answer_is_retried_once_with_the_stored_pair() -> None:
    # The answer was lost but TikTok kept the old refresh token valid: the one retry succeeds.
    store, host = _store(access_expires_in=3600), FakeAuthHost(NOW)
    answers = iter([TikTokTransientError("TikTok Shop auth host did not answer /api/v2/token/refresh")])
    real_refresh = host.refresh

    def flaky(token: str) -> TokenSet:
        error = next(answers, None)
        if error is not None:
            raise error
        return real_refresh(token)

    host.refresh = flaky  # type: ignore[method-assign]

    assert _source(store, host).refresh("shop-1") == "access-1"
    assert not store.sellers["seller-1"].needs_reauthorization
    assert store.sellers["seller-1"].refresh_failures == 0


def test_transient_refresh_failures_block_the_seller_only_after_several_runs() -> None:
    store = _store(access_expires_in=60)

    class DownAuthHost:
        calls = 0

        def refresh(self, refresh_token: str) -> object:
            self.calls += 1
            raise TikTokTransientError("TikTok Shop auth host did not answer /api/v2/token/refresh")

    host = DownAuthHost()
    source = StoredTokenSource(store, host, clock=lambda: NOW, sleep=lambda _: None)  # type: ignore[arg-type]
    reports = [refresh_due_tokens(source, now=NOW, refresh_ahead_seconds=3600, warn_ahead_seconds=0) for _ in range(4)]

    assert [bool(r.failed) for r in reports] == [True, True, True, False]
    assert [r.needs_reauthorization for r in reports] == [[], [], ["seller-1"], []]  # alerted once
    assert reports[3].skipped == ["seller-1"]
    assert host.calls == 6  # three runs, each one call and one retry after the lost answer
    assert store.sellers["seller-1"].needs_reauthorization


def test_a_new_authorization_clears_the_block() -> None:
    store, host = _store(access_expires_in=3600), FakeAuthHost(NOW)
    store.record_refresh_failure("seller-1", "refused", needs_reauthorization=True)

    store.save_new_authorization(
        SellerTokens(
            open_id="seller-1",
            access_token="access-new",
            refresh_token="refresh-new",
            access_expires_at=NOW + 3600,
            refresh_expires_at=NOW + 365 * 24 * 3600,
        )
    )

    assert _source(store, host).access_token("shop-1") == "access-new"
