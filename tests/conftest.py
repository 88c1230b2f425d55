"""Shared test helpers: builders for API Gateway events and a Lambda context (no AWS needed)."""

from __future__ import annotations

import os

# Layer modules read settings and create boto3 clients at import; give unit tests a harmless region.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "TikTokShopConnectorTests")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "tts-connector-tests")
