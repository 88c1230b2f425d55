"""Reading TikTok's `{code, message, request_id, data}` envelope, shared by the API host and the auth host.

Success is `code == 0` (on the auth host a failure is also HTTP 200 with `code != 0`, reference §1.5).
An answer without an envelope is either a gateway page (5xx/429: kept as a status-only envelope, so the
status still maps to a retryable error) or a sign that the configured URL is not TikTok's at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from tts_connector.tiktok.errors import UnexpectedAnswerError, error_for_response


@dataclass(frozen=True)
class Envelope:
    http_status: int
    code: int | None
    message: str
    request_id: str | None
    data: Any

    @property
    def ok(self) -> bool:
        return self.http_status == 200 and self.code == 0

    def error(self, path: str) -> Exception:
        """The typed error for a failed answer (whether to retry it is the caller's decision)."""
        return error_for_response(
            http_status=self.http_status,
            tiktok_code=self.code,
            tiktok_message=self.message,
            request_id=self.request_id,
            path=path,
        )


def read_envelope(response: requests.Response, path: str, *, host: str, setting_hint: str | None) -> Envelope:
    """`host` names the host in messages ("API host", "auth host"); `setting_hint` says where to fix its URL."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "code" in body:
        code = body.get("code")
        request_id = body.get("request_id")
        return Envelope(
            http_status=response.status_code,
            code=code if isinstance(code, int) else None,
            message=str(body.get("message", "")),
            request_id=request_id if isinstance(request_id, str) else None,
            data=body.get("data"),
        )
    if response.status_code >= 500 or response.status_code == 429:
        # Gateways answer 502/503/429 with HTML; keep the status so the error mapping still applies.
        return Envelope(response.status_code, None, f"HTTP {response.status_code}", None, None)
    kind = "a body that is not JSON" if body is None else "JSON without TikTok's envelope"
    raise UnexpectedAnswerError(
        f"TikTok Shop {host} answered {path} with HTTP {response.status_code} and {kind}: "
        f"the configured {host} URL does not look like TikTok Shop's",
        path=path,
        hint=f"Check {setting_hint}" if setting_hint else None,
    )
