"""Signed, rate-limited, retrying transport for the TikTok Shop API host.

One call = acquire a rate-limit token, sign with a fresh timestamp, send the exact signed bytes, then read the
envelope: success is `code == 0`. 105002 triggers one token refresh and a retry; throttling and transient
failures are retried with backoff (only when repeating the call cannot duplicate a side effect).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from random import Random
from typing import Any
from urllib.parse import quote, urlencode

import requests
from aws_lambda_powertools import Logger

from tts_connector.retry import RetryPolicy, parse_retry_after
from tts_connector.tiktok.envelope import read_envelope
from tts_connector.tiktok.errors import RateLimitedError, TikTokTransientError, TokenExpiredError
from tts_connector.tiktok.rate_limit import RateLimitConfig, RateLimiter, ThrottleFeedback, acquire, bucket_id
from tts_connector.tiktok.signing import serialize_body, sign_request
from tts_connector.tiktok.tokens import TokenSource

logger = Logger(child=True)

QueryValue = str | int | bool | Sequence[str] | None
# (filename, content, content type) per multipart field; plain strings become form fields.
MultipartFile = tuple[str, bytes, str]


@dataclass(frozen=True)
class ShopRef:
    """The shop a call is for: `shop_id` keys tokens and rate limits; `cipher` goes out as `shop_cipher`."""

    shop_id: str
    cipher: str | None = None


_ID_SEGMENT = re.compile(r"^\d+$")


def api_name(method: str, path: str) -> str:
    """The API a call counts against: TikTok limits each API per app and shop (reference §8.3), so ids in
    the path are folded (`GET /product/202309/products/{id}`) and every product shares one bucket. Paths are
    `/<group>/<version>/<resource>/...`: the version stays."""
    parts = path.split("/")
    segments = [("{id}" if index > 2 and _ID_SEGMENT.match(part) else part) for index, part in enumerate(parts)]
    return f"{method.upper()} {'/'.join(segments)}"


def encode_query_value(value: str | int | bool | Sequence[str]) -> str:
    """TikTok wants arrays comma-joined and booleans lowercase; the decoded form is what gets signed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value)
    return ",".join(value)


def clean_query(query: Mapping[str, QueryValue] | None) -> dict[str, str]:
    """Drop None and empty values: sources disagree on how empty params are signed, so never send them."""
    cleaned: dict[str, str] = {}
    for key, value in (query or {}).items():
        if value is None:
            continue
        encoded = encode_query_value(value)
        if encoded != "":
            cleaned[key] = encoded
    return cleaned


