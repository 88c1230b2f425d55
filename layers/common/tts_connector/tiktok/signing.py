"""Request signing for TikTok Shop API version 202309.

The string to sign is: app_secret + path + sorted(key + value for query params except `sign` and
`access_token`) + body + app_secret, HMAC-SHA256 keyed with the app secret, as lowercase hex.
The body is appended exactly as sent (bytes serialised once by the caller); multipart bodies are not signed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

# Parameters TikTok leaves out of the string to sign.
EXCLUDED_FROM_SIGNATURE = frozenset({"sign", "access_token"})


def string_to_sign(
    app_secret: str, path: str, query: Mapping[str, str], body: bytes = b"", *, multipart: bool = False
) -> bytes:
    """Build the wrapped string TikTok expects, as bytes (so the exact body bytes are kept)."""
    params = {k: v for k, v in query.items() if k not in EXCLUDED_FROM_SIGNATURE}
    # Ordinal (byte-wise) ordering, as TikTok's Go sample and SKIT use; Python's str sort is code-point order.
    core = path + "".join(f"{key}{params[key]}" for key in sorted(params))
    secret = app_secret.encode()
    signed_body = b"" if multipart else body
    return secret + core.encode() + signed_body + secret


def sign_request(
    app_secret: str, path: str, query: Mapping[str, str], body: bytes = b"", *, multipart: bool = False
) -> str:
    """Return the lowercase hex `sign` value for one request."""
    message = string_to_sign(app_secret, path, query, body, multipart=multipart)
    return hmac.new(app_secret.encode(), message, hashlib.sha256).hexdigest()


def serialize_body(payload: Mapping[str, Any]) -> bytes:
    """Serialise a JSON body once, compactly; these exact bytes are both signed and sent."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def webhook_signature(app_key: str, app_secret: str, raw_body: bytes) -> str:
    """The `Authorization` header TikTok puts on webhooks: hex HMAC-SHA256(app_secret, app_key + raw body)."""
    return hmac.new(app_secret.encode(), app_key.encode() + raw_body, hashlib.sha256).hexdigest()
