"""Hand-made, OAuth-signed requests to the Magento sandbox, for answers the connector's client would hide."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

import requests

from magento_sandbox import MagentoSandbox
from tests.integration.magento.conftest import oauth_credentials
from tts_connector.magento.auth import authorization_header


def signed(
    sandbox: MagentoSandbox,
    method: Any,
    path: str,
    body: Any = None,
    query: Sequence[tuple[str, str]] = (),
) -> requests.Response:
    url = sandbox.base_url + path + ("?" + urlencode(list(query), quote_via=quote) if query else "")
    headers = {
        "Authorization": authorization_header(oauth_credentials(sandbox.config), method, url),
        "Content-Type": "application/json",
    }
    data = json.dumps(body) if body is not None else None
    return requests.request(method, url, headers=headers, data=data, timeout=5)
