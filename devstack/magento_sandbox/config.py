"""Sandbox settings: integration credentials, store switches, latency and injected faults."""

from __future__ import annotations

from dataclasses import dataclass, field

# Fixed, obviously fake credentials for local use; a real store's are generated in Admin > Integrations.
DEFAULT_CONSUMER_KEY = "sandbox-consumer-key-0000000000000"
DEFAULT_CONSUMER_SECRET = "sandbox-consumer-secret-000000000"
DEFAULT_ACCESS_TOKEN = "sandbox-access-token-00000000000000"
DEFAULT_ACCESS_TOKEN_SECRET = "sandbox-access-token-secret-00000"


@dataclass
class Fault:
    """Answer matching requests with `status` (and/or wait `delay_seconds`) for the next `times` matches.

    With `after_processing` the request is handled first and only the answer is replaced, which is how a write
    whose outcome the caller cannot know (a 502 from a proxy after Magento committed) looks; with
    `answer_delay_seconds` as well, the answer (replaced or not) comes that much later, long enough for a
    caller to time out or die waiting after the change was made.
    """

    status: int | None = 503
    method: str | None = None
    path_contains: str | None = None
    times: int = 1
    delay_seconds: float = 0.0
    after_processing: bool = False
    answer_delay_seconds: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        return (
            self.times > 0
            and (self.method is None or self.method.upper() == method.upper())
            and (self.path_contains is None or self.path_contains in path)
        )


@dataclass
class SandboxConfig:
    consumer_key: str = DEFAULT_CONSUMER_KEY
    consumer_secret: str = DEFAULT_CONSUMER_SECRET
    access_token: str = DEFAULT_ACCESS_TOKEN
    access_token_secret: str = DEFAULT_ACCESS_TOKEN_SECRET
    # Magento's default since 2.4.4: integration tokens are refused as standalone Bearer tokens.
    bearer_enabled: bool = False
    guest_checkout_enabled: bool = True
    latency_seconds: float = 0.0
    faults: list[Fault] = field(default_factory=list)
    # Seconds an OAuth timestamp may differ from the sandbox clock.
    oauth_timestamp_tolerance: int = 600
