"""The public shell: strict headers, pinned htmx, config.json, and no inline code anywhere CSP would refuse."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tts_connector.console.rendering import TEMPLATES
from tts_connector.console.shell import HTMX_FILE, HTMX_INTEGRITY, ConsoleShell, integrity_of

ROOT = Path(__file__).resolve().parents[3]
STATIC = ROOT / "functions" / "console_shell" / "static"
AUTH = "https://tts-abc.auth.us-east-1.amazoncognito.com"


@pytest.fixture(scope="module")
def shell() -> ConsoleShell:
    return ConsoleShell(STATIC, AUTH)


def get(shell: ConsoleShell, path: str, stage_variables: dict[str, str] | None = None) -> dict[str, object]:
    return shell.respond({"path": path, "httpMethod": "GET", "stageVariables": stage_variables})


def test_the_vendored_htmx_is_the_pinned_release() -> None:
    assert integrity_of((STATIC / "assets" / HTMX_FILE).read_bytes()) == HTMX_INTEGRITY


def test_the_page_loads_only_its_own_assets_each_with_its_integrity(shell: ConsoleShell) -> None:
    page = str(get(shell, "/console/")["body"])
    sources = re.findall(r'(?:src|href)="([^"#]+)"', page)

    assert sorted(sources) == sorted(
        ["assets/console.css", f"assets/{HTMX_FILE}", "assets/console.js", "assets/favicon.svg"]
    )
    assert f'src="assets/{HTMX_FILE}" integrity="{HTMX_INTEGRITY}"' in page
    js = (STATIC / "assets" / "console.js").read_bytes()
    assert f'src="assets/console.js" integrity="{integrity_of(js)}"' in page


def test_every_response_carries_the_strict_policy(shell: ConsoleShell) -> None:
    for path in ("/console/", "/console/config.json", f"/console/assets/{HTMX_FILE}", "/console/nope"):
        headers = get(shell, path)["headers"]
        assert isinstance(headers, dict)
        csp = headers["Content-Security-Policy"]
        assert csp.startswith("default-src 'self'; script-src 'self'; style-src 'self'; ")
        assert f"connect-src 'self' {AUTH};" in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"


def test_config_names_the_hosted_login_and_the_client_from_the_stage(shell: ConsoleShell) -> None:
    answer = get(shell, "/console/config.json", {"ConsoleClientId": "client-123"})

    assert json.loads(str(answer["body"])) == {"authUrl": AUTH, "clientId": "client-123", "scopes": "openid email"}


def test_the_bare_path_redirects_relative_so_the_stage_prefix_stays(shell: ConsoleShell) -> None:
    answer = get(shell, "/console")
    headers = answer["headers"]
    assert isinstance(headers, dict)
    assert answer["statusCode"] == 301 and headers["Location"] == "console/"


@pytest.mark.parametrize("path", ["/console/assets/../app.py", "/console/assets/index.html", "/console/static/x"])
def test_nothing_but_the_assets_is_served(shell: ConsoleShell, path: str) -> None:
    assert get(shell, path)["statusCode"] == 404


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "inline script"),
    (re.compile(r"<style\b", re.IGNORECASE), "style element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event handler attribute"),
    (re.compile(r"hx-on|javascript:|js:", re.IGNORECASE), "code htmx would evaluate"),
]


@pytest.mark.parametrize("path", [STATIC / "index.html", *sorted(TEMPLATES.glob("*.html"))], ids=lambda p: p.name)
def test_no_markup_holds_code_or_styles_the_policy_would_refuse(path: Path) -> None:
    text = path.read_text()
    for pattern, what in INLINE:
        assert not pattern.search(text), f"{path.name} has an {what}"
