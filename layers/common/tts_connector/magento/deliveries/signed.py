"""The connector's signed format, for Magento Open Source stores with their own observer or webhook module.

Headers: `X-TTS-Timestamp: <Unix seconds>` and `X-TTS-Signature: sha256=<hex>`, where hex is
HMAC-SHA256(key = the signing secret, message = timestamp + "." + raw body). A timestamp more than five
minutes away from now is refused (a captured request cannot be replayed later); within the window a repeat
of the same `id` is de-duplicated by the pipeline. The body is `ConnectorChangeBody`.
"""

from __future__ import annotations

import hashlib
import hmac

from tts_connector.errors import AuthenticationError
from tts_connector.events.models import InboundEvent
from tts_connector.magento.deliveries.common import connector_events

TIMESTAMP_HEADER = "X-TTS-Timestamp"
SIGNATURE_HEADER = "X-TTS-Signature"
REPLAY_WINDOW_SECONDS = 300
DELIVERY = "signed"


def signature(secret: str, timestamp: str, raw_body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + raw_body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str | None, supplied: str | None, raw_body: bytes, now: float) -> None:
    if not timestamp or not supplied:
        raise AuthenticationError(
            f"Magento event refused: {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} are both required",
            hint="Sign each delivery as the README's 'Magento change events' section describes",
        )
    try:
        sent_at = int(timestamp.strip())
    except ValueError:
        raise AuthenticationError(f"Magento event refused: {TIMESTAMP_HEADER} is not Unix seconds") from None
    expected = signature(secret, timestamp.strip(), raw_body).encode()
    if not hmac.compare_digest(expected, supplied.strip().lower().encode("utf-8", errors="replace")):
        raise AuthenticationError(
            "Magento event refused: the signature does not match",
            hint="Check that the store signs with the connector's Magento events signing secret",
        )
    if abs(now - sent_at) > REPLAY_WINDOW_SECONDS:
        raise AuthenticationError(
            f"Magento event refused: signed at {sent_at}, more than {REPLAY_WINDOW_SECONDS} s from now",
            hint="Check the store's clock (NTP); a delivery is valid for five minutes after it is signed",
        )


def events(raw_body: bytes) -> list[InboundEvent]:
    return connector_events(raw_body, DELIVERY)
