"""A Magento sandbox on a free port for the whole session, reset before each test, and clients for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from magento_sandbox import MagentoSandbox, SandboxConfig
from tts_connector.magento import Address, BearerCredentials, MagentoClient, OAuthCredentials
from tts_connector.retry import RetryPolicy

# Retries without waiting: the tests check behaviour, not timing.
NO_WAIT_RETRY = RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0)


@pytest.fixture(scope="session")
def running_sandbox() -> Iterator[MagentoSandbox]:
    sandbox = MagentoSandbox(SandboxConfig()).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(running_sandbox: MagentoSandbox) -> MagentoSandbox:
    running_sandbox.reset()
    running_sandbox.config.bearer_enabled = False
    running_sandbox.config.guest_checkout_enabled = True
    return running_sandbox


def oauth_credentials(config: SandboxConfig) -> OAuthCredentials:
    return OAuthCredentials(
        consumer_key=config.consumer_key,
        consumer_secret=config.consumer_secret,
        access_token=config.access_token,
        access_token_secret=config.access_token_secret,
    )


@pytest.fixture
def magento(sandbox: MagentoSandbox) -> MagentoClient:
    return MagentoClient(sandbox.base_url, oauth_credentials(sandbox.config), retry=NO_WAIT_RETRY, sleep=lambda _: None)


@pytest.fixture
def bearer_magento(sandbox: MagentoSandbox) -> MagentoClient:
    credentials = BearerCredentials(access_token=sandbox.config.access_token)
    return MagentoClient(sandbox.base_url, credentials, retry=NO_WAIT_RETRY, sleep=lambda _: None)


@pytest.fixture
def buyer() -> Address:
    return Address(
        firstname="Jane",
        lastname="Doe",
        street=("123 Oak Ave",),
        city="Purchase",
        postcode="10577",
        country_id="US",
        telephone="512-555-1111",
        email="buyer@example.com",
        region="New York",
        region_id=43,
        region_code="NY",
    )
