"""Access tokens for calls, refreshed ahead of expiry, never refreshed twice at once.

A refresh may rotate the refresh token, so two concurrent refreshes with the same old refresh token can
lock a seller out. Refreshing therefore takes a short lease on the seller's record (a conditional write
on its `version`): one caller wins and refreshes; the others wait for the version to move and reuse the
winner's token.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from aws_lambda_powertools.metrics import MetricUnit

from tts_connector.alerts import AlertPublisher
from tts_connector.connect.records import SellerTokens, Shop, ShopStatus
from tts_connector.connect.store import ConnectStore
from tts_connector.errors import AuthenticationError, ConnectorError, TransientError
from tts_connector.observability import logger, metrics
from tts_connector.tiktok.models.auth import TokenSet

SELLER_KEY_PREFIX = "seller:"
LEASE_SECONDS = 30
# Refreshes that fail without an answer (timeouts, 5xx) before the seller is marked as needing to
# re-authorize. A refusal from TikTok (the refresh token is no longer valid) marks it at once.
MAX_TRANSIENT_REFRESH_FAILURES = 3
REAUTHORIZE_HINT = "Re-authorize the app with `ttsc connect` (the shop owner logs in to TikTok Shop)"


class TokenRefresher(Protocol):
    def refresh(self, refresh_token: str) -> TokenSet: ...


class ShopDisconnectedError(AuthenticationError):
    code = "shop_disconnected"


class ReauthorizationRequiredError(AuthenticationError):
    """The seller's token pair can no longer be refreshed; only a new authorization helps."""

    code = "reauthorization_required"


def tokens_from_tiktok(tokens: TokenSet, fallback_open_id: str = "") -> SellerTokens:
    return SellerTokens(
        open_id=tokens.open_id or fallback_open_id,
        seller_name=tokens.seller_name,
        region=tokens.seller_base_region,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        access_expires_at=tokens.access_token_expire_in,
        refresh_expires_at=tokens.refresh_token_expire_in,
        granted_scopes=tokens.granted_scopes,
    )


@dataclass
class StoredTokenSource:
    """The client's TokenSource over the connect store. Keys are shop ids, or `seller:<open_id>`."""

    store: ConnectStore
    refresher: TokenRefresher
    # Refresh on use when the access token has less than this left (the schedule normally got there first).
    refresh_margin_seconds: int = 600
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    wait_seconds: float = 15.0
    refreshes: list[str] = field(default_factory=list)
    # Version of the token pair this process last handed out per key: a 105002 is about that token,
    # so a refresh that another invocation made since then is reused instead of repeated.
    _handed_out: dict[str, int] = field(default_factory=dict)

    def access_token(self, key: str) -> str:
        seller = self._seller_for(key)
        if seller.access_expires_at - self.clock() < self.refresh_margin_seconds:
            seller = self.refresh_seller(seller.open_id, seen_version=seller.version)
        self._handed_out[key] = seller.version
        return seller.access_token

    def refresh(self, key: str) -> str:
        """Called by the client after TikTok answered 105002 for the token it got from `access_token`."""
        seller = self._seller_for(key)
        seen = self._handed_out.get(key, seller.version)
        fresh = self.refresh_seller(seller.open_id, seen_version=seen)
        self._handed_out[key] = fresh.version
        return fresh.access_token

    def refresh_seller(self, open_id: str, seen_version: int) -> SellerTokens:
        deadline = self.clock() + self.wait_seconds
        while True:
            current = self.store.get_seller(open_id)
            if current is None:
                raise AuthenticationError(f"Seller {open_id} is not authorized", hint="Run `ttsc connect`")
            _refuse_if_blocked(current)
            if current.version != seen_version:
                return current  # another invocation refreshed since we read the token: reuse its result
            now = int(self.clock())
            if self.store.try_lease(open_id, current.version, now, LEASE_SECONDS):
                return self._refresh_with_lease(current)
            if self.clock() >= deadline:
                raise TransientError(f"A token refresh for seller {open_id} is still running elsewhere; retry")
            self.sleep(0.2)

    def _refresh_with_lease(self, current: SellerTokens) -> SellerTokens:
        try:
            fresh = self._refresh_call(current)
        except ConnectorError as exc:
            self.store.release_lease(current.open_id)
            latest = self.store.get_seller(current.open_id)
            if latest is not None and latest.version != current.version:
                return latest  # another invocation got a new pair meanwhile
            self._record_failure(current, exc)
            raise
        except Exception:
            self.store.release_lease(current.open_id)
            raise
        updated = tokens_from_tiktok(fresh, current.open_id).model_copy(
            update={
                "seller_name": fresh.seller_name or current.seller_name,
                "region": fresh.seller_base_region or current.region,
            }
        )
        saved = self.store.save_refreshed(updated, expected_version=current.version)
        self.refreshes.append(current.open_id)
        metrics.add_metric(name="TokensRefreshed", unit=MetricUnit.Count, value=1)
        logger.info(
            "TikTok tokens refreshed",
            extra={"open_id": current.open_id, "access_expires_at": saved.access_expires_at},
        )
        return saved

    def _refresh_call(self, current: SellerTokens) -> TokenSet:
        """One refresh, repeated once when the answer was lost.

        A lost answer may mean TikTok rotated the pair and we never saw the new one; the store is read
        again first (another invocation may have stored a new pair), and the same refresh token is tried
        once more: if TikTok invalidated it, its refusal marks the seller for re-authorization.
        """
        try:
            return self.refresher.refresh(current.refresh_token)
        except TransientError:
            latest = self.store.get_seller(current.open_id)
            if latest is not None and latest.version != current.version:
                raise
            logger.warning("Token refresh got no answer; trying once more", extra={"open_id": current.open_id})
            return self.refresher.refresh(current.refresh_token)

    def _record_failure(self, current: SellerTokens, exc: ConnectorError) -> None:
        metrics.add_metric(name="TokenRefreshFailed", unit=MetricUnit.Count, value=1)
        blocked = not exc.retryable or current.refresh_failures + 1 >= MAX_TRANSIENT_REFRESH_FAILURES
        reason = f"token refresh failed: {exc.message}"
        seller = self.store.record_refresh_failure(current.open_id, reason, needs_reauthorization=blocked)
        if seller.needs_reauthorization:
            metrics.add_metric(name="SellerNeedsReauthorization", unit=MetricUnit.Count, value=1)
            logger.error(
                "Seller needs re-authorization",
                extra={"open_id": current.open_id, "refresh_failures": seller.refresh_failures},
            )

    def _seller_for(self, key: str) -> SellerTokens:
        if key.startswith(SELLER_KEY_PREFIX):
            open_id = key.removeprefix(SELLER_KEY_PREFIX)
        else:
            shop = self._connected_shop(key)
            open_id = shop.open_id
        seller = self.store.get_seller(open_id)
        if seller is None:
            raise AuthenticationError(f"No TikTok Shop authorization for {key}", hint="Run `ttsc connect`")
        _refuse_if_blocked(seller)
        return seller

    def _connected_shop(self, shop_id: str) -> Shop:
        shop = self.store.get_shop(shop_id)
        if shop is None:
            raise AuthenticationError(f"Shop {shop_id} is not authorized for this connector", hint="Run `ttsc connect`")
        if shop.status is ShopStatus.DISCONNECTED:
            raise ShopDisconnectedError(
                f"Shop {shop.name} ({shop_id}) is disconnected: {shop.status_reason or 'authorization revoked'}",
                hint="Re-authorize the shop with `ttsc connect`; no work runs for it until then",
            )
        return shop


