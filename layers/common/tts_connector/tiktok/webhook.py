"""TikTok Shop's webhook contract in one place: signature, envelope, the keys derived from it.

TikTok puts lowercase hex HMAC-SHA256(key=app_secret, msg=app_key + raw_body) in the `Authorization`
header, with no scheme prefix (reference §3.2: EcomPHP Webhook::verify, PyPI tiktok-shop-api webhooks.py).
It is computed over the raw bytes received, never over re-serialised JSON. The envelope is reference §3.1.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tts_connector.errors import AuthenticationError, InvalidInputError, PayloadTooLargeError
from tts_connector.events.intake import EventIntake, IntakeResult
from tts_connector.events.models import InboundEvent, bounded_group_id
from tts_connector.tiktok.credentials import AppCredentials
from tts_connector.tiktok.signing import webhook_signature

SOURCE = "tts"
# TikTok's notifications are a few KB; the record must fit a DynamoDB item (400 KB) and the message an SQS
# message (256 KB), so anything near those limits is refused before it costs a write.
MAX_BODY_BYTES = 128 * 1024

# Topic numbers the connector names (reference §3.4).
ORDER_STATUS_CHANGE = 1
REVERSE_STATUS_UPDATE = 2
RECIPIENT_ADDRESS_UPDATE = 3
PACKAGE_UPDATE = 4
PRODUCT_STATUS_CHANGE = 5
SELLER_DEAUTHORIZATION = 6
UPCOMING_AUTHORIZATION_EXPIRATION = 7
CANCELLATION_STATUS_CHANGE = 11
RETURN_STATUS_CHANGE = 12
PRODUCT_AUDIT_STATUS_CHANGE = 37


def event_type(topic: int) -> str:
    """The pipeline's name for a TikTok topic, as capabilities subscribe to it."""
    return f"{SOURCE}:{topic}"


class TikTokNotification(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    type: int = Field(ge=1)
    shop_id: str = Field(min_length=1, max_length=64)
    timestamp: int = Field(ge=0)
    data: dict[str, Any]
    # Missing from some older topic examples (reference §3.1), so optional.
    tts_notification_id: str | None = Field(default=None, min_length=1, max_length=128)

    @field_validator("shop_id", "tts_notification_id", mode="before")
    @classmethod
    def _ids_are_strings(cls, value: Any) -> Any:
        # Ids are 64-bit; some TikTok examples send them as JSON numbers. Keep them as exact strings.
        return str(value) if isinstance(value, int) else value

    @property
    def event_key(self) -> str:
        """Stable identity of this notification: TikTok's id, or a digest of its content when absent."""
        if self.tts_notification_id:
            return f"{SOURCE}:{self.tts_notification_id}"
        canonical = json.dumps([self.type, self.shop_id, self.data], sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def message_group_id(self) -> str:
        """FIFO group: everything about one order stays in order; other events queue per shop."""
        order_id = self.data.get("order_id")
        if order_id not in (None, ""):
            return bounded_group_id(self.shop_id, "order", str(order_id))
        return bounded_group_id(self.shop_id, "shop")

    def to_event(self) -> InboundEvent:
        return InboundEvent(
            event_key=self.event_key,
            source=SOURCE,
            topic=str(self.type),
            shop_id=self.shop_id,
            occurred_at=self.timestamp,
            message_group_id=self.message_group_id,
            payload=self.model_dump(mode="json"),
        )


def notification_of(event: InboundEvent) -> TikTokNotification:
    """The TikTok notification an event carries (capability handlers for TikTok topics start here)."""
    return TikTokNotification.model_validate(event.payload)


def verify_signature(app_key: str, app_secret: str, raw_body: bytes, authorization: str | None) -> None:
    """Raise AuthenticationError unless `authorization` is TikTok's signature of `raw_body`."""
    if not authorization:
        raise AuthenticationError(
            "Webhook refused: the Authorization header with TikTok's signature is missing",
            hint="Only TikTok Shop may call this URL; check the sender",
        )
    expected = webhook_signature(app_key, app_secret, raw_body).encode()
    # Bytes, not str: compare_digest refuses non-ASCII str, and a header is whatever the sender put there.
    supplied = authorization.strip().lower().encode("utf-8", errors="replace")
    if not hmac.compare_digest(expected, supplied):
        raise AuthenticationError(
            "Webhook refused: the signature does not match this app",
            hint="Check that the connector's TikTok app key and secret match the app in Partner Center",
        )


def parse_notification(raw_body: bytes) -> TikTokNotification:
    """Parse and validate an envelope, refusing it with a message that says what is wrong."""
    try:
        payload = json.loads(raw_body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"Webhook body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise InvalidInputError("Webhook body is nested too deeply to be a TikTok notification") from exc
    if not isinstance(payload, dict):
        raise InvalidInputError("Webhook body must be a JSON object")
    try:
        return TikTokNotification.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise InvalidInputError(f"Webhook envelope is invalid: {problems}") from exc


def accept_webhook(
    raw_body: bytes, authorization: str | None, *, credentials: AppCredentials, intake: EventIntake
) -> IntakeResult:
    """Verify, parse and hand the notification to the pipeline; nothing is stored unless all checks pass."""
    if len(raw_body) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(
            f"Webhook body of {len(raw_body)} bytes exceeds the {MAX_BODY_BYTES}-byte limit for TikTok notifications"
        )
    verify_signature(credentials.app_key, credentials.app_secret, raw_body, authorization)
    return intake.accept(parse_notification(raw_body).to_event())
