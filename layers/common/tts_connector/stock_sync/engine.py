"""Pushing Magento's current prices and quantities of listed products to TikTok: the one place that does it.

Event flushes, manual pushes and reconciliation all call `PriceStockSync.run`: read Magento now (pages of
100), apply the shop's rules, compare with what TikTok last accepted, and send one Update Price and one Update
Inventory call per TikTok product for the SKUs that differ (all of them when forced). TikTok's per-SKU
failures (`data.errors[]` in a success answer) and refusals are reported per SKU; a transient failure stops
the run where it is, after saving what was done, so the caller retries only what is left.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

from tts_connector.errors import TransientError
from tts_connector.listings.records import Listing, ListingStatus
from tts_connector.observability import logger
from tts_connector.stock_sync.magento_reads import CatalogReader
from tts_connector.stock_sync.records import PushedSku, SkuFailure, SyncKind
from tts_connector.stock_sync.rules import (
    MagentoPrice,
    RuleError,
    buffered_quantity,
    target_price,
    warehouse_quantities,
)
from tts_connector.stock_sync.settings import InventorySettings, SyncSettings
from tts_connector.stock_sync.store import SyncStore
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.errors import TikTokApiError
from tts_connector.tiktok.models.product import (
    InventoryEntry,
    InventoryUpdateResult,
    Money,
    SkuInventoryUpdate,
    SkuPriceUpdate,
)

# TikTok takes price and stock updates for live products only ("The SKU ID must belong to a product with the
# ACTIVATE status"); a live product whose edit is under review stays ACTIVATE and keeps taking them.
SYNCABLE_STATUSES = frozenset({ListingStatus.ACTIVATE})
Outcome = Literal["pushed", "unchanged", "failed", "skipped"]


class TikTokUpdates(Protocol):
    def update_price(self, shop: ShopRef, product_id: str, skus: Sequence[SkuPriceUpdate]) -> None: ...

    def update_inventory(
        self, shop: ShopRef, product_id: str, skus: Sequence[SkuInventoryUpdate]
    ) -> InventoryUpdateResult: ...


@dataclass(frozen=True)
class ShopTarget:
    """The TikTok shop a run pushes to, with its settings."""

    shop_id: str
    ref: ShopRef
    currency: str
    settings: SyncSettings
    inventory: InventorySettings
    default_warehouse: str | None = None

    def enabled(self, kind: SyncKind) -> bool:
        return self.settings.price_sync if kind is SyncKind.PRICE else self.settings.stock_sync

    def warehouses(self, listing: Listing) -> list[str]:
        """The TikTok warehouses a listing's SKUs hold stock in (TikTok wants all of them in each update)."""
        if self.inventory.sources_by_warehouse:
            return sorted(self.inventory.sources_by_warehouse)
        warehouse = listing.warehouse_id or self.default_warehouse
        return [warehouse] if warehouse else []

    def mapped_sources(self) -> list[str]:
        return sorted({s for sources in self.inventory.sources_by_warehouse.values() for s in sources})


@dataclass(frozen=True)
class SyncRequest:
    listing: Listing
    kinds: frozenset[SyncKind]


@dataclass(frozen=True)
class SkuResult:
    magento_sku: str
    tiktok_product_id: str
    kind: SyncKind
    outcome: Outcome
    value: str | dict[str, int] | None = None
    failure: SkuFailure | None = None


@dataclass
class SyncReport:
    results: list[SkuResult] = field(default_factory=list)
    tiktok_calls: int = 0
    # TikTok products whose requested kinds were all handled (pushed, unchanged, failed for good, skipped).
    done_products: set[str] = field(default_factory=set)
    # Set when a transient failure stopped the run: products not in done_products are still to do.
    interrupted: TransientError | None = None

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    def summary(self) -> str:
        return (
            f"{self.tiktok_calls} TikTok update call(s); SKUs pushed {self.count('pushed')}, unchanged "
            f"{self.count('unchanged')}, failed {self.count('failed')}, skipped {self.count('skipped')}"
        )


@dataclass
class _Values:
    prices: dict[str, MagentoPrice] = field(default_factory=dict)
    salable: dict[str, float] = field(default_factory=dict)
    sources: dict[str, dict[str, float]] = field(default_factory=dict)