def _refuse_if_blocked(seller: SellerTokens) -> None:
    if seller.needs_reauthorization:
        raise ReauthorizationRequiredError(
            f"TikTok Shop seller {seller.seller_name or seller.open_id} must re-authorize the app: "
            f"{seller.reauthorization_reason or 'the token can no longer be refreshed'}",
            hint=REAUTHORIZE_HINT,
        )


@dataclass(frozen=True)
class RefreshReport:
    refreshed: list[str]
    skipped: list[str]
    failed: dict[str, str]
    expiring_authorizations: list[str]
    # Sellers newly found needing re-authorization (alert once, then they are skipped until re-authorized).
    needs_reauthorization: list[str]


def refresh_due_tokens(
    source: StoredTokenSource,
    *,
    now: int,
    refresh_ahead_seconds: int,
    warn_ahead_seconds: int,
) -> RefreshReport:
    """The scheduled refresh: renew every access token that expires within `refresh_ahead_seconds`.

    Sellers whose shops are all disconnected are skipped. A refresh token that itself expires within
    `warn_ahead_seconds` cannot be renewed by refreshing: the seller must re-authorize, so it is reported.
    """
    shops_by_seller: dict[str, list[Shop]] = {}
    for shop in source.store.list_shops():
        shops_by_seller.setdefault(shop.open_id, []).append(shop)
    refreshed: list[str] = []
    skipped: list[str] = []
    failed: dict[str, str] = {}
    expiring: list[str] = []
    for seller in source.store.list_sellers():
        shops = shops_by_seller.get(seller.open_id, [])
        if seller.needs_reauthorization or (shops and all(s.status is ShopStatus.DISCONNECTED for s in shops)):
            skipped.append(seller.open_id)
            continue
        if seller.refresh_expires_at - now < warn_ahead_seconds:
            expiring.append(seller.open_id)
        if seller.access_expires_at - now >= refresh_ahead_seconds:
            continue
        try:
            source.refresh_seller(seller.open_id, seen_version=seller.version)
        except Exception as exc:
            # One seller's failure must not stop the others; the next run retries it.
            logger.exception("Scheduled token refresh failed", extra={"open_id": seller.open_id})
            failed[seller.open_id] = str(exc)
        else:
            refreshed.append(seller.open_id)
    blocked = [s for s in source.store.list_sellers() if s.needs_reauthorization and not s.reauthorization_alerted]
    for seller in blocked:
        source.store.mark_reauthorization_alerted(seller.open_id)
    return RefreshReport(
        refreshed=refreshed,
        skipped=skipped,
        failed=failed,
        expiring_authorizations=expiring,
        needs_reauthorization=[s.open_id for s in blocked],
    )


def alert_on_refresh_report(report: RefreshReport, alerts: AlertPublisher) -> None:
    """One alert per run for authorizations ending soon, one for sellers newly blocked."""
    if report.expiring_authorizations:
        alerts.publish(
            "TikTok Shop authorization ending soon",
            "Re-authorize these sellers with `ttsc connect`: " + ", ".join(report.expiring_authorizations),
        )
    if report.needs_reauthorization:
        alerts.publish(
            "TikTok Shop seller must re-authorize",
            "The connector can no longer refresh the tokens of these sellers, so it does no work for their "
            f"shops: {', '.join(report.needs_reauthorization)}. {REAUTHORIZE_HINT}; `ttsc status` shows the reason.",
        )
