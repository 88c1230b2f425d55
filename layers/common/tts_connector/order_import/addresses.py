"""TikTok's recipient address -> a Magento quote/order address.

TikTok gives the country as `region_code` and the state/county and city in `district_info` levels (L0 country,
L1 state or county, L2/L3 county and city; reference §6.4); names and phone are masked for platform shipping.
Magento refuses a US address without a region id ("Please check the shipping address information. "regionId" is
required."), so the region is looked up in Magento's directory (`GET /V1/directory/countries/{id}`) by name or
code. Before payment TikTok hides the address (UNPAID, ON_HOLD): an order imported at placement gets the
shop's warehouse address, clearly named, until the buyer's address arrives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from tts_connector.errors import NotFoundError
from tts_connector.magento.models import Address
from tts_connector.order_import.failures import OrderParked, retry_hint
from tts_connector.tiktok.models.logistics import Warehouse
from tts_connector.tiktok.models.order import RecipientAddress

RegionLookup = Callable[[str], list[dict[str, Any]]]
_UNKNOWN = "-"


def _level(address: RecipientAddress, *levels: str) -> str | None:
    for level in levels:
        for info in address.district_info:
            if (info.address_level or "").upper() == level and info.address_name:
                return info.address_name
    return None


def _names(address: RecipientAddress) -> tuple[str, str]:
    first, last = (address.first_name or "").strip(), (address.last_name or "").strip()
    if first and last:
        return first, last
    full = (address.name or f"{first} {last}").strip()
    head, _, tail = full.rpartition(" ")
    if head and tail:
        return head, tail
    return full or "TikTok", full or "Buyer"


def _street(address: RecipientAddress) -> tuple[str, ...]:
    lines = [line.strip() for line in (address.address_line1, address.address_line2) if line and line.strip()]
    extra = [line.strip() for line in (address.address_line3, address.address_line4) if line and line.strip()]
    # Magento's default is two street lines; further lines join the second.
    if extra:
        lines = [lines[0] if lines else extra.pop(0), ", ".join([*lines[1:], *extra])]
    if not lines:
        lines = [(address.address_detail or address.full_address or _UNKNOWN).strip()]
    return tuple(line for line in lines if line)


def _region(country_id: str, name: str | None, regions: RegionLookup, order_id: str) -> dict[str, Any]:
    try:
        known = regions(country_id)
    except NotFoundError as exc:
        raise OrderParked(
            f"Magento does not offer the buyer's country {country_id} (TikTok order {order_id})",
            hint=retry_hint(order_id, "Allow the country in Stores > Configuration > General > Country Options"),
            details={"order_id": order_id, "reason": "country_not_allowed"},
        ) from exc
    if not known:
        return {"region": name} if name else {}
    wanted = (name or "").strip().casefold()
    for region in known:
        if wanted and wanted in (str(region.get("name", "")).casefold(), str(region.get("code", "")).casefold()):
            return {"region": str(region["name"]), "region_id": int(region["id"]), "region_code": str(region["code"])}
    raise OrderParked(
        f"The buyer's region {name!r} is not one of Magento's regions of {country_id} (TikTok order {order_id})",
        hint=retry_hint(order_id, "Check the address in TikTok Seller Center and Magento's regions of the country"),
        details={"order_id": order_id, "reason": "unknown_region"},
    )


def buyer_address(address: RecipientAddress, *, email: str, regions: RegionLookup, order_id: str) -> Address:
    country_id = (address.region_code or "").upper()
    if len(country_id) != 2:
        raise OrderParked(
            f"TikTok order {order_id} has no usable country in its address ({address.region_code!r})",
            hint=retry_hint(order_id, "Check the order's address in TikTok Seller Center"),
            details={"order_id": order_id, "reason": "address"},
        )
    firstname, lastname = _names(address)
    city = address.post_town or _level(address, "L3", "L2", "L4") or _UNKNOWN
    region = _region(country_id, _level(address, "L1"), regions, order_id)
    return Address(
        firstname=firstname,
        lastname=lastname,
        street=_street(address),
        city=city,
        postcode=(address.postal_code or _UNKNOWN).strip(),
        country_id=country_id,
        telephone=(address.phone_number or _UNKNOWN).strip(),
        email=email,
        **region,
    )


def warehouse_address(warehouse: Warehouse, *, email: str, regions: RegionLookup, order_id: str) -> Address:
    """Where an unpaid order imported at placement is addressed until TikTok reveals the buyer's address."""
    place = warehouse.address
    if place is None or not place.region_code:
        raise OrderParked(
            f"TikTok hides the buyer's address until payment, and warehouse {warehouse.id} has no address to "
            f"use meanwhile (TikTok order {order_id})",
            hint=retry_hint(order_id, "Turn off import_at_placement, or give the warehouse an address in TikTok"),
            details={"order_id": order_id, "reason": "address"},
        )
    country_id = place.region_code.upper()
    region = _region(country_id, place.state, regions, order_id)
    return Address(
        firstname="TikTok buyer",
        lastname=f"(address after payment, order {order_id})",
        street=((place.full_address or warehouse.name).strip()[:255],),
        city=place.city or _UNKNOWN,
        postcode=place.postal_code or _UNKNOWN,
        country_id=country_id,
        telephone=_UNKNOWN,
        email=email,
        **region,
    )


def address_digest(address: Address) -> str:
    """Identifies an address as sent to Magento, to notice when TikTok's changed (webhook 3)."""
    return hashlib.sha256(json.dumps(address.to_magento(), sort_keys=True).encode()).hexdigest()[:16]
