"""Where the client gets access tokens from, and how it asks for a fresh one after TikTok says 105002."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from tts_connector.tiktok.errors import TikTokAuthError


class TokenSource(Protocol):
    """Access tokens per token key (the shop id, or the seller's open_id before shops are known)."""

    def access_token(self, key: str) -> str:
        """The current access token for `key`; raises an AuthenticationError subclass if there is none."""
        ...

    def refresh(self, key: str) -> str:
        """Refresh the token for `key` (persisting the new pair) and return the new access token."""
        ...


class InMemoryTokenSource:
    """Tokens held in a dict; `refresher(key)` returns a new access token when TikTok says 105002."""

    def __init__(self, tokens: dict[str, str] | None = None, refresher: Callable[[str], str] | None = None):
        self._tokens = dict(tokens or {})
        self._refresher = refresher
        self._lock = threading.Lock()
        self.refresh_count = 0

    def set(self, key: str, access_token: str) -> None:
        with self._lock:
            self._tokens[key] = access_token

    def access_token(self, key: str) -> str:
        with self._lock:
            token = self._tokens.get(key)
        if token is None:
            raise TikTokAuthError(
                f"No TikTok Shop access token for {key}", tiktok_code=None, hint="Authorize the shop first"
            )
        return token

    def refresh(self, key: str) -> str:
        if self._refresher is None:
            raise TikTokAuthError(f"Cannot refresh the TikTok Shop token for {key}", tiktok_code=None)
        token = self._refresher(key)
        with self._lock:
            self._tokens[key] = token
            self.refresh_count += 1
        return token


class CachedTokenSource:
    """Access tokens remembered for `ttl` seconds per key, in front of a source that reads them from storage.

    Reading the stored pair costs two DynamoDB reads and two KMS decrypts per call; a batch of pushes calls
    TikTok thousands of times a minute with the same token. A 105002 refreshes through the inner source and
    replaces the cached token, so an expired token is never reused.
    """

    def __init__(self, inner: TokenSource, ttl: float = 60.0, clock: Callable[[], float] | None = None):
        self._inner = inner
        self._ttl = ttl
        self._clock = clock or time.monotonic
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def access_token(self, key: str) -> str:
        now = self._clock()
        with self._lock:
            cached = self._tokens.get(key)
        if cached is not None and now - cached[1] < self._ttl:
            return cached[0]
        token = self._inner.access_token(key)
        with self._lock:
            self._tokens[key] = (token, now)
        return token

    def refresh(self, key: str) -> str:
        token = self._inner.refresh(key)
        with self._lock:
            self._tokens[key] = (token, self._clock())
        return token
