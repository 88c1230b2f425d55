"""Refund amounts of returns and cancellations, computed from the refunded lines' money (search-returns and
search-cancellations specs: `refund_amount{refund_total, refund_subtotal, refund_shipping_fee, refund_tax}`).

`refund_subtotal` is the refunded lines' sale prices, `refund_tax` their share of the product tax (plus the
shipping tax when shipping is refunded) and `refund_total = refund_subtotal + refund_shipping_fee + refund_tax`,
per line and in total. Shipping is refunded only by the request that takes back every remaining line of an
order that has not shipped (a cancellation, or a refund before shipment).
"""

from __future__ import annotations

from typing import Any

from tiktok_sandbox.money import allocate, text, to_cents
from tiktok_sandbox.state import Cancellation, LineRefund, Order, Refund, ReturnRecord, SandboxState

# Requests that will not give money back any more.
CLOSED_STATUSES = frozenset(
    {
        "REFUND_OR_RETURN_REQUEST_REJECT",
        "RETURN_OR_REFUND_REQUEST_CANCEL",
        "REJECT_RECEIVE_PACKAGE",
        "REPLACEMENT_REQUEST_REJECT",
        "REPLACEMENT_REQUEST_CANCEL",
        "CANCELLATION_REQUEST_CANCELLED",
    }
)


def open_requests(state: SandboxState, order: Order) -> list[ReturnRecord | Cancellation]:
    requests: list[ReturnRecord | Cancellation] = [*state.returns.values(), *state.cancellations.values()]
    return [r for r in requests if r.order_id == order.id and r.status not in CLOSED_STATUSES]


def refunds_shipping(state: SandboxState, order: Order, line_ids: list[str]) -> bool:
    """Whether a new request for `line_ids` takes back the rest of an unshipped order, shipping included."""
    if any(item.rts_time is not None for item in order.line_items):
        return False
    others = open_requests(state, order)
    if any(r.refund.shipping_fee for r in others):
        return False
    covered = {line_id for r in others for line_id in r.line_item_ids} | set(line_ids)
    return all(item.id in covered for item in order.line_items)


def compute_refund(order: Order, line_ids: list[str], *, with_shipping: bool, amount: int | None = None) -> Refund:
    """The refund for `line_ids`; `amount` below the full total makes it partial, split in proportion."""
    items = {item.id: item for item in order.line_items}
    lines = [items[line_id] for line_id in line_ids]
    sales = [line.sale_price for line in lines]
    shipping = to_cents(order.payment["shipping_fee"]) if with_shipping else 0
    shipping_tax = to_cents(order.payment["shipping_fee_tax"]) if with_shipping else 0
    parts = [
        LineRefund(subtotal=line.sale_price, shipping_fee=ship, tax=line.tax + ship_tax)
        for line, ship, ship_tax in zip(lines, allocate(shipping, sales), allocate(shipping_tax, sales), strict=True)
    ]
    full = sum(p.total for p in parts)
    if amount is not None and amount < full:
        parts = [_scaled(p, share) for p, share in zip(parts, allocate(amount, [p.total for p in parts]), strict=True)]
    discounts = {
        "product_seller_discount": sum(line.seller_discount for line in lines),
        "product_platform_discount": sum(line.platform_discount for line in lines),
        "shipping_fee_seller_discount": to_cents(order.payment["shipping_fee_seller_discount"]) if with_shipping else 0,
        "shipping_fee_platform_discount": (
            to_cents(order.payment["shipping_fee_platform_discount"]) if with_shipping else 0
        ),
    }
    return Refund(
        currency=order.payment["currency"],
        lines=dict(zip(line_ids, parts, strict=True)),
        discounts=discounts,
    )


def _scaled(part: LineRefund, total: int) -> LineRefund:
    subtotal, shipping_fee, tax = allocate(total, [part.subtotal, part.shipping_fee, part.tax])
    return LineRefund(subtotal=subtotal, shipping_fee=shipping_fee, tax=tax)


def amount_json(currency: str, part: LineRefund | Refund) -> dict[str, str]:
    return {
        "currency": currency,
        "refund_total": text(part.total),
        "refund_subtotal": text(part.subtotal),
        "refund_shipping_fee": text(part.shipping_fee),
        "refund_tax": text(part.tax),
    }


def discount_json(refund: Refund) -> list[dict[str, Any]]:
    return [{"currency": refund.currency, **{name: text(value) for name, value in refund.discounts.items()}}]
