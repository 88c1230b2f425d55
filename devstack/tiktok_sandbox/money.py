"""Money in cents: parsing control-API amounts, formatting TikTok's string decimals, exact allocation.

TikTok splits an order's discounts and taxes over its line items (one per unit) so that the per-line values
are whole cents and add up to the order totals; `allocate` does that with largest-remainder rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from tiktok_sandbox import codes
from tiktok_sandbox.codes import ApiError


def cents(raw: object, field: str) -> int:
    """A non-negative amount with at most two decimals (string or number) as whole cents; 400 otherwise."""
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ApiError(codes.INVALID_CREDENTIAL, f"{field} must be a decimal amount, got {raw!r}", 400) from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise ApiError(codes.INVALID_CREDENTIAL, f"{field} must be >= 0 with at most 2 decimals, got {raw!r}", 400)
    return int(value * 100)


def text(amount_cents: int) -> str:
    """TikTok's money format: a string decimal with two places."""
    sign = "-" if amount_cents < 0 else ""
    whole, part = divmod(abs(amount_cents), 100)
    return f"{sign}{whole}.{part:02d}"


def to_cents(amount: str) -> int:
    """Inverse of `text` for amounts the sandbox itself stored."""
    return int(Decimal(amount) * 100)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` cents in proportion to `weights` so the parts are whole cents summing exactly to `total`.

    Largest remainder: every part gets the floor of its exact share, then the cents left over go to the parts
    with the largest fractional shares (earlier parts first on ties), so the result is deterministic.
    A part never exceeds its weight when `total <= sum(weights)`. All-zero weights split evenly.
    """
    if total == 0 or not weights:
        return [0] * len(weights)
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    weight_sum = sum(weights)
    floors = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    left = total - sum(floors)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        floors[index] += 1
    return floors
