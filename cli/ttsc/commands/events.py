"""Events: what failed or is stuck, and replaying it once the cause is fixed."""

from __future__ import annotations

import argparse
from typing import Any

from ttsc.output import table, when
from ttsc.transport import AdminApi

STATUSES = ("FAILED", "ENQUEUED", "RECEIVED", "PROCESSED", "IGNORED")


def cmd_events_list(api: AdminApi, args: argparse.Namespace) -> Any:
    events = api.call("GET", "/admin/events", query={"status": args.status, "limit": str(args.limit)})
    if args.json:
        return events
    if not events:
        return f"No {args.status} events."
    rows = [
        [e["event_key"], e.get("event_type") or "-", e.get("shop_id") or "-", when(e.get("received_at")), e["detail"]]
        for e in events
    ]
    return table(rows, ["EVENT", "TYPE", "SHOP", "RECEIVED", "DETAIL"])


def cmd_events_replay(api: AdminApi, args: argparse.Namespace) -> Any:
    report = api.call("POST", "/admin/events/replay", {"event_keys": args.event, "dead_letters": args.dead_letters})
    if args.json:
        return report
    lines = [f"Replayed {len(report['replayed'])} event(s)."]
    lines += [f"  skipped {key}: {why}" for key, why in report["skipped"].items()]
    return "\n".join(lines)


def register(sub: Any) -> None:
    events = sub.add_parser("events", help="failed or stuck events, and replaying them").add_subparsers(
        dest="events_command", required=True
    )
    listing = events.add_parser("list", help="events in a status (oldest first)")
    listing.add_argument("--status", choices=STATUSES, default="FAILED")
    listing.add_argument("--limit", type=int, default=100)
    listing.set_defaults(run=cmd_events_list)
    replay = events.add_parser("replay", help="replay every event parked in a dead-letter queue, or the named ones")
    replay.add_argument("--event", action="append", default=[], metavar="EVENT_KEY", help="replay this event too")
    replay.add_argument(
        "--no-dead-letters",
        dest="dead_letters",
        action="store_false",
        help="only the events named with --event, leave the dead-letter queues as they are",
    )
    replay.set_defaults(run=cmd_events_replay)
