"""Everything the sandbox remembers, behind one re-entrant lock (the server is threaded)."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tiktok_sandbox.config import SandboxConfig, ShopSeed


@dataclass
class Grant:
    """One seller authorization: a token pair covering the seller's shops."""

    access_token: str
    refresh_token: str
    access_expires_at: float
    refresh_expires_at: float
    shop_ids: set[str]
    scopes: set[str]
    revoked: bool = False


@dataclass
class AuthCode:
    code: str
    expires_at: float
    used: bool = False


@dataclass
class Image:
    uri: str
    url: str
    width: int
    height: int
    use_case: str


@dataclass
class Sku:
    id: str
    seller_sku: str | None
    external_sku_id: str | None
    price: dict[str, Any]
    inventory: dict[str, int]  # warehouse_id -> quantity
    sales_attributes: list[dict[str, Any]]
    identifier_code: dict[str, Any] | None


@dataclass
class ProductVersion:
    """A post-live edit under review, or a post-live draft: the content that is not (yet) on sale."""

    body: dict[str, Any]
    skus: list[Sku]


@dataclass
class Product:
    id: str
    shop_id: str
    body: dict[str, Any]  # the base version: the last approved (or, before approval, submitted) body minus skus
    skus: list[Sku]
    status: str
    audit_status: str
    create_time: int
    update_time: int
    audit_failed_reasons: list[dict[str, Any]] = field(default_factory=list)
    # TikTok keeps a live product (v1) selling while an edit (v2) is under review, and keeps post-live drafts
    # apart from the live version (edit-product / get-product specs, lazykern/ecommerce-api-docs).
    under_review: ProductVersion | None = None
    draft: ProductVersion | None = None


@dataclass
class LineItem:
    """One unit of one SKU; money in cents (sale = original - seller discount - platform discount)."""

    id: str
    sku_id: str
    product_id: str
    product_name: str
    sku_name: str
    seller_sku: str | None
    sku_image: str | None
    original_price: int
    seller_discount: int
    platform_discount: int
    tax: int  # this unit's share of payment.product_tax
    currency: str
    display_status: str = "UNPAID"
    package_id: str | None = None
    package_status: str = "TO_FULFILL"
    tracking_number: str | None = None
    shipping_provider_id: str | None = None
    shipping_provider_name: str | None = None
    rts_time: int | None = None
    cancel_user: str | None = None
    cancel_reason: str | None = None

    @property
    def sale_price(self) -> int:
        return self.original_price - self.seller_discount - self.platform_discount


@dataclass
class Order:
    id: str
    shop_id: str
    status: str
    user_id: str
    shipping_type: str
    delivery_option_id: str
    delivery_option_name: str
    warehouse_id: str
    line_items: list[LineItem]
    payment: dict[str, str]
    recipient_address: dict[str, Any]
    buyer_email: str
    buyer_message: str
    create_time: int
    update_time: int
    is_on_hold_order: bool = False
    paid_time: int | None = None
    delivery_time: int | None = None
    cancel_time: int | None = None
    cancel_reason: str | None = None
    cancellation_initiator: str | None = None
    is_buyer_request_cancel: bool = False
    request_cancel_time: int | None = None
    rts_time: int | None = None
    collection_time: int | None = None
    package_ids: list[str] = field(default_factory=list)
    has_updated_recipient_address: bool = False


@dataclass
class Package:
    id: str
    shop_id: str
    order_id: str
    line_item_ids: list[str]
    status: str  # PROCESSING, FULFILLING, COMPLETED, CANCELLED
    shipping_type: str
    delivery_option_id: str
    create_time: int
    update_time: int
    tracking_number: str | None = None
    shipping_provider_id: str | None = None
    shipping_provider_name: str | None = None
    handover_method: str | None = None
    shipped_time: int | None = None


@dataclass(frozen=True)
class LineRefund:
    subtotal: int
    shipping_fee: int
    tax: int

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_fee + self.tax


@dataclass(frozen=True)
class Refund:
    """What a return or cancellation gives back, in cents, per order line and in total (sums match exactly)."""

    currency: str
    lines: dict[str, LineRefund]  # order_line_item_id -> its share
    discounts: dict[str, int]  # product/shipping seller/platform discounts attached to the refunded lines

    @property
    def subtotal(self) -> int:
        return sum(r.subtotal for r in self.lines.values())

    @property
    def shipping_fee(self) -> int:
        return sum(r.shipping_fee for r in self.lines.values())

    @property
    def tax(self) -> int:
        return sum(r.tax for r in self.lines.values())

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_fee + self.tax


@dataclass
class ReturnRecord:
    id: str
    shop_id: str
    order_id: str
    return_type: str
    status: str
    line_item_ids: list[str]
    refund: Refund
    reason: str
    create_time: int
    update_time: int
    partial_refund: dict[str, str] | None = None
    seller_proposed_return_type: str | None = None
    reject_reason: str | None = None
    reject_comment: str | None = None


@dataclass
class Cancellation:
    id: str
    shop_id: str
    order_id: str
    cancel_type: str
    status: str
    role: str
    reason: str
    line_item_ids: list[str]
    refund: Refund
    create_time: int
    update_time: int
    reject_reason: str | None = None
    reject_comment: str | None = None


@dataclass(frozen=True)
class ReverseAction:
    """A remembered approve/reject, so a repeated idempotency_key answers the same without acting again."""

    route: str
    target_id: str
    result: dict[str, Any]


class SandboxState:
    def __init__(self, config: SandboxConfig):
        self.config = config
        self.lock = threading.RLock()
        self.shops: dict[str, ShopSeed] = {s.id: s for s in config.shops}
        self.shops_by_cipher: dict[str, ShopSeed] = {s.cipher: s for s in config.shops}
        self.deauthorized_shops: set[str] = set()
        self.granted_scopes: set[str] = set(config.granted_scopes)
        self.grants_by_access: dict[str, Grant] = {}
        self.grants_by_refresh: dict[str, Grant] = {}
        self.auth_codes: dict[str, AuthCode] = {}
        self.next_authorize_decisions: list[str] = []
        self.images: dict[str, Image] = {}
        self.products: dict[str, Product] = {}
        self.idempotency: dict[tuple[str, str], str] = {}
        self.audit_outcomes: list[list[str]] = []  # queued failure reasons for the next audits ([] = approve)
        self.orders: dict[str, Order] = {}
        self.packages: dict[str, Package] = {}
        self.returns: dict[str, ReturnRecord] = {}
        self.cancellations: dict[str, Cancellation] = {}
        self.reverse_actions: dict[tuple[str, str], ReverseAction] = {}  # (shop_id, idempotency_key)
        # Accepted price and inventory updates, in order (update_journal; observation only).
        self.update_journal: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    def now(self) -> float:
        return time.time()

    def new_id(self, prefix: int = 17295929697) -> str:
        """TikTok-like 19-digit numeric ids, unique within this sandbox."""
        return f"{prefix}{next(self._ids):08d}"

    def shop(self, shop_id: str) -> ShopSeed:
        return self.shops[shop_id]
