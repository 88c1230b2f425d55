"""`python -m tiktok_sandbox --port 8300`: run the sandbox standalone until interrupted."""

from __future__ import annotations

import argparse
import threading

from tiktok_sandbox.config import SandboxConfig
from tiktok_sandbox.server import TikTokSandbox


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the TikTok Shop sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument("--app-key", default=SandboxConfig.app_key)
    parser.add_argument("--app-secret", default=SandboxConfig.app_secret)
    parser.add_argument("--callback-url", default=SandboxConfig.callback_url)
    parser.add_argument("--webhook-url", default=None)
    parser.add_argument("--webhook-retry-scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    config = SandboxConfig(
        app_key=args.app_key,
        app_secret=args.app_secret,
        callback_url=args.callback_url,
        webhook_url=args.webhook_url,
        webhook_retry_scale=args.webhook_retry_scale,
    )
    sandbox = TikTokSandbox(config).start(args.host, args.port)
    shops = ", ".join(f"{s.id} ({s.region}, cipher {s.cipher})" for s in config.shops)
    print(f"TikTok Shop sandbox on {sandbox.base_url} (app_key {config.app_key}); shops: {shops}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
