"""Orders (list, show, retry, sync) and carriers (list, map): TikTok orders in Magento and tracking back."""

from __future__ import annotations

import argparse
import re
import time
from datetime import UTC, datetime
from typing import Any

from ttsc.output import history_lines, listed, query_params, queued_again, table, when
from ttsc.transport import AdminApi, CliError

STATES = ("seen", "pending", "imported", "partially_shipped", "shipped", "cancelled", "awaiting_refund", "failed")
_RELATIVE = re.compile(r"^(\d+)\s*([mhd])$")
_UNITS = {"m": 60, "h": 3600, "d": 86400}


def parse_since(value: str, now: float | None = None) -> int:
    """Unix seconds from `30m`/`6h`/`2d` (ago), an ISO date or time (UTC unless it says), or Unix seconds."""
    text = value.strip()
    relative = _RELATIVE.match(text.lower())
    if relative:
        return int((now if now is not None else time.time()) - int(relative.group(1)) * _UNITS[relative.group(2)])
    if text.isdigit():
        return int(text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a time: use e.g. 6h, 2d, 2026-01-31, 2026-01-31T08:00 or Unix seconds"
        ) from None
    return int((parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp())


def _orders_table(orders: list[dict[str, Any]]) -> str:
    rows = [
        [
            o["tiktok_order_id"],
            o["state"],
            o["tiktok_status"] or "-",
            (o.get("shipping_type") or "-").lower(),
            o.get("magento_increment_id") or "-",
            "differ" if o.get("totals_differ") else "",
            when(o.get("updated_at")),
            o.get("failure") or "",
        ]
        for o in orders
    ]
    return table(rows, ["TIKTOK ORDER", "STATE", "TIKTOK", "SHIPPING", "MAGENTO #", "TOTALS", "CHANGED", "FAILURE"])


def cmd_orders_list(api: AdminApi, args: argparse.Namespace) -> Any:
    orders = api.call("GET", "/admin/orders", query=query_params(limit=args.limit, status=args.status))
    empty = f"No {args.status} orders." if args.status else "No TikTok orders yet."
    return listed(args, orders, empty=empty, render=_orders_table)


def cmd_orders_show(api: AdminApi, args: argparse.Namespace) -> Any:
    detail = api.call("GET", f"/admin/orders/{args.order_id}")
    if args.json:
        return detail
    record = detail["record"]
    lines = [
        f"TikTok order {record['tiktok_order_id']} (shop {record['shop_id']}): {record['state']}",
        f"  shipping: {(record.get('shipping_type') or '-').lower()}, "
        f"delivery option {record.get('delivery_option_id') or '-'}",
    ]
    if record.get("failure"):
        lines += [f"  FAILED: {record['failure']}", f"  {record.get('failure_hint') or ''}"]
    tiktok = detail.get("tiktok")
    lines.append(
        f"TikTok: {tiktok['status']} (updated {when(tiktok['update_time'])})"
        if tiktok
        else f"TikTok: {detail.get('tiktok_error') or 'not read'}"
    )
    magento = detail.get("magento")
    if magento:
        lines.append(
            f"Magento: order #{magento['increment_id']} (id {magento['entity_id']}) {magento['state']}/"
            f"{magento['status']}, total {magento['grand_total']} {magento.get('order_currency_code') or ''}"
        )
    else:
        lines.append(f"Magento: {detail.get('magento_error') or 'no order'}")
    totals = record.get("totals")
    if totals:
        rows = [[name, totals["tiktok"][name], totals["magento"].get(name, "-")] for name in totals["tiktok"]]
        lines.append(table(rows, ["TOTALS", f"TIKTOK ({totals['tiktok_currency']})", "MAGENTO"]))
        lines += [f"  differs: {d}" for d in totals["differences"]] or ["  totals match"]
    if record["lines"]:
        lines.append(
            table(
                [
                    [x["tiktok_line_item_id"], x["magento_sku"], x.get("magento_order_item_id") or "-"]
                    for x in record["lines"]
                ],
                ["TIKTOK LINE", "MAGENTO SKU", "MAGENTO ITEM"],
            )
        )
    for push in record.get("pushed_shipments") or []:
        lines.append(
            f"Shipment {push['magento_shipment_id']} -> TikTok package {push.get('tiktok_package_id') or '-'} "
            f"({push['tracking_number']}, provider {push['shipping_provider_id']})"
        )
    lines += history_lines(record["history"], status_width=19)
    return "\n".join(lines)


def cmd_orders_retry(api: AdminApi, args: argparse.Namespace) -> Any:
    report = api.call("POST", f"/admin/orders/{args.order_id}/retry")
    if args.json:
        return report
    order_id = report["tiktok_order_id"]
    return queued_again(f"Order {order_id}", report["previous_state"], f"ttsc orders show {order_id}")


def cmd_orders_sync(api: AdminApi, args: argparse.Namespace) -> Any:
    body: dict[str, Any] = {}
    if args.shop:
        body["shop_id"] = args.shop
    if args.since is not None:
        body["since"] = args.since
    result = api.call("POST", "/admin/orders/sync", body)
    if args.json:
        return result
    lines = []
    for shop in result["shops"]:
        state = "" if shop["complete"] else f"; the schedule continues from {when(shop['cursor'])}"
        lines.append(
            f"Shop {shop['shop_id']}: since {when(shop['since'])}, {len(shop['queued'])} order(s) queued, "
            f"{shop['up_to_date']} already up to date{state}"
        )
    lines.append(f"Magento shipments queued for TikTok: {len(result['shipments_queued'])}")
    return "\n".join(lines)


def _shop(api: AdminApi, shop: str | None) -> str:
    if shop:
        return shop
    served = [s["shop_id"] for s in api.call("GET", "/admin/shops") if s.get("selected")]
    if len(served) != 1:
        raise CliError(f"Name the shop with --shop (shops served: {', '.join(served) or 'none'})")
    return str(served[0])


def _carriers_text(view: dict[str, Any]) -> str:
    providers = table(
        [[p["id"], p["name"], p["delivery_option_name"]] for p in view["providers"]],
        ["PROVIDER ID", "TIKTOK PROVIDER", "DELIVERY OPTION"],
    )
    mapped = [[k, f"{v['shipping_provider_name']} ({v['shipping_provider_id']})"] for k, v in view["mappings"].items()]
    automatic = [[k, v or "(no match: map it)"] for k, v in view["automatic"].items() if k not in view["mappings"]]
    rows = [[k, v, "mapped"] for k, v in mapped] + [[k, v, "by name"] for k, v in automatic]
    return "\n".join(
        [
            f"Shop {view['shop_id']}: TikTok shipping providers for seller shipping",
            providers,
            "",
            table(rows, ["MAGENTO CARRIER", "TIKTOK PROVIDER", "HOW"]),
            "",
            "A custom carrier (Magento's 'Custom Value') is matched by its title; map others with "
            "`ttsc carriers map 'custom:<title>' PROVIDER_ID`.",
        ]
    )


def cmd_carriers_list(api: AdminApi, args: argparse.Namespace) -> Any:
    view = api.call("GET", f"/admin/shops/{_shop(api, args.shop)}/carriers")
    return view if args.json else _carriers_text(view)


def cmd_carriers_map(api: AdminApi, args: argparse.Namespace) -> Any:
    provider = None if args.remove else args.provider
    if provider is None and not args.remove:
        raise CliError("Give the TikTok provider id (or name), or --remove")
    body = {"magento_carrier": args.magento_carrier, "shipping_provider_id": provider}
    view = api.call("PUT", f"/admin/shops/{_shop(api, args.shop)}/carriers", body)
    return view if args.json else _carriers_text(view)


def register(sub: Any) -> None:
    orders = sub.add_parser("orders", help="TikTok orders in Magento").add_subparsers(
        dest="orders_command", required=True
    )
    listing = orders.add_parser("list", help="orders the connector knows, most recently changed first")
    listing.add_argument("--status", choices=STATES, help="only orders in this state (e.g. failed)")
    listing.add_argument("--limit", type=int, default=100)
    listing.set_defaults(run=cmd_orders_list)
    show = orders.add_parser("show", help="TikTok state, Magento order, totals comparison, history")
    show.add_argument("order_id", metavar="TIKTOK_ORDER_ID")
    show.set_defaults(run=cmd_orders_show)
    retry = orders.add_parser("retry", help="run an order again once its failure is fixed")
    retry.add_argument("order_id", metavar="TIKTOK_ORDER_ID")
    retry.set_defaults(run=cmd_orders_retry)
    sync = orders.add_parser("sync", help="reconcile now: queue orders TikTok changed since a time")
    sync.add_argument("--since", type=parse_since, help="6h, 2d, 2026-01-31[T08:00] or Unix seconds (default: cursor)")
    sync.add_argument("--shop", help="only this shop")
    sync.set_defaults(run=cmd_orders_sync)

    carriers = sub.add_parser("carriers", help="Magento carriers -> TikTok shipping providers").add_subparsers(
        dest="carriers_command", required=True
    )
    carriers_list = carriers.add_parser("list", help="TikTok's providers and how Magento carriers map to them")
    carriers_list.add_argument("--shop", help="shop id (default: the only shop served)")
    carriers_list.set_defaults(run=cmd_carriers_list)
    carriers_map = carriers.add_parser("map", help="map a Magento carrier to a TikTok provider")
    carriers_map.add_argument("magento_carrier", help="carrier code (ups, usps, fedex, dhl, ...) or custom:<title>")
    carriers_map.add_argument("provider", nargs="?", help="TikTok provider id or name (see `ttsc carriers list`)")
    carriers_map.add_argument("--remove", action="store_true", help="remove the mapping (match by name again)")
    carriers_map.add_argument("--shop", help="shop id (default: the only shop served)")
    carriers_map.set_defaults(run=cmd_carriers_map)
