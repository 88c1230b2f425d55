"""Which TikTok shipping provider a Magento shipment's carrier is.

TikTok wants a `shipping_provider_id` from the provider list of the order's delivery option (reference §5.2);
Magento's track has a `carrier_code` (ups, usps, fedex, dhl, or `custom` for "Custom Value") and a title. A
merchant picks "Custom Value" in the New Shipment screen for a carrier Magento has no module for and types
the TikTok provider's name as the title, so a custom carrier is keyed by its title. An explicit mapping
(`ttsc carriers map`) wins; otherwise the provider whose name matches the title or the code (or a known
alias of Magento's built-in carriers) is used, when exactly one does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tts_connector.order_import.options import CarrierMap
from tts_connector.tiktok.models.logistics import ShippingProvider

# Magento's own carrier modules and the names their providers go by.
ALIASES: dict[str, tuple[str, ...]] = {
    "ups": ("ups", "unitedparcelservice"),
    "usps": ("usps", "unitedstatespostalservice"),
    "fedex": ("fedex", "federalexpress"),
    "dhl": ("dhl", "dhlexpress"),
}


def normalize(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def carrier_key(carrier_code: str, title: str) -> str:
    """How a Magento carrier is named in the mapping: its code, or `custom:<title>` for a custom carrier."""
    code = (carrier_code or "custom").strip().lower()
    if code == "custom":
        return f"custom:{' '.join(title.split()).casefold()}"
    return code


def automatic_match(carrier_code: str, title: str, providers: Sequence[ShippingProvider]) -> ShippingProvider | None:
    code = (carrier_code or "").strip().lower()
    wanted = {normalize(title), *ALIASES.get(code, ())}
    if code != "custom":
        wanted.add(normalize(code))
    wanted.discard("")
    exact = [p for p in providers if normalize(p.name) in wanted]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    # "Royal Mail Tracked 24" is Royal Mail: a provider name inside the title, if only one fits.
    title_key = normalize(title)
    inside = [p for p in providers if len(normalize(p.name)) >= 3 and normalize(p.name) in title_key]
    return inside[0] if len(inside) == 1 else None


def resolve_provider(
    mapping: CarrierMap, carrier_code: str, title: str, providers: Sequence[ShippingProvider]
) -> tuple[ShippingProvider | None, str]:
    """The provider for a Magento carrier, and how it was chosen ("mapped", "matched by name" or why not)."""
    key = carrier_key(carrier_code, title)
    chosen = mapping.mappings.get(key)
    if chosen is not None:
        by_id = next((p for p in providers if p.id == chosen.shipping_provider_id), None)
        if by_id is not None:
            return by_id, "mapped"
        # Provider ids can differ between delivery options; the mapped provider's name still identifies it.
        by_name = [p for p in providers if normalize(p.name) == normalize(chosen.shipping_provider_name)]
        if len(by_name) == 1:
            return by_name[0], "mapped (by provider name)"
        return None, f"mapped to {chosen.shipping_provider_name}, which this order's delivery option does not offer"
    found = automatic_match(carrier_code, title, providers)
    if found is not None:
        return found, "matched by name"
    return None, "not mapped"