class TikTokShopClient:
    """Transport for the TikTok Shop API host (or a sandbox): signing, tokens, limits, retries."""

    def __init__(
        self,
        *,
        base_url: str,
        app_key: str,
        app_secret: str,
        token_source: TokenSource,
        rate_limiter: RateLimiter | None = None,
        rate_limits: RateLimitConfig | None = None,
        retry_policy: RetryPolicy | None = None,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (3.05, 20.0),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        rng: Random | None = None,
        max_rate_limit_wait: float = 30.0,
        setting_hint: str | None = None,
    ):
        """`setting_hint` says where the merchant fixes `base_url` (named when it does not answer like TikTok)."""
        self._base_url = base_url.rstrip("/")
        self._app_key = app_key
        self._app_secret = app_secret
        self._tokens = token_source
        self._limiter = rate_limiter
        self._limits = rate_limits or RateLimitConfig()
        self._retry = retry_policy or RetryPolicy()
        self._session = session or requests.Session()
        self._timeout = timeout
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or Random()
        self._max_rate_limit_wait = max_rate_limit_wait
        self._setting_hint = setting_hint

    @property
    def app_key(self) -> str:
        return self._app_key

    def call(
        self,
        method: str,
        path: str,
        *,
        shop: ShopRef,
        send_cipher: bool = True,
        query: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, Any] | None = None,
        files: Mapping[str, MultipartFile | str] | None = None,
        idempotent: bool,
        api_group: str | None = None,
    ) -> Any:
        """Perform one API operation and return the envelope's `data`.

        `idempotent=False` marks calls whose repetition could duplicate a side effect (a create without an
        idempotency key): those are retried only when TikTok certainly did not process them (429, connect
        failure). `send_cipher=False` is for the endpoints that reject `shop_cipher` (authorization, uploads).
        `api_group` names the rate-limit bucket; by default the API itself (`api_name`).
        """
        if send_cipher and not shop.cipher:
            raise ValueError(f"{path} is shop-scoped and needs the shop cipher for shop {shop.shop_id}")
        base_query = clean_query(query)
        payload = serialize_body(body) if body is not None else b""
        group = api_group or api_name(method, path)
        refreshed = False
        retry_number = 0
        while True:
            self._wait_for_rate_limit(shop.shop_id, group)
            signed_query = self._signed_query(
                path, base_query, shop.cipher if send_cipher else None, payload, multipart=files is not None
            )
            url = f"{self._base_url}{path}?{urlencode(signed_query, quote_via=quote, safe='')}"
            headers = {"x-tts-access-token": self._tokens.access_token(shop.shop_id)}
            try:
                response = self._send(method, url, headers, payload, files)
            except (requests.Timeout, requests.ConnectionError) as exc:
                # A connect failure never reached TikTok; a read timeout may have been processed.
                reached_server = not isinstance(exc, requests.ConnectTimeout)
                unanswered = TikTokTransientError(
                    f"TikTok Shop did not answer {path} ({type(exc).__name__})",
                    path=path,
                    attempts=retry_number + 1,
                )
                if self._may_retry(retry_number, idempotent or not reached_server, None):
                    self._backoff(path, retry_number, None, unanswered)
                    retry_number += 1
                    continue
                # Not chained: requests' message holds the signed URL, and `sign` must not reach the logs.
                raise unanswered from None
            envelope = read_envelope(response, path, host="API host", setting_hint=self._setting_hint)
            if envelope.ok:
                logger.debug("TikTok call succeeded", extra={"path": path, "request_id": envelope.request_id})
                return envelope.data
            error = envelope.error(path)
            logger.info(
                "TikTok call failed",
                extra={
                    "path": path,
                    "http_status": response.status_code,
                    "tiktok_code": envelope.code,
                    "request_id": envelope.request_id,
                    "shop_id": shop.shop_id,
                    "retry_number": retry_number,
                },
            )
            if isinstance(error, TokenExpiredError) and not refreshed:
                refreshed = True
                self._tokens.refresh(shop.shop_id)
                continue
            if isinstance(error, TikTokTransientError):
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if isinstance(error, RateLimitedError):
                    self._report_throttled(shop.shop_id, group, retry_after)
                safe = idempotent or isinstance(error, RateLimitedError)
                if self._may_retry(retry_number, safe, retry_after):
                    self._backoff(path, retry_number, retry_after, error)
                    retry_number += 1
                    continue
                error.retry_after = retry_after
                error.attempts = retry_number + 1
                error.details["attempts"] = retry_number + 1
            raise error

    def _signed_query(
        self, path: str, base_query: dict[str, str], cipher: str | None, payload: bytes, *, multipart: bool
    ) -> dict[str, str]:
        query = dict(base_query)
        query["app_key"] = self._app_key
        # Fresh per attempt: TikTok rejects timestamps older than 5 minutes, and backoff can take a while.
        query["timestamp"] = str(int(self._clock()))
        if cipher:
            query["shop_cipher"] = cipher
        query["sign"] = sign_request(self._app_secret, path, query, payload, multipart=multipart)
        return query

    def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        payload: bytes,
        files: Mapping[str, MultipartFile | str] | None,
    ) -> requests.Response:
        if files is not None:
            # requests builds the multipart body and its boundary; TikTok does not sign multipart bodies.
            parts = {k: (None, v) if isinstance(v, str) else v for k, v in files.items()}
            return self._session.request(method, url, headers=headers, files=parts, timeout=self._timeout)
        headers["content-type"] = "application/json"
        return self._session.request(method, url, headers=headers, data=payload or None, timeout=self._timeout)

    def _may_retry(self, retry_number: int, safe: bool, retry_after: float | None) -> bool:
        # A Retry-After longer than we are willing to wait goes back to the caller (e.g. an SQS delay).
        return safe and self._retry.allows_retry(retry_number, retry_after)

    def _backoff(self, path: str, retry_number: int, retry_after: float | None, error: Exception) -> None:
        delay = self._retry.delay(retry_number, retry_after, rng=self._rng)
        logger.info(
            "Retrying TikTok call",
            extra={
                "path": path,
                "retry_number": retry_number + 1,
                "delay": round(delay, 3),
                "error": type(error).__name__,
            },
        )
        self._sleep(delay)

    def _report_throttled(self, shop_id: str, group: str, retry_after: float | None) -> None:
        if isinstance(self._limiter, ThrottleFeedback):
            limit = self._limits.limit_for(shop_id, group)
            self._limiter.throttled(bucket_id(self._app_key, shop_id, group), limit, retry_after)

    def _wait_for_rate_limit(self, shop_id: str, group: str) -> None:
        if self._limiter is None:
            return
        limit = self._limits.limit_for(shop_id, group)
        acquire(
            self._limiter,
            bucket_id(self._app_key, shop_id, group),
            limit,
            max_wait=self._max_rate_limit_wait,
            sleep=self._sleep,
        )
