"""Where the client gets access tokens from, and how it asks for a fresh one after TikTok says 105002."""

from __future__ import annotations

import threading
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
