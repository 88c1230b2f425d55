"""Calling the admin API: SigV4 (IAM) against AWS, the local admin token against the local stack."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.session import Session


def _local_state() -> Path:
    return Path(os.environ.get("TTSC_STATE_DIR", ".local-stack"))


class CliError(Exception):
    """A failure to report to the user (exit code 1), with the API's message when there is one."""


@dataclass(frozen=True)
class AdminApi:
    url: str
    local_token: str | None

    @classmethod
    def from_environment(cls, url: str | None) -> AdminApi:
        """URL: --url, TTSC_URL, or the running local stack; auth: TTSC_ADMIN_TOKEN, the local token, or IAM."""
        resolved = url or os.environ.get("TTSC_URL") or _read(_local_state() / "url")
        if not resolved:
            raise CliError(
                "No admin API URL: pass --url, set TTSC_URL (the stack's AdminApiUrl output), or start `tts-local up`"
            )
        token = os.environ.get("TTSC_ADMIN_TOKEN")
        if token is None and resolved.startswith(("http://127.0.0.1", "http://localhost")):
            token = _read(_local_state() / "admin-token")
        return cls(resolved.rstrip("/"), token)

    def call(self, method: str, path: str, body: Any = None, query: dict[str, str] | None = None) -> Any:
        url = self.url + path
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        if self.local_token:
            headers["Authorization"] = f"Bearer {self.local_token}"
        else:
            headers = _sigv4(method, url, data, headers, query)
        try:
            response = requests.request(method, url, data=data, headers=headers, params=query, timeout=60)
        except requests.RequestException as exc:
            raise CliError(f"Cannot reach the admin API at {self.url}: {type(exc).__name__}") from None
        payload = _json(response)
        if response.status_code >= 400:
            message = payload.get("message") if isinstance(payload, dict) else None
            hint = payload.get("hint") if isinstance(payload, dict) else None
            detail = f"{message or response.text[:300]}" + (f"\nHint: {hint}" if hint else "")
            raise CliError(f"HTTP {response.status_code}: {detail}")
        return payload


def _sigv4(
    method: str, url: str, data: bytes | None, headers: dict[str, str], query: dict[str, str] | None
) -> dict[str, str]:
    session = Session()
    credentials = session.get_credentials()
    if credentials is None:
        raise CliError(
            "No AWS credentials for the IAM-protected admin API (configure a profile or set TTSC_ADMIN_TOKEN locally)"
        )
    match = re.search(r"execute-api\.([a-z0-9-]+)\.amazonaws", url)
    region = match.group(1) if match else (session.get_config_variable("region") or "us-east-1")
    full = url + ("?" + "&".join(f"{k}={v}" for k, v in sorted(query.items())) if query else "")
    request = AWSRequest(method=method, url=full, data=data, headers=headers)
    SigV4Auth(credentials, "execute-api", region).add_auth(request)
    return dict(request.headers.items())


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _read(path: Path) -> str | None:
    return path.read_text().strip() if path.exists() else None
