"""Constants shared by the integration tests."""

from __future__ import annotations

from pathlib import Path

from local_stack.endpoints import MagentoEndpoint, TikTokEndpoint

ROOT = Path(__file__).resolve().parents[2]

# Endpoints nobody listens on: for tests of the stack's own machinery, which never call TikTok or Magento.
UNUSED_TIKTOK = TikTokEndpoint(
    "http://127.0.0.1:9",
    "http://127.0.0.1:9",
    "http://127.0.0.1:9/open/authorize",
    {"app_key": "local-test-app-key", "app_secret": "local-test-app-secret-value", "service_id": "1"},
)
UNUSED_MAGENTO = MagentoEndpoint("http://127.0.0.1:9", {"auth": "bearer", "access_token": "local-test-magento-token"})
