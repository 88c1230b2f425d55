"""The TikTok Shop webhook envelope (reference §3.1) and the keys the connector derives from it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tts_connector.errors import InvalidInputError

# Topic numbers the connector names (reference §3.4).
ORDER_STATUS_CHANGE = 1
RECIPIENT_ADDRESS_UPDATE = 3
PACKAGE_UPDATE = 4
PRODUCT_STATUS_CHANGE = 5
SELLER_DEAUTHORIZATION = 6
UPCOMING_AUTHORIZATION_EXPIRATION = 7
CANCELLATION_STATUS_CHANGE = 11
RETURN_STATUS_CHANGE = 12
PRODUCT_AUDIT_STATUS_CHANGE = 37


class TikTokNotification(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    type: int = Field(ge=1)
    shop_id: str = Field(min_length=1)
    timestamp: int = Field(ge=0)
    data: dict[str, Any]
    # Missing from some older topic examples (reference §3.1), so optional.
    tts_notification_id: str | None = None

    @field_validator("shop_id", "tts_notification_id", mode="before")
    @classmethod
    def _ids_are_strings(cls, value: Any) -> Any:
        # Ids are 64-bit; some TikTok examples send them as JSON numbers. Keep them as exact strings.
        return str(value) if isinstance(value, int) else value

    @property
    def event_key(self) -> str:
        """Stable identity of this notification: TikTok's id, or a digest of its content when absent."""
        if self.tts_notification_id:
            return f"tts:{self.tts_notification_id}"
        canonical = json.dumps([self.type, self.shop_id, self.data], sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def message_group_id(self) -> str:
        """FIFO group: everything about one order stays in order; other events queue per shop."""
        order_id = self.data.get("order_id")
        if order_id not in (None, ""):
            return f"{self.shop_id}:order:{order_id}"
        return f"{self.shop_id}:shop"


def parse_tiktok_notification(raw_body: bytes) -> TikTokNotification:
    """Parse and validate an envelope, refusing it with a message that says what is wrong."""
    try:
        payload = json.loads(raw_body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"Webhook body is not valid JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise InvalidInputError("Webhook body must be a JSON object")
    try:
        return TikTokNotification.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise InvalidInputError(f"Webhook envelope is invalid: {problems}") from exc
