"""What every delivery format shares: the connector's JSON change body, and turning it into pipeline events."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tts_connector.errors import InvalidInputError, PayloadTooLargeError
from tts_connector.events.models import InboundEvent, bounded_group_id
from tts_connector.magento.change_events import SOURCE, MagentoChange, MagentoChangeKind

# Adobe's unfiltered product events carry the whole product; anything larger is not a change notification.
MAX_BODY_BYTES = 1024 * 1024


class ConnectorChangeBody(BaseModel):
    """The connector's documented change body (README, "Magento change events"), for the signed and shared-secret
    formats. `id` identifies the change: a retry of the same change must send the same id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=200)
    event: MagentoChangeKind
    skus: list[str] = Field(default_factory=list, max_length=1000)
    product_ids: list[int] = Field(default_factory=list, max_length=1000)
    order_id: int | None = Field(default=None, ge=1)
    shipment_id: int | None = Field(default=None, ge=1)
    occurred_at: int | str
    values: dict[str, Any] = Field(default_factory=dict)

    @field_validator("skus")
    @classmethod
    def _skus_are_not_blank(cls, skus: list[str]) -> list[str]:
        if any(not s.strip() or len(s) > 64 for s in skus):
            raise ValueError("every SKU must be 1 to 64 characters (Magento's limit)")
        return skus

    def occurred_at_epoch(self) -> int:
        return parse_time(self.occurred_at, "occurred_at")


def parse_time(value: int | str, field: str) -> int:
    """Unix seconds, or an ISO 8601 / Magento `Y-m-d H:i:s` (UTC) timestamp."""
    if isinstance(value, int):
        if value < 0:
            raise InvalidInputError(f"{field} must not be negative")
        return value
    text = value.strip()
    if " " in text and "T" not in text:
        text = text.replace(" ", "T", 1)  # Magento's `Y-m-d H:i:s`
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInputError(f"{field} {value!r} is neither Unix seconds nor an ISO 8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def load_json(raw_body: bytes) -> Any:
    if len(raw_body) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"Magento event body of {len(raw_body)} bytes exceeds {MAX_BODY_BYTES} bytes")
    try:
        return json.loads(raw_body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"Magento event body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise InvalidInputError("Magento event body is nested too deeply") from exc


def parse_connector_body(raw_body: bytes) -> ConnectorChangeBody:
    payload = load_json(raw_body)
    if not isinstance(payload, dict):
        raise InvalidInputError("Magento event body must be a JSON object")
    try:
        return ConnectorChangeBody.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise InvalidInputError(f"Magento event body is invalid: {problems}") from exc


def check_change_has_subject(change: MagentoChange) -> None:
    if change.kind is MagentoChangeKind.SHIPMENT_SAVED:
        if change.order_id is None:
            raise InvalidInputError("A shipment_saved event must name its order_id")
    elif not change.skus and not change.product_ids:
        raise InvalidInputError(f"A {change.kind.value} event must name skus or product_ids")


def to_event(delivery_id: str, change: MagentoChange) -> InboundEvent:
    """The pipeline event for one change; `delivery_id` is the sender's id for it (the de-duplication key)."""
    check_change_has_subject(change)
    return InboundEvent(
        event_key=f"{SOURCE}:{_key_part(delivery_id)}",
        source=SOURCE,
        topic=change.kind.value,
        shop_id=None,
        occurred_at=change.occurred_at,
        message_group_id=_group(change),
        payload=change.model_dump(mode="json"),
    )


def _key_part(delivery_id: str) -> str:
    # Sender ids are free text; keep short printable ones, digest anything else.
    if delivery_id.isascii() and delivery_id.isprintable() and len(delivery_id) <= 200:
        return delivery_id
    return "sha256:" + hashlib.sha256(delivery_id.encode()).hexdigest()


def _group(change: MagentoChange) -> str:
    """Changes of one order (shipments) stay in order; catalog changes are grouped by their first product."""
    if change.kind is MagentoChangeKind.SHIPMENT_SAVED:
        return bounded_group_id(SOURCE, "order", str(change.order_id))
    subject = change.skus[0] if change.skus else str(change.product_ids[0])
    return bounded_group_id(SOURCE, "product", subject)


def connector_events(raw_body: bytes, delivery: str) -> list[InboundEvent]:
    """The events of a delivery in the connector's own body (signed and shared-secret formats)."""
    body = parse_connector_body(raw_body)
    change = MagentoChange(
        kind=body.event,
        skus=body.skus,
        product_ids=body.product_ids,
        order_id=body.order_id,
        shipment_id=body.shipment_id,
        occurred_at=body.occurred_at_epoch(),
        delivery=delivery,
        values=body.values,
    )
    return [to_event(body.id, change)]
