"""MagentoClient: one Magento 2 store, reached over REST with integration credentials.

Every call goes through `MagentoClient.call`, which builds the URL (store scope, encoded path parameters,
searchCriteria), signs it, sends it through the transport, retries what is safe to retry, and turns
failures into the connector's typed errors. Operations live in small per-area classes (`client.catalog`,
`client.sales`, ...).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

import requests
from aws_lambda_powertools import Logger
from urllib3.exceptions import MaxRetryError, NewConnectionError

from tts_connector.errors import ConnectorError, ExternalServiceError, TransientError
from tts_connector.magento.auth import authorization_header
from tts_connector.magento.catalog import CatalogApi
from tts_connector.magento.checkout import CheckoutApi
from tts_connector.magento.credentials import BearerCredentials, MagentoCredentials
from tts_connector.magento.endpoints import Endpoint
from tts_connector.magento.errors import OutcomeUnknownError, error_for_response
from tts_connector.magento.inventory import InventoryApi
from tts_connector.magento.sales import SalesApi
from tts_connector.magento.store import StoreApi
from tts_connector.magento.transport import RequestsTransport, Transport, TransportResponse
from tts_connector.retry import RetryPolicy, parse_retry_after
from tts_connector.settings import Settings

logger = Logger(child=True)

# Magento answers within seconds or not at all; four attempts over ~8 s cover a restart or a brief lock.
DEFAULT_RETRY = RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=8.0)

PathParams = Mapping[str, str | int]


class MagentoClient:
    def __init__(
        self,
        base_url: str,
        credentials: MagentoCredentials,
        *,
        store_code: str = "default",
        timeout: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy | None = None,
        transport: Transport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        store_code_setting: str = "the store code setting",
    ) -> None:
        """`store_code_setting` says where the merchant changes `store_code` (named in error hints)."""
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must be an absolute http(s) URL of the store")
        self.base_url = base_url.rstrip("/")
        self.store_code = store_code
        self.store_code_setting = store_code_setting
        self._credentials = credentials
        self._timeout = timeout
        self._retry = retry or DEFAULT_RETRY
        self._sleep = sleep
        self._transport: Transport = transport or RequestsTransport()
        self.store = StoreApi(self)
        self.catalog = CatalogApi(self)
        self.inventory = InventoryApi(self)
        self.checkout = CheckoutApi(self)
        self.sales = SalesApi(self)

    @classmethod
    def from_settings(cls, settings: Settings, credentials: MagentoCredentials, **kwargs: Any) -> MagentoClient:
        return cls(
            settings.require("magento_base_url"),
            credentials,
            store_code=settings.magento_store_code,
            store_code_setting=settings.where_to_change("magento_store_code"),
            **kwargs,
        )

    def __repr__(self) -> str:
        return f"MagentoClient(base_url={self.base_url!r}, store_code={self.store_code!r})"

    def url_for(
        self, endpoint: Endpoint, path_params: PathParams | None = None, query: Sequence[tuple[str, str]] = ()
    ) -> str:
        scope = "all" if endpoint.scope == "all" else self.store_code
        path = endpoint.template
        for name, value in (path_params or {}).items():
            # safe="" so a SKU with '/' stays one path segment (%2F) and spaces become %20.
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
        if "{" in path:
            raise ValueError(f"missing path parameter for {endpoint}")
        url = f"{self.base_url}/rest/{quote(scope, safe='')}{path}"
        if query:
            url += "?" + urlencode(list(query), quote_via=quote)
        return url

    def call(
        self,
        endpoint: Endpoint,
        path_params: PathParams | None = None,
        *,
        query: Sequence[tuple[str, str]] = (),
        body: Any = None,
    ) -> Any:
        """Perform one REST call and return the decoded JSON answer."""
        url = self.url_for(endpoint, path_params, query)
        payload = json.dumps(body, separators=(",", ":")).encode() if body is not None else None
        attempts = self._retry.max_attempts
        for attempt in range(1, attempts + 1):
            headers = {
                "Accept": "application/json",
                # Signed per attempt: a fresh nonce, since Magento refuses a reused one.
                "Authorization": authorization_header(self._credentials, endpoint.method, url),
            }
            if payload is not None or endpoint.method in ("POST", "PUT"):
                headers["Content-Type"] = "application/json"
            try:
                response = self._transport.send(endpoint.method, url, headers, payload, self._timeout)
            except (requests.Timeout, requests.ConnectionError) as exc:
                failure = self._on_network_failure(endpoint, exc, attempt, attempts)
                if failure is not None:
                    raise failure from exc
                continue
            if 200 <= response.status < 300:
                return self._decode(endpoint, response)
            error = error_for_response(
                response.status, response.content, operation=str(endpoint), bearer=self._is_bearer
            )
            if _UNKNOWN_STORE in error.message:
                # Magento resolves the store code in the URL before anything else.
                error.hint = f"Store view {self.store_code!r} does not exist: set {self.store_code_setting}"
            retry_after = parse_retry_after({k.lower(): v for k, v in response.headers.items()}.get("retry-after"))
            if not self._should_retry(endpoint, response.status) or not self._retry.allows_retry(
                attempt - 1, retry_after
            ):
                if response.status >= 500 and not endpoint.retry_safe:
                    raise OutcomeUnknownError(error.message, hint=_CHECK_BEFORE_RETRY, details=error.details)
                if isinstance(error, TransientError):
                    error.retry_after = retry_after
                raise error
            logger.warning(
                "Magento call failed, retrying",
                extra={"operation": str(endpoint), "status": response.status, "attempt": attempt},
            )
            self._sleep(self._retry.delay(attempt - 1, retry_after))
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    @property
    def _is_bearer(self) -> bool:
        return isinstance(self._credentials, BearerCredentials)

    @staticmethod
    def _should_retry(endpoint: Endpoint, status: int) -> bool:
        # 429 means Magento (or a CDN) refused before doing anything, so even unsafe writes may repeat.
        return status == 429 or (status >= 500 and endpoint.retry_safe)

    def _on_network_failure(
        self, endpoint: Endpoint, exc: Exception, attempt: int, attempts: int
    ) -> ConnectorError | None:
        kind = "timed out" if isinstance(exc, requests.Timeout) else "could not connect"
        details = {"operation": str(endpoint), "attempt": attempt}
        if not endpoint.retry_safe and not _never_sent(exc):
            return OutcomeUnknownError(
                f"Magento {endpoint} {kind}; the outcome is unknown",
                hint=_CHECK_BEFORE_RETRY,
                details=details,
            )
        if not self._retry.allows_retry(attempt - 1):
            return TransientError(f"Magento {endpoint} {kind} after {attempts} attempts", details=details)
        logger.warning("Magento call failed without an answer, retrying", extra={**details, "failure": kind})
        self._sleep(self._retry.delay(attempt - 1))
        return None

    @staticmethod
    def _decode(endpoint: Endpoint, response: TransportResponse) -> Any:
        if not response.content.strip():
            return None
        try:
            return json.loads(response.content)
        except ValueError as exc:
            raise ExternalServiceError(
                f"Magento {endpoint} answered {response.status} with a body that is not JSON",
                hint="Check the store URL: a proxy or maintenance page may be answering instead of Magento",
                details={"status": response.status, "operation": str(endpoint)},
            ) from exc


_CHECK_BEFORE_RETRY = "Check in Magento whether the change was applied before retrying"
_UNKNOWN_STORE = "The store that was requested wasn't found"


def _never_sent(exc: Exception) -> bool:
    """True when the request surely did not reach Magento (no connection was made), so any call may repeat."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, MaxRetryError):
        cause = cause.reason
    # NewConnectionError covers refused connections and DNS failures (NameResolutionError is a subclass).
    return isinstance(cause, NewConnectionError)
