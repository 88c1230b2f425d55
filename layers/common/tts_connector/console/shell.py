"""The console's public shell: the page, its static assets and `config.json`, with strict security headers.

The page carries no secret and no data: it loads htmx (vendored, pinned by its integrity hash) and the
login script, which logs in with the hosted login and then asks the authenticated UI routes for fragments.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Template

from tts_connector.console.headers import security_headers

# htmx 4.0.1 (npm htmx.org, dist/htmx.min.js), pinned: the page refuses any other bytes under this name.
HTMX_FILE = "htmx-4.0.1.min.js"
HTMX_INTEGRITY = "sha384-Qp9rdC8H7EqOoX+nR0P3RPG2Noji+qdwJlGpfzwQJsfOpp3sGwIdSP9xO3+UlEhn"
SCOPES = "openid email"
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
}


def integrity_of(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class ConsoleShell:
    static_dir: Path
    auth_url: str
    _assets: dict[str, bytes] = field(default_factory=dict, init=False, repr=False)
    _page: str = field(default="", init=False, repr=False)

    def __post_init__(self) -> None:
        self.auth_url = self.auth_url.rstrip("/")
        for path in sorted((self.static_dir / "assets").iterdir()):
            if path.suffix in CONTENT_TYPES:
                self._assets[path.name] = path.read_bytes()
        integrity = {name: integrity_of(data) for name, data in self._assets.items()}
        integrity[HTMX_FILE] = HTMX_INTEGRITY
        self._page = Template((self.static_dir / "index.html").read_text(), autoescape=True).render(integrity=integrity)

    def respond(self, event: dict[str, Any]) -> dict[str, Any]:
        path = str(event.get("path") or "")
        if path == "/console":
            # Relative, so the stage prefix in AWS (/dev/console) is kept: the page must live at .../console/.
            return self._answer(301, "", "text/plain; charset=utf-8", {"Location": "console/"})
        if path == "/console/":
            return self._answer(200, self._page, "text/html; charset=utf-8", {"Cache-Control": "no-store"})
        if path == "/console/config.json":
            client_id = (event.get("stageVariables") or {}).get("ConsoleClientId", "")
            body = json.dumps({"authUrl": self.auth_url, "clientId": client_id, "scopes": SCOPES})
            return self._answer(200, body, "application/json", {"Cache-Control": "no-store"})
        name = path.removeprefix("/console/assets/")
        if name != path and name in self._assets:
            content_type = CONTENT_TYPES[Path(name).suffix]
            return self._answer(
                200, self._assets[name].decode(), content_type, {"Cache-Control": "public, max-age=300"}
            )
        return self._answer(404, "Not found", "text/plain; charset=utf-8", {"Cache-Control": "no-store"})

    def _answer(self, status: int, body: str, content_type: str, headers: dict[str, str]) -> dict[str, Any]:
        return {
            "statusCode": status,
            "headers": {**security_headers(origin_of(self.auth_url)), "Content-Type": content_type, **headers},
            "body": body,
            "isBase64Encoded": False,
        }
