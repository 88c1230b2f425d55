"""Checking the Authorization header of a request the way a Magento store does.

OAuth 1.0a HMAC-SHA256 signatures are verified with oauthlib's RFC 5849 implementation. Because the connector
signs with the same library, a shared bug could hide; the tests therefore also check a signature computed by
hand from the RFC base string, and a tampered one. A standalone Bearer token is honoured only when the store's
bearer flag is on; otherwise the caller is treated as a guest, as Magento does.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

from oauthlib.common import Request
from oauthlib.oauth1.rfc5849 import signature

from magento_sandbox.api_errors import MagentoApiError
from magento_sandbox.config import SandboxConfig


def _oauth_error(message: str, parameters: list[str] | None = None) -> MagentoApiError:
    return MagentoApiError(401, message, parameters)


@dataclass
class Authenticator:
    config: SandboxConfig
    _seen_nonces: set[tuple[str, str]] = field(default_factory=set)

    def authenticate(self, method: str, url: str, headers: Mapping[str, str]) -> bool:
        """True for the integration, False for a guest; raises for a broken OAuth request."""
        header = headers.get("Authorization", "")
        if header.startswith("Bearer "):
            token = header.removeprefix("Bearer ").strip()
            return self.config.bearer_enabled and token == self.config.access_token
        if header.startswith("OAuth "):
            self._verify_oauth(method, url, header)
            return True
        return False

    def _verify_oauth(self, method: str, url: str, header: str) -> None:
        try:
            # collect_parameters percent-decodes values (parse_authorization_header alone does not).
            oauth_params = dict(
                signature.collect_parameters(headers={"Authorization": header}, exclude_oauth_signature=False)
            )
        except ValueError as exc:
            raise _oauth_error("The Authorization header is malformed.") from exc
        for name in ("oauth_consumer_key", "oauth_signature", "oauth_signature_method", "oauth_nonce"):
            if not oauth_params.get(name):
                raise _oauth_error('"%1" is required. Enter and try again.', [name])
        if oauth_params["oauth_consumer_key"] != self.config.consumer_key:
            raise _oauth_error("A consumer having the specified key does not exist")
        if oauth_params["oauth_signature_method"] != "HMAC-SHA256":
            raise _oauth_error("Signature method %1 is not supported", [oauth_params["oauth_signature_method"]])
        if oauth_params.get("oauth_token") != self.config.access_token:
            raise _oauth_error("Specified token does not exist")
        try:
            timestamp = int(oauth_params.get("oauth_timestamp", ""))
        except ValueError as exc:
            raise _oauth_error("The timestamp is invalid.") from exc
        if abs(time.time() - timestamp) > self.config.oauth_timestamp_tolerance:
            raise _oauth_error("The timestamp is out of range.")
        nonce_key = (oauth_params["oauth_nonce"], str(timestamp))
        if nonce_key in self._seen_nonces:
            raise _oauth_error(
                "The nonce is already being used by the consumer with ID %1.", [self.config.consumer_key]
            )
        # oauthlib's verifier reads params/signature attributes that its Request only gains dynamically.
        request: Any = Request(url, cast(Any, method), "", {"Authorization": header})
        request.params = signature.collect_parameters(
            uri_query=urlsplit(url).query, headers={"Authorization": header}, exclude_oauth_signature=True
        )
        request.signature = oauth_params["oauth_signature"]
        if not signature.verify_hmac_sha256(request, self.config.consumer_secret, self.config.access_token_secret):
            raise _oauth_error("The signature is invalid. Verify and try again.")
        self._seen_nonces.add(nonce_key)
