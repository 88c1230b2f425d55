"""Browser tests of the merchant console: Debian's Chromium driven by Playwright, against the local stack.

Chromium comes from Debian (`apt-get install chromium`), never from `playwright install`. Without it the
tests skip with the reason, except in CI (CI=true), where a missing browser fails the run.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from local_stack import LocalStack, StackConfig
from tests.helpers import encode, sign_tiktok_webhook

CHROMIUM = os.environ.get("TTS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"

# Lambdas start cold in worker processes, slower on a loaded 2-core machine than Playwright's 5 s default.
expect.set_options(timeout=30_000)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        return  # the launch fails below with a clear message: CI must have the browser
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium` to run these")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"CI=true and Chromium is missing at {CHROMIUM}: .ci/run installs it with apt-get")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": {"width": 1280, "height": 860}, "locale": "en-US"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    config = StackConfig(
        state_dir=tmp_path_factory.mktemp("console-stack"), time_scale=0.003, run_schedules=False, port=0
    )
    with LocalStack(config) as started:
        yield started


def id_token(stack: LocalStack, group: str) -> dict[str, Any]:
    """Tokens straight from the user pool (the tests that are not about the login itself)."""
    user = next(u for u in stack.console_users if u.group == group)
    result = stack.client("cognito-idp").admin_initiate_auth(
        UserPoolId=stack.console_pool_id,
        ClientId=stack.console_client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )["AuthenticationResult"]
    return {
        "id": result["IdToken"],
        "refresh": result["RefreshToken"],
        "expiresAt": int(time.time() * 1000) + 3_000_000,
    }


# Collects what the page itself reports: CSP violations and uncaught errors (console errors are listened to).
WATCH_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@dataclass
class Watch:
    console_errors: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.add_init_script(WATCH_SCRIPT)
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))


def sign_in_directly(page: Any, stack: LocalStack, group: str) -> Watch:
    tokens = id_token(stack, group)
    page.add_init_script(
        f"if (location.origin === {json.dumps(stack.url)} && !sessionStorage.getItem('tts-console:tokens'))"
        f" sessionStorage.setItem('tts-console:tokens', {json.dumps(json.dumps(tokens))});"
    )
    watch = Watch()
    watch.attach(page)
    return watch


def connect_shop(stack: LocalStack) -> None:
    """A seller authorizes through the admin start route (what `ttsc connect` does)."""
    start = requests.get(f"{stack.url}/tts/authorization/start", headers=stack.admin_headers, timeout=60).json()
    page = requests.get(start["authorize_url"], timeout=60)
    assert page.status_code == 200, page.text[:300]


def send_webhook(stack: LocalStack, notification: dict[str, Any]) -> None:
    assert stack.tiktok is not None
    body = encode(notification)
    creds = stack.tiktok.credentials
    signature = sign_tiktok_webhook(creds["app_key"], creds["app_secret"], body)
    # TikTok retries a delivery that was not acknowledged; so does this (a cold start on a loaded machine
    # can outlast the webhook function's 10 s timeout). The intake records the event once either way.
    for _ in range(3):
        response = requests.post(
            f"{stack.url}/webhooks/tiktok",
            data=body,
            headers={"Content-Type": "application/json", "Authorization": signature},
            timeout=60,
        )
        if response.status_code < 500:
            break
    assert response.status_code == 200, response.text


def wait_for(condition: Any, timeout: float = 120.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
