"""Constants and helpers shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from local_stack import LocalStack, StackConfig
from local_stack.endpoints import MagentoEndpoint, TikTokEndpoint
from tests.helpers import sign_tiktok_webhook

ROOT = Path(__file__).resolve().parents[2]

# Endpoints nobody listens on: for tests of the stack's own machinery, which never call TikTok or Magento.
UNUSED_TIKTOK = TikTokEndpoint(
    "http://127.0.0.1:9",
    "http://127.0.0.1:9",
    "http://127.0.0.1:9/open/authorize",
    {"app_key": "local-test-app-key", "app_secret": "local-test-app-secret-value", "service_id": "1"},
)
UNUSED_MAGENTO = MagentoEndpoint("http://127.0.0.1:9", {"auth": "bearer", "access_token": "local-test-magento-token"})


def stack_without_sandboxes(state_dir: Path) -> Iterator[LocalStack]:
    """A running stack whose TikTok and Magento are the unused endpoints, for a module's tests of the platform
    (intake, pipeline, template settings); one per module, so its functions stay warm between tests."""
    config = StackConfig(
        state_dir=state_dir, time_scale=0.003, run_schedules=False, tiktok=UNUSED_TIKTOK, magento=UNUSED_MAGENTO
    )
    with LocalStack(config) as running:
        yield running


def unused_tiktok_signature(body: bytes) -> str:
    """The Authorization header TikTok would send with `body`, signed with UNUSED_TIKTOK's app credentials."""
    creds = UNUSED_TIKTOK.credentials
    return sign_tiktok_webhook(creds["app_key"], creds["app_secret"], body)
