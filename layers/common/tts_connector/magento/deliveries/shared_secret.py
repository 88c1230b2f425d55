"""A static shared-secret header, for off-the-shelf webhook extensions that can add a header but cannot sign.

Header `X-TTS-Webhook-Secret: <the shared secret>`, compared in constant time; body: the connector's change
body (the README gives the template to configure in the extension). The trade-off, stated in the README:
the secret travels with every request, so anyone who learns it can send events until it is rotated, and
there is no replay window — only de-duplication by `id`. Events are hints (the connector re-reads
Magento), so a forged event can at worst cause a re-read, never write a wrong value.
"""

from __future__ import annotations

import hmac

from tts_connector.errors import AuthenticationError
from tts_connector.events.models import InboundEvent
from tts_connector.magento.deliveries.common import connector_events

SECRET_HEADER = "X-TTS-Webhook-Secret"
DELIVERY = "shared_secret"


def verify(secret: str, supplied: str | None) -> None:
    given = (supplied or "").strip().encode("utf-8", errors="replace")
    if not given or not hmac.compare_digest(secret.encode(), given):
        raise AuthenticationError(
            f"Magento event refused: {SECRET_HEADER} does not match",
            hint="Set the extension's custom header to the connector's Magento events shared secret",
        )


def events(raw_body: bytes) -> list[InboundEvent]:
    return connector_events(raw_body, DELIVERY)
