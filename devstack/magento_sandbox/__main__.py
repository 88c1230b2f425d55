"""`python -m magento_sandbox --port 8081`: run the sandbox until interrupted."""

from __future__ import annotations

import argparse
import threading

from magento_sandbox.config import SandboxConfig
from magento_sandbox.server import MagentoSandbox


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Magento 2.4.8 REST sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--bearer", action="store_true", help="accept the access token as a Bearer token")
    parser.add_argument("--no-guest-checkout", action="store_true")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every REST call")
    args = parser.parse_args(argv)
    config = SandboxConfig(
        bearer_enabled=args.bearer,
        guest_checkout_enabled=not args.no_guest_checkout,
        latency_seconds=args.latency,
    )
    sandbox = MagentoSandbox(config).start(args.host, args.port)
    # The consumer key is printed to help wiring; secrets stay in SandboxConfig's defaults, not in logs.
    print(f"Magento sandbox on {sandbox.base_url} (consumer key {config.consumer_key})", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sandbox.stop()


if __name__ == "__main__":
    main()