def failure_of(exc: Exception, at: int) -> SkuFailure:
    if isinstance(exc, TikTokApiError):
        return SkuFailure(
            code="tiktok_refused",
            message=exc.tiktok_message or exc.message,
            tiktok_code=exc.tiktok_code,
            request_id=exc.request_id,
            at=at,
        )
    return SkuFailure(code="sync_failed", message=str(exc), at=at)


@dataclass
class _Run:
    """One run's inputs and what it accumulates (the SKU records to write back, the report)."""

    shop: ShopTarget
    values: _Values
    pushed: dict[str, PushedSku]
    force: bool
    warehouse: str | None
    now: int
    report: SyncReport = field(default_factory=SyncReport)
    changed: dict[str, PushedSku] = field(default_factory=dict)

    def last(self, listing: Listing, magento_sku: str) -> PushedSku:
        """What TikTok last accepted for the SKU, or an empty record when unknown or for another TikTok SKU."""
        sku_id = next((s.tiktok_sku_id for s in listing.skus if s.magento_sku == magento_sku), "")
        last = self.changed.get(magento_sku) or self.pushed.get(magento_sku)
        if last is not None and last.tiktok_sku_id == sku_id and last.tiktok_product_id == listing.tiktok_product_id:
            return last
        return PushedSku(
            shop_id=self.shop.shop_id,
            magento_sku=magento_sku,
            tiktok_product_id=listing.tiktok_product_id,
            tiktok_sku_id=sku_id,
        )

    def result(self, listing: Listing, magento_sku: str, kind: SyncKind, outcome: Outcome, value: Any = None) -> None:
        self.report.results.append(SkuResult(magento_sku, listing.tiktok_product_id, kind, outcome, value))

    def already_there(self, listing: Listing, magento_sku: str, kind: SyncKind, value: str | dict[str, int]) -> bool:
        """True (and reported unchanged) when TikTok last accepted exactly this value and nothing failed since."""
        last = self.last(listing, magento_sku)
        current = last.price if kind is SyncKind.PRICE else last.quantities
        if self.force or current != value or last.failure(kind) is not None:
            return False
        self.result(listing, magento_sku, kind, "unchanged", value)
        return True

    def succeed(self, listing: Listing, magento_sku: str, kind: SyncKind, value: str | dict[str, int]) -> None:
        changes: dict[str, Any] = (
            {"price": value, "price_pushed_at": self.now, "price_failure": None}
            if kind is SyncKind.PRICE
            else {"quantities": value, "stock_pushed_at": self.now, "stock_failure": None}
        )
        self.changed[magento_sku] = self.last(listing, magento_sku).model_copy(update=changes)
        self.result(listing, magento_sku, kind, "pushed", value)

    def fail(self, listing: Listing, magento_sku: str, kind: SyncKind, failure: SkuFailure) -> None:
        name = "price_failure" if kind is SyncKind.PRICE else "stock_failure"
        self.changed[magento_sku] = self.last(listing, magento_sku).model_copy(update={name: failure})
        self.report.results.append(SkuResult(magento_sku, listing.tiktok_product_id, kind, "failed", failure=failure))

    def missing(self, listing: Listing, magento_sku: str, kind: SyncKind) -> None:
        what = "price" if kind is SyncKind.PRICE else "stock"
        self.fail(listing, magento_sku, kind, self.failure("not_in_magento", f"{magento_sku} has no {what} in Magento"))

    def failure(self, code: str, message: str) -> SkuFailure:
        return SkuFailure(code=code, message=message, at=self.now)


