"""ttsc: the connector's admin command line, through the admin API.

Human-readable output by default, --json for scripts; exit code 0 on success, 1 when the API refused
or failed, 2 on usage errors. Each capability's commands live in `ttsc.commands.<capability>`.
"""

from __future__ import annotations

import argparse
import json
import sys

from ttsc.commands import catalog, connect, events, orders, push, refunds, stock_sync
from ttsc.transport import AdminApi, CliError

COMMAND_MODULES = (connect, events, catalog, push, stock_sync, orders, refunds)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ttsc", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="admin API base URL (default: TTSC_URL or the local stack)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        api = AdminApi.from_environment(args.url)
        result = args.run(api, args)
    except CliError as exc:
        print(f"ttsc: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2) if args.json else result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
