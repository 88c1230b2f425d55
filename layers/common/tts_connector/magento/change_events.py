"""Magento change events as the pipeline carries them, whatever way the store delivered them.

`POST /magento/events` accepts three delivery formats (Adobe I/O Events, the connector's signed format, a
shared-secret header); each becomes an `InboundEvent` with source `mage`, one of the topics below, and a
`MagentoChange` payload. Capabilities subscribe to `event_type(kind)`. The payload is a hint: consumers
re-read Magento before acting (a stale or out-of-order event must never push an old value).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tts_connector.events.models import InboundEvent

SOURCE = "mage"


class MagentoChangeKind(StrEnum):
    PRODUCT_SAVED = "product_saved"  # a product was saved: price, special price, status or attributes may differ
    STOCK_CHANGED = "stock_changed"  # a legacy stock item or an MSI source item was saved
    SHIPMENT_SAVED = "shipment_saved"  # a shipment (with or without tracks) was saved for an order


class MagentoChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: MagentoChangeKind
    skus: list[str] = Field(default_factory=list, max_length=1000)
    product_ids: list[int] = Field(default_factory=list, max_length=1000)
    order_id: int | None = None
    shipment_id: int | None = None
    occurred_at: int = Field(ge=0)
    # How it arrived: "adobe_io", "signed" or "shared_secret" (for support: which setup sent it).
    delivery: str
    # Values the sender included (e.g. a new qty). Never written anywhere as such: consumers re-read Magento.
    values: dict[str, Any] = Field(default_factory=dict)


def event_type(kind: MagentoChangeKind) -> str:
    return f"{SOURCE}:{kind.value}"


def change_of(event: InboundEvent) -> MagentoChange:
    """The Magento change an event carries (capability handlers for `mage:` topics start here)."""
    return MagentoChange.model_validate(event.payload)