class PriceStockSync:
    def __init__(
        self,
        reader: CatalogReader,
        tiktok: TikTokUpdates,
        store: SyncStore,
        *,
        clock: Callable[[], float] = time.time,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self._reader = reader
        self._tiktok = tiktok
        self._store = store
        self._clock = clock
        self._today = today

    def run(
        self,
        shop: ShopTarget,
        requests: Sequence[SyncRequest],
        *,
        force: bool = False,
        warehouse: str | None = None,
        deadline: float | None = None,
    ) -> SyncReport:
        """Push what differs (everything when `force`); `warehouse` limits a stock push to that warehouse.

        Without `force` a kind switched off in the shop's settings is left alone. Stops before a product
        once `deadline` (a clock value) has passed; those products are simply not in `done_products`.
        """
        wanted = [SyncRequest(r.listing, frozenset(k for k in r.kinds if force or shop.enabled(k))) for r in requests]
        live = [r for r in wanted if r.listing.status in SYNCABLE_STATUSES or not r.kinds]
        skus = [s.magento_sku for r in live for s in r.listing.skus]
        run = _Run(
            shop=shop,
            values=self._read(shop, live),
            pushed=self._store.pushed(shop.shop_id, skus) if skus else {},
            force=force,
            warehouse=warehouse,
            now=int(self._clock()),
        )
        for request in wanted:
            if request not in live:
                self._skip_not_live(run, request)
        try:
            for request in live:
                if deadline is not None and self._clock() > deadline:
                    break
                for kind in sorted(request.kinds):
                    if kind is SyncKind.PRICE:
                        self._push_prices(run, request.listing)
                    else:
                        self._push_stock(run, request.listing)
                run.report.done_products.add(request.listing.tiktok_product_id)
        except TransientError as exc:
            run.report.interrupted = exc
            logger.warning(
                "Sync stopped at a transient failure; the rest is retried",
                extra={"shop_id": shop.shop_id, "error": type(exc).__name__, "reason": exc.message},
            )
        finally:
            if run.changed:
                self._store.save_pushed(list(run.changed.values()))
        return run.report

    # ---------- reading ----------
    def _read(self, shop: ShopTarget, requests: Sequence[SyncRequest]) -> _Values:
        values = _Values()
        price_skus = [s.magento_sku for r in requests if SyncKind.PRICE in r.kinds for s in r.listing.skus]
        stock_skus = [s.magento_sku for r in requests if SyncKind.STOCK in r.kinds for s in r.listing.skus]
        if price_skus:
            values.prices = self._reader.prices(price_skus)
        if stock_skus:
            values.salable = self._reader.salable(stock_skus, shop.settings.website_code)
            if shop.inventory.sources_by_warehouse:
                values.sources = self._reader.source_quantities(stock_skus, shop.mapped_sources())
        return values

    def _skip_not_live(self, run: _Run, request: SyncRequest) -> None:
        failure = run.failure(
            "not_live",
            f"Not live on TikTok (status {request.listing.status.value}): TikTok takes price and stock updates "
            "for live products",
        )
        for sku in request.listing.skus:
            for kind in sorted(request.kinds):
                run.report.results.append(
                    SkuResult(
                        sku.magento_sku,
                        request.listing.tiktok_product_id,
                        kind,
                        "failed" if run.force else "skipped",
                        failure=failure,
                    )
                )
        run.report.done_products.add(request.listing.tiktok_product_id)

    # ---------- prices ----------
    def _price_targets(self, run: _Run, listing: Listing) -> dict[str, Decimal]:
        targets: dict[str, Decimal] = {}
        for sku in listing.skus:
            price = run.values.prices.get(sku.magento_sku)
            if price is None:
                run.missing(listing, sku.magento_sku, SyncKind.PRICE)
                continue
            try:
                targets[sku.magento_sku] = target_price(
                    price, run.shop.settings.price_rule, run.shop.currency, self._today()
                )
            except RuleError as exc:
                run.fail(listing, sku.magento_sku, SyncKind.PRICE, run.failure("price_rule", str(exc)))
        return targets

    def _push_prices(self, run: _Run, listing: Listing) -> None:
        to_push: list[tuple[str, str, Decimal]] = []
        targets = self._price_targets(run, listing)
        for sku in listing.skus:
            amount = targets.get(sku.magento_sku)
            if amount is None:
                continue
            if not run.already_there(listing, sku.magento_sku, SyncKind.PRICE, str(amount)):
                to_push.append((sku.magento_sku, sku.tiktok_sku_id, amount))
        if not to_push:
            return
        currency = run.shop.currency
        updates = [SkuPriceUpdate(id=sku_id, price=Money(amount=a, currency=currency)) for _, sku_id, a in to_push]
        run.report.tiktok_calls += 1
        try:
            self._tiktok.update_price(run.shop.ref, listing.tiktok_product_id, updates)
        except TikTokApiError as exc:
            for magento_sku, _, _ in to_push:
                run.fail(listing, magento_sku, SyncKind.PRICE, failure_of(exc, run.now))
            return
        for magento_sku, _, amount in to_push:
            run.succeed(listing, magento_sku, SyncKind.PRICE, str(amount))

    # ---------- stock ----------
    def _stock_targets(self, run: _Run, listing: Listing, warehouses: list[str]) -> dict[str, dict[str, int]]:
        targets: dict[str, dict[str, int]] = {}
        mapping = run.shop.inventory.sources_by_warehouse
        for sku in listing.skus:
            salable = run.values.salable.get(sku.magento_sku)
            if salable is None:
                run.missing(listing, sku.magento_sku, SyncKind.STOCK)
                continue
            raw = (
                warehouse_quantities(salable, run.values.sources.get(sku.magento_sku, {}), mapping)
                if mapping
                else {warehouses[0]: salable}
            )
            target = {w: buffered_quantity(q, run.shop.settings.stock_buffer) for w, q in raw.items()}
            if run.warehouse is not None:
                # TikTok wants every warehouse of the SKU: the others keep what they were last given.
                known = run.last(listing, sku.magento_sku).quantities or {}
                target = {w: (q if w == run.warehouse else known.get(w, q)) for w, q in target.items()}
            targets[sku.magento_sku] = target
        return targets

    def _warehouse_problem(self, run: _Run, warehouses: list[str]) -> str | None:
        if not warehouses:
            return "No TikTok warehouse: select one with `ttsc shops select SHOP --warehouse ID`"
        if run.warehouse is not None and run.warehouse not in warehouses:
            return f"Warehouse {run.warehouse} does not sell this product (its warehouses: {', '.join(warehouses)})"
        return None

    def _push_stock(self, run: _Run, listing: Listing) -> None:
        warehouses = run.shop.warehouses(listing)
        problem = self._warehouse_problem(run, warehouses)
        if problem is not None:
            for sku in listing.skus:
                run.fail(listing, sku.magento_sku, SyncKind.STOCK, run.failure("no_warehouse", problem))
            return
        to_push: list[tuple[str, str, dict[str, int]]] = []
        for magento_sku, target in self._stock_targets(run, listing, warehouses).items():
            if not run.already_there(listing, magento_sku, SyncKind.STOCK, target):
                to_push.append((magento_sku, run.last(listing, magento_sku).tiktok_sku_id, target))
        if not to_push:
            return
        updates = [
            SkuInventoryUpdate(
                id=sku_id, inventory=[InventoryEntry(warehouse_id=w, quantity=q) for w, q in sorted(target.items())]
            )
            for _, sku_id, target in to_push
        ]
        run.report.tiktok_calls += 1
        try:
            answer = self._tiktok.update_inventory(run.shop.ref, listing.tiktok_product_id, updates)
        except TikTokApiError as exc:
            for magento_sku, _, _ in to_push:
                run.fail(listing, magento_sku, SyncKind.STOCK, failure_of(exc, run.now))
            return
        errors = _inventory_errors(answer, run.now)
        for magento_sku, sku_id, target in to_push:
            error = errors.get(sku_id) or errors.get("")
            if error is not None:
                run.fail(listing, magento_sku, SyncKind.STOCK, error)
            else:
                run.succeed(listing, magento_sku, SyncKind.STOCK, target)


def _inventory_errors(result: InventoryUpdateResult, at: int) -> dict[str, SkuFailure]:
    """TikTok's per-SKU failures by TikTok SKU id ("" for an error that names no SKU: it applies to all)."""
    failures: dict[str, SkuFailure] = {}
    for error in result.errors:
        detail = error.detail
        sku_id = detail.sku_id if detail is not None and detail.sku_id else ""
        extra = "; ".join(
            f"warehouse {e.warehouse_id}: {e.message} (code {e.code})" for e in (detail.extra_errors if detail else [])
        )
        failures[sku_id] = SkuFailure(
            code="tiktok_refused",
            message=f"{error.message}" + (f" — {extra}" if extra else ""),
            tiktok_code=error.code,
            at=at,
        )
    return failures
