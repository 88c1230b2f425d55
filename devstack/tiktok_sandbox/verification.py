"""Signature checks, written independently of the client's signer so each can catch the other's mistakes."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def expected_sign(app_secret: str, path: str, query: Mapping[str, str], body: bytes, *, multipart: bool) -> str:
    """secret + path + sorted k+v (minus sign, access_token) + raw body (not multipart) + secret."""
    pieces = [path.encode()]
    for key in sorted(k for k in query if k not in ("sign", "access_token")):
        pieces.append(key.encode() + query[key].encode())
    if not multipart:
        pieces.append(body)
    secret = app_secret.encode()
    message = secret + b"".join(pieces) + secret
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signature_matches(
    app_secret: str, path: str, query: Mapping[str, str], body: bytes, *, multipart: bool, given: str
) -> bool:
    # Exact comparison: TikTok rejects upper-case hex, so no case folding here.
    return hmac.compare_digest(expected_sign(app_secret, path, query, body, multipart=multipart), given)


def webhook_authorization(app_key: str, app_secret: str, raw_body: bytes) -> str:
    """The `Authorization` header value TikTok sends with a webhook."""
    return hmac.new(app_secret.encode(), app_key.encode() + raw_body, hashlib.sha256).hexdigest()
