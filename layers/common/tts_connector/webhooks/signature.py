"""TikTok Shop webhook signature check.

TikTok puts lowercase hex HMAC-SHA256(key=app_secret, msg=app_key + raw_body) in the `Authorization`
header, with no scheme prefix (reference §3.2: EcomPHP Webhook::verify, PyPI tiktok-shop-api webhooks.py).
It must be computed over the raw bytes received, never over re-serialised JSON.
"""

from __future__ import annotations

import hmac

from tts_connector.errors import AuthenticationError
from tts_connector.tiktok.signing import webhook_signature


def verify_tiktok_webhook(app_key: str, app_secret: str, raw_body: bytes, authorization: str | None) -> None:
    """Raise AuthenticationError unless `authorization` is TikTok's signature of `raw_body`."""
    if not authorization:
        raise AuthenticationError(
            "Webhook refused: the Authorization header with TikTok's signature is missing",
            hint="Only TikTok Shop may call this URL; check the sender",
        )
    expected = webhook_signature(app_key, app_secret, raw_body)
    if not hmac.compare_digest(expected, authorization.strip().lower()):
        raise AuthenticationError(
            "Webhook refused: the signature does not match this app",
            hint="Check that the connector's TikTok app key and secret match the app in Partner Center",
        )
