"""Fixtures for Magento client unit tests: a recording transport that answers from a script."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from tts_connector.magento import MagentoClient, OAuthCredentials
from tts_connector.magento.transport import TransportResponse
from tts_connector.retry import RetryPolicy

Answer = TransportResponse | Exception | Callable[["SentRequest"], TransportResponse]


@dataclass
class SentRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: Any


@dataclass
class ScriptedTransport:
    """Answers each request with the next scripted answer (an exception is raised instead)."""

    answers: list[Answer] = field(default_factory=list)
    sent: list[SentRequest] = field(default_factory=list)
    default: Answer | None = None

    def send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: tuple[float, float],
    ) -> TransportResponse:
        request = SentRequest(method, url, dict(headers), json.loads(body) if body else None)
        self.sent.append(request)
        answer = self.answers.pop(0) if self.answers else self.default
        if answer is None:
            raise AssertionError(f"unexpected request {method} {url}")
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    @staticmethod
    def ok(payload: Any, status: int = 200) -> TransportResponse:
        return TransportResponse(status, b"" if payload is None else json.dumps(payload).encode())

    @staticmethod
    def error(status: int, message: str, parameters: Any = None) -> TransportResponse:
        body: dict[str, Any] = {"message": message}
        if parameters is not None:
            body["parameters"] = parameters
        return TransportResponse(status, json.dumps(body).encode())


CREDENTIALS = OAuthCredentials(
    consumer_key="ck-unit",
    consumer_secret="cs-unit-secret-value",
    access_token="at-unit-token-value",
    access_token_secret="ats-unit-secret-value",
)


@pytest.fixture
def transport() -> ScriptedTransport:
    return ScriptedTransport()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(transport: ScriptedTransport, sleeps: list[float]) -> MagentoClient:
    return MagentoClient(
        "https://shop.example.com/",
        CREDENTIALS,
        store_code="default",
        retry=RetryPolicy(max_attempts=3, base_delay=0.5, max_delay=4.0),
        sleep=sleeps.append,
        transport=transport,
    )
