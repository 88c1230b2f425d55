"""`tts-local`: run the connector on this machine.

tts-local up     start the stack and keep it running until Ctrl-C
tts-local demo   start the stack, walk the integration guide's steps against it, print what happened, stop
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from local_stack.endpoints import LocalConfigError
from local_stack.stack import LocalStack, StackConfig


def _up(args: argparse.Namespace) -> int:
    try:
        stack = LocalStack(StackConfig(port=args.port, time_scale=args.time_scale, enforce_iam=not args.no_enforce_iam))
        stack.start()
    except LocalConfigError as exc:
        print(f"tts-local: {exc}", file=sys.stderr)
        return 2
    print(f"Local stack up in {stack.started_in:.1f}s")
    print(f"  API gateway     {stack.url}   (admin token in .local-stack/admin-token)")
    print(f"  AWS (moto)      {stack.aws_endpoint}")
    print(f"  TikTok Shop     {stack.tiktok.api_url if stack.tiktok else '-'}")
    print(f"  Magento         {stack.magento.base_url if stack.magento else '-'}")
    print(f"  Function logs   {stack.log_dir}")
    print(f"  IAM decisions   {stack.iam_log}" if stack.config.enforce_iam else "  IAM             not enforced")
    print_console(stack)
    print("Ctrl-C to stop.")
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return 0


def print_console(stack: LocalStack) -> None:
    """The merchant console's address and the local users (also in .local-stack/console.json)."""
    if not stack.console_users:
        return
    print(f"  Console         {stack.console_url}")
    for user in stack.console_users:
        print(f"    {user.group:<9} {user.username}  password {user.password}")


def _demo(args: argparse.Namespace) -> int:
    from local_stack.demo import run_demo

    try:
        return run_demo(time_scale=args.time_scale)
    except LocalConfigError as exc:
        print(f"tts-local: {exc}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tts-local", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start the local stack until Ctrl-C")
    up.add_argument("--port", type=int, default=3000)
    up.add_argument("--time-scale", type=float, default=1.0, help="scale queue timeouts and schedule rates")
    up.add_argument("--no-enforce-iam", action="store_true", help="let functions call AWS without their IAM policy")
    up.set_defaults(run=_up)
    demo = sub.add_parser("demo", help="run the guide's flow against the sandboxes and print it")
    demo.add_argument("--time-scale", type=float, default=0.02)
    demo.set_defaults(run=_demo)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
