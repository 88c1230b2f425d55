"""`python -m tiktok_sandbox --port 8300`: run the sandbox standalone until interrupted.

Options: --webhook-url, --callback-url, --webhook-retry-scale, --rate-limit-qps, --latency, --manual-audits."""

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
    parser.add_argument("--rate-limit-qps", type=float, default=SandboxConfig.rate_limit_qps, help="per app, shop, API")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every API call")
    parser.add_argument("--manual-audits", action="store_true", help="leave product audits to the control API")
    args = parser.parse_args(argv)
    config = SandboxConfig(
        app_key=args.app_key,
        app_secret=args.app_secret,
        callback_url=args.callback_url,
        webhook_url=args.webhook_url,
        webhook_retry_scale=args.webhook_retry_scale,
        rate_limit_qps=args.rate_limit_qps,
        rate_limit_burst=args.rate_limit_qps,
        latency=args.latency,
        auto_audit_after=None if args.manual_audits else SandboxConfig.auto_audit_after,
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
