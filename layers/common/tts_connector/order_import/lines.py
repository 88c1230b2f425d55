"""TikTok line items -> Magento cart lines.

TikTok sends one line item per unit (there is no quantity field, reference §6.4), so lines are aggregated
per TikTok SKU. Each TikTok SKU is mapped through the listing that product push recorded; when there is
none (a product listed before the connector, or by hand in Seller Center), the line's `seller_sku` is used
if it names an existing simple Magento product, because the connector sends the Magento SKU as seller_sku.
A configurable's child is ordered as its own simple SKU: that is the product TikTok sold, with its price and
stock, and Magento's REST cart takes it directly (reference §3.4 "child simple SKUs").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tts_connector.listings.store import ListingStore
from tts_connector.order_import.failures import OrderParked, retry_hint
from tts_connector.tiktok.models.order import LineItem

# Product types Magento can order directly (a configurable or bundle parent needs options).
ORDERABLE_TYPES = frozenset({"simple", "virtual", "downloadable"})


@dataclass(frozen=True)
class CartLine:
    magento_sku: str
    tiktok_sku_id: str
    tiktok_line_item_ids: tuple[str, ...]
    mapped_by: str  # "listing" or "seller_sku"

    @property
    def qty(self) -> int:
        return len(self.tiktok_line_item_ids)


def live_lines(line_items: Sequence[LineItem]) -> list[LineItem]:
    """The lines still sold: a line cancelled before import is not ordered in Magento."""
    return [item for item in line_items if (item.display_status or "").upper() != "CANCELLED"]


def cart_lines(
    shop_id: str,
    order_id: str,
    line_items: Sequence[LineItem],
    *,
    listings: ListingStore,
    product_type: Callable[[str], str | None],
) -> list[CartLine]:
    """Map and aggregate; raises OrderParked naming every TikTok SKU that has no Magento product.

    `product_type(sku)` is the Magento product's type_id, or None when Magento has no such product.
    """
    by_sku: dict[str, list[LineItem]] = {}
    for item in live_lines(line_items):
        by_sku.setdefault(item.sku_id, []).append(item)
    mapped: dict[str, CartLine] = {}
    unmapped: list[str] = []
    for sku_id, items in by_sku.items():
        magento_sku, how = _magento_sku(shop_id, items[0], listings=listings, product_type=product_type)
        if magento_sku is None:
            unmapped.append(how)
            continue
        ids = tuple(sorted(i.id for i in items))
        previous = mapped.get(magento_sku)
        if previous is not None:
            ids = (*previous.tiktok_line_item_ids, *ids)
        mapped[magento_sku] = CartLine(magento_sku, sku_id, ids, how if previous is None else previous.mapped_by)
    if unmapped:
        raise OrderParked(
            f"TikTok order {order_id} has lines without a Magento product: {'; '.join(unmapped)}",
            hint=retry_hint(
                order_id, "Push the product from Magento (or set the TikTok SKU's seller SKU to the Magento SKU)"
            ),
            details={"order_id": order_id, "reason": "unmapped_sku"},
        )
    return sorted(mapped.values(), key=lambda line: line.magento_sku)


def _magento_sku(
    shop_id: str, item: LineItem, *, listings: ListingStore, product_type: Callable[[str], str | None]
) -> tuple[str | None, str]:
    link = listings.sku_by_tiktok(shop_id, item.sku_id)
    if link is not None:
        return link.magento_sku, "listing"
    label = (
        f"TikTok SKU {item.sku_id} ({item.product_name or 'unnamed'}{', ' + item.sku_name if item.sku_name else ''})"
    )
    seller_sku = (item.seller_sku or "").strip()
    if not seller_sku:
        return None, f"{label} is not linked to a Magento product and has no seller SKU"
    kind = product_type(seller_sku)
    if kind is None:
        return None, f"{label} is not linked, and its seller SKU {seller_sku!r} is not a Magento SKU"
    if kind not in ORDERABLE_TYPES:
        return None, f"{label}: seller SKU {seller_sku!r} is a {kind} product in Magento, not the variant sold"
    return seller_sku, "seller_sku"
