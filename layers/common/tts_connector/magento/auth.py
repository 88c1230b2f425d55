"""Authorization headers for Magento REST calls.

OAuth 1.0a signing is delegated to oauthlib rather than hand-written: the base string must percent-encode
the `searchCriteria[...]` query keys exactly as RFC 5849 says, and a well-tested library gets that right.
JSON bodies are not part of the OAuth base string (only form-encoded bodies are), so only method and full
URL are signed.
"""

from __future__ import annotations

from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, Client

from tts_connector.magento.credentials import BearerCredentials, MagentoCredentials
from tts_connector.magento.endpoints import Method as HttpMethod


def authorization_header(credentials: MagentoCredentials, method: HttpMethod, url: str) -> str:
    """The `Authorization` value for one request; `url` must be exactly the URL sent, query included."""
    if isinstance(credentials, BearerCredentials):
        return f"Bearer {credentials.access_token.get_secret_value()}"
    client = Client(
        credentials.consumer_key,
        client_secret=credentials.consumer_secret.get_secret_value(),
        resource_owner_key=credentials.access_token.get_secret_value(),
        resource_owner_secret=credentials.access_token_secret.get_secret_value(),
        signature_method=SIGNATURE_HMAC_SHA256,
    )
    _, headers, _ = client.sign(url, http_method=method)
    return str(headers["Authorization"])
