"""Units and currencies per TikTok region (create-product spec, `package_weight`, `package_dimensions`,
`skus[].price.currency`; reference §4.6).

Weight: US takes KILOGRAM or POUND, others KILOGRAM (BR, JP and MX also GRAM). Dimensions: US CENTIMETER or
INCH, others CENTIMETER, whole numbers, in the same measurement system as the weight. Magento's weight is
in the store's unit (general/locale/weight_unit: kgs or lbs).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

KG_PER_LB = Decimal("0.45359237")
CM_PER_INCH = Decimal("2.54")

CURRENCY_BY_REGION = {
    "US": "USD", "GB": "GBP", "UK": "GBP", "DE": "EUR", "FR": "EUR", "IE": "EUR", "IT": "EUR", "ES": "EUR",
    "BR": "BRL", "MX": "MXN", "JP": "JPY", "ID": "IDR", "MY": "MYR", "PH": "PHP", "SG": "SGD", "TH": "THB",
    "VN": "VND",
}  # fmt: skip


def imperial_region(region: str) -> bool:
    return region.upper() == "US"


def package_weight(value: float, magento_unit: str, region: str) -> tuple[str, str]:
    """(value, TikTok unit) for a Magento weight; US keeps pounds when the store weighs in pounds."""
    weight = Decimal(str(value))
    pounds = magento_unit.lower().startswith("lb")
    if pounds and imperial_region(region):
        unit = "POUND"
    else:
        unit = "KILOGRAM"
        if pounds:
            weight = weight * KG_PER_LB
    # Round up at the third decimal so a light item never becomes 0 (TikTok refuses 0, 12052181).
    rounded = max(weight.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP), Decimal("0.001"))
    return format(rounded.normalize(), "f"), unit


def package_dimension(value: float, magento_unit: str, weight_unit: str) -> str:
    """A whole-number side in the system the weight uses (POUND pairs with INCH, KILOGRAM with CENTIMETER),
    rounded up so the declared package is never smaller than the real one."""
    side = Decimal(str(value))
    if weight_unit == "POUND" and magento_unit == "CENTIMETER":
        side = side / CM_PER_INCH
    elif weight_unit == "KILOGRAM" and magento_unit == "INCH":
        side = side * CM_PER_INCH
    return str(max(1, math.ceil(side)))


def dimension_unit(weight_unit: str) -> str:
    return "INCH" if weight_unit == "POUND" else "CENTIMETER"
