"""The one place where bytes go over the wire, so tests can substitute a recording transport."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import requests


@dataclass(frozen=True)
class TransportResponse:
    status: int
    content: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class Transport(Protocol):
    def send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: tuple[float, float],
    ) -> TransportResponse:
        """Send one request. Raises requests' ConnectionError/Timeout family when no answer arrived."""
        ...


class RequestsTransport:
    def __init__(self, session: requests.Session | None = None) -> None:
        self._session = session or requests.Session()

    def send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: tuple[float, float],
    ) -> TransportResponse:
        # The URL is already encoded and signed; requests leaves %-escapes alone, so it sends what was signed.
        response = self._session.request(
            method, url, headers=dict(headers), data=body, timeout=timeout, allow_redirects=False
        )
        return TransportResponse(response.status_code, response.content, dict(response.headers))
