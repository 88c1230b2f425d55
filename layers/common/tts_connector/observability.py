"""Powertools Logger, Tracer and Metrics, set up once for every handler.

Logs are structured JSON. A correlation id (the API request id, the SQS message's business key, the job
id) is attached by the handlers. Secrets never reach a log line: keys that name a secret are masked,
and every secret value the connector loads is registered here so it is masked wherever it appears,
even inside a free-text message or an exception.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.logging.types import PowertoolsLogRecord

MASK = "*****"
_SENSITIVE_KEY = re.compile(
    r"(secret|token|password|passwd|authorization|signature|^sign$|api[_-]?key|cookie|credential)",
    re.IGNORECASE,
)
# Values shorter than this are too likely to collide with ordinary words to mask by value.
_MIN_SECRET_LENGTH = 6


class _SecretRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, value: str) -> None:
        if len(value) < _MIN_SECRET_LENGTH:
            return
        with self._lock:
            if value not in self._values:
                self._values.add(value)
                ordered = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(v) for v in ordered))

    def scrub(self, text: str) -> str:
        pattern = self._pattern
        return pattern.sub(MASK, text) if pattern else text


_secrets = _SecretRegistry()


def register_secret(value: str | None) -> None:
    """Mask this value in every later log line (called for app secrets, tokens, credentials)."""
    if value:
        _secrets.add(value)


def redact(value: Any, key: str | None = None) -> Any:
    """Return `value` with secret-named keys masked and registered secret values scrubbed."""
    if key is not None and _SENSITIVE_KEY.search(key) and value not in (None, ""):
        return MASK
    if isinstance(value, Mapping):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return _secrets.scrub(value)
    return value


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter with secrets removed from the whole record before serialisation."""

    def serialize(self, log: dict[str, Any] | PowertoolsLogRecord) -> str:
        return super().serialize(log=redact(log))


# urllib3 logs full request URLs at DEBUG, and TikTok's carry `sign` (and `app_secret` on the auth host):
# keep it quiet even when POWERTOOLS_LOG_LEVEL is DEBUG.
logging.getLogger("urllib3").setLevel(logging.INFO)

# Service name, namespace and level come from POWERTOOLS_* variables set in template.yaml Globals.
logger = Logger(logger_formatter=RedactingFormatter(), utc=True)
tracer = Tracer()
metrics = Metrics()
