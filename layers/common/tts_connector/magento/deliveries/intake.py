"""`POST /magento/events`: pick the delivery format from the headers, verify it, hand the changes to the pipeline.

Nothing is recorded or queued unless the sender is verified and the body is valid (401 / 400 / 413 otherwise).
A format whose secret is not configured is refused as not enabled.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from tts_connector.errors import AuthenticationError, ConfigurationError, PayloadTooLargeError
from tts_connector.events.intake import EventIntake
from tts_connector.events.models import InboundEvent
from tts_connector.magento.deliveries import adobe_io, shared_secret, signed
from tts_connector.magento.deliveries.common import MAX_BODY_BYTES
from tts_connector.observability import register_secret


class MagentoEventSecrets(BaseModel):
    """The Magento events secret (Secrets Manager): one field per delivery format the store uses."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    signing_secret: str | None = Field(default=None, min_length=16, repr=False)
    shared_secret: str | None = Field(default=None, min_length=16, repr=False)
    adobe_recipient_client_id: str | None = Field(default=None, min_length=1)


@dataclass(frozen=True)
class DeliveryResult:
    delivery: str
    accepted: list[str] = field(default_factory=list)  # event keys recorded (new or already known)
    duplicates: int = 0
    skipped_types: list[str] = field(default_factory=list)


@dataclass
class MagentoEventsIntake:
    secrets: Callable[[], MagentoEventSecrets]
    keys: adobe_io.PublicKeys
    intake: EventIntake
    clock: Callable[[], float] = field(default=time.time)

    def accept(self, headers: Mapping[str, str], raw_body: bytes) -> DeliveryResult:
        """`headers` must look up case-insensitively (Powertools' event headers do)."""
        if len(raw_body) > MAX_BODY_BYTES:
            raise PayloadTooLargeError(f"Magento event body of {len(raw_body)} bytes exceeds {MAX_BODY_BYTES} bytes")
        secrets = self.secrets()
        now = self.clock()
        skipped: list[str] = []
        if any(headers.get(h) for h in adobe_io.SIGNATURE_HEADERS):
            client_id = _enabled(secrets.adobe_recipient_client_id, "Adobe I/O Events", "adobe_recipient_client_id")
            adobe_io.verify(headers, raw_body, self.keys)
            events, skipped = adobe_io.events(raw_body, client_id, now)
            delivery = adobe_io.DELIVERY
        elif headers.get(signed.SIGNATURE_HEADER):
            secret = _enabled(secrets.signing_secret, "The signed format", "signing_secret")
            signed.verify(
                secret, headers.get(signed.TIMESTAMP_HEADER), headers.get(signed.SIGNATURE_HEADER), raw_body, now
            )
            events, delivery = signed.events(raw_body), signed.DELIVERY
        elif headers.get(shared_secret.SECRET_HEADER):
            secret = _enabled(secrets.shared_secret, "The shared-secret format", "shared_secret")
            shared_secret.verify(secret, headers.get(shared_secret.SECRET_HEADER))
            events, delivery = shared_secret.events(raw_body), shared_secret.DELIVERY
        else:
            raise AuthenticationError(
                "Magento event refused: no signature (Adobe I/O, X-TTS-Signature) or X-TTS-Webhook-Secret header",
                hint="Set the store up as the README's 'Magento change events' section describes",
            )
        return self._record(delivery, events, skipped)

    def _record(self, delivery: str, events: list[InboundEvent], skipped: list[str]) -> DeliveryResult:
        outcomes = [self.intake.accept(event) for event in events]
        return DeliveryResult(
            delivery=delivery,
            accepted=[o.event_key for o in outcomes],
            duplicates=sum(o.duplicate for o in outcomes),
            skipped_types=skipped,
        )


def _enabled(value: str | None, name: str, secret_field: str) -> str:
    if not value:
        raise AuthenticationError(
            f"Magento event refused: {name} is not enabled for this connector",
            hint=f"Add {secret_field!r} to the Magento events secret to accept this delivery format",
        )
    register_secret(value)
    return value


def load_secrets(raw: Mapping[str, object], name: str) -> MagentoEventSecrets:
    try:
        return MagentoEventSecrets.model_validate(raw)
    except ValueError as exc:
        raise ConfigurationError(
            f"Secret {name!r} is not a valid Magento events secret",
            hint="Store signing_secret and/or shared_secret (at least 16 characters each) and, for Adobe I/O "
            "Events, adobe_recipient_client_id",
        ) from exc
