"""ttsc signs with SigV4 against AWS and uses the local token only for a local stack."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from ttsc.transport import AdminApi, CliError


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(dict(self.headers.items()))
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def server() -> Iterator[str]:
    _Recorder.seen = []
    httpd = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_without_a_local_token_requests_are_sigv4_signed_for_execute_api(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.delenv("TTSC_ADMIN_TOKEN", raising=False)

    AdminApi(server, local_token=None).call("GET", "/admin/status")

    authorization = _Recorder.seen[0]["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/execute-api/aws4_request" in authorization
    assert "X-Amz-Date" in _Recorder.seen[0]


def test_local_stack_url_uses_the_local_admin_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "url").write_text("http://127.0.0.1:3000")
    (tmp_path / "admin-token").write_text("local-token")
    monkeypatch.setenv("TTSC_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("TTSC_URL", raising=False)
    monkeypatch.delenv("TTSC_ADMIN_TOKEN", raising=False)

    api = AdminApi.from_environment(None)

    assert (api.url, api.local_token) == ("http://127.0.0.1:3000", "local-token")


def test_an_aws_url_never_gets_the_local_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "admin-token").write_text("local-token")
    monkeypatch.setenv("TTSC_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("TTSC_ADMIN_TOKEN", raising=False)

    api = AdminApi.from_environment("https://abc.execute-api.us-east-1.amazonaws.com/prod")

    assert api.local_token is None


def test_no_url_anywhere_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTSC_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("TTSC_URL", raising=False)

    with pytest.raises(CliError, match="TTSC_URL"):
        AdminApi.from_environment(None)
