"""`TikTokSandbox`: the sandbox served over real HTTP by werkzeug in a daemon thread."""

from __future__ import annotations

from background_server import BackgroundServer
from tiktok_sandbox.app import SandboxCore
from tiktok_sandbox.config import SandboxConfig
from tiktok_sandbox.control import SandboxControls, control_app


class TikTokSandbox(SandboxControls):
    """Serves the API host, the auth host (/api/v2/token/*), the authorize page and /_sandbox/* on one URL."""

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config or SandboxConfig()
        self.core = SandboxCore(self.config)
        self.core.control = control_app(self)
        self._http = BackgroundServer(self.core.wsgi, "tiktok-sandbox")

    @property
    def base_url(self) -> str:
        if not self._http.running:
            raise RuntimeError("sandbox is not started")
        return self.core.base_url

    def start(self, host: str = "127.0.0.1", port: int = 0) -> TikTokSandbox:
        if self._http.running:
            raise RuntimeError("sandbox already started")
        self.core.base_url = self._http.start(host, port)
        self.core.webhooks.start()
        return self

    def stop(self) -> None:
        if not self._http.running:
            return
        self._http.stop()
        self.core.webhooks.stop()

    def __enter__(self) -> TikTokSandbox:
        return self if self._http.running else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
