"""Connect: status, authorization link, shops and warehouses, Magento setup, settings."""

from __future__ import annotations

import argparse
from typing import Any

from ttsc.output import table, when
from ttsc.transport import AdminApi


def _shops_table(shops: list[dict[str, Any]]) -> str:
    rows = [
        [
            s["shop_id"],
            s["name"],
            s["region"],
            s["status"],
            "yes" if s["selected"] else "no",
            s.get("warehouse_id") or "-",
            when(s.get("access_expires_at")),
        ]
        for s in shops
    ]
    return table(rows, ["SHOP ID", "NAME", "REGION", "STATE", "SELECTED", "WAREHOUSE", "TOKEN EXPIRES"])


def cmd_status(api: AdminApi, args: argparse.Namespace) -> Any:
    status = api.call("GET", "/admin/status")
    if args.json:
        return status
    lines = [f"Connected: {'yes' if status['connected'] else 'no (select a shop)'}"]
    for seller in status["sellers"]:
        name = seller["seller_name"] or seller["open_id"]
        if seller.get("needs_reauthorization"):
            lines.append(
                f"Seller {name}: NEEDS RE-AUTHORIZATION ({seller.get('reauthorization_reason') or 'refresh failed'}); "
                "no work runs for its shops until the shop owner authorizes again with `ttsc connect`"
            )
            continue
        lines.append(
            f"Seller {name}: access token until {when(seller['access_expires_at'])}, "
            f"authorization until {when(seller['refresh_expires_at'])}"
        )
    lines.append(_shops_table(status["shops"]) if status["shops"] else "No shops authorized yet: run `ttsc connect`.")
    magento = status.get("magento")
    lines.append(
        f"Magento: {magento['base_url']} (media {magento['media_base_url']})"
        if magento
        else "Magento: not set up (`ttsc setup magento`)"
    )
    return "\n".join(lines)


def cmd_connect(api: AdminApi, args: argparse.Namespace) -> Any:
    start = api.call("GET", "/tts/authorization/start")
    if args.json:
        return start
    return f"Open this link and authorize the app (valid until {when(start['expires_at'])}):\n{start['authorize_url']}"


def cmd_shops_list(api: AdminApi, args: argparse.Namespace) -> Any:
    shops = api.call("GET", "/admin/shops")
    return shops if args.json else (_shops_table(shops) if shops else "No shops authorized yet: run `ttsc connect`.")


def cmd_shops_select(api: AdminApi, args: argparse.Namespace) -> Any:
    body: dict[str, Any] = {"selected": not args.unselect}
    if args.warehouse:
        body["warehouse_id"] = args.warehouse
    shop = api.call("PUT", f"/admin/shops/{args.shop_id}", body)
    if args.json:
        return shop
    verb = "serves" if shop["selected"] else "no longer serves"
    return f"The connector {verb} {shop['name']} ({shop['shop_id']}); warehouse {shop.get('warehouse_id') or '-'}."


def cmd_warehouses_list(api: AdminApi, args: argparse.Namespace) -> Any:
    warehouses = api.call("GET", f"/admin/shops/{args.shop}/warehouses")
    if args.json:
        return warehouses
    rows = [
        [w["id"], w["name"], w["type"], w["effect_status"], "yes" if w.get("is_default") else ""] for w in warehouses
    ]
    return table(rows, ["WAREHOUSE ID", "NAME", "TYPE", "STATUS", "DEFAULT"])


def cmd_setup_magento(api: AdminApi, args: argparse.Namespace) -> Any:
    report = api.call("POST", "/admin/setup/magento")
    if args.json:
        return report
    lines = [f"Magento {report['base_url']} answers; media base URL {report['media_base_url']}"]
    lines.append(
        "Sources: " + ", ".join(f"{s['source_code']}{'' if s['enabled'] else ' (disabled)'}" for s in report["sources"])
    )
    lines += [f"  - {a}" for a in report["actions"]] or ["Nothing to change: already set up."]
    return "\n".join(lines)


def cmd_settings(api: AdminApi, args: argparse.Namespace) -> Any:
    settings = api.call("GET", "/admin/settings")
    if args.allow_app_store_installs is not None:
        settings = api.call(
            "PUT", "/admin/settings", {**settings, "allow_app_store_installs": args.allow_app_store_installs}
        )
    return settings if args.json else "\n".join(f"{k}: {v}" for k, v in settings.items())


def register(sub: Any) -> None:
    sub.add_parser("status", help="shops, tokens and Magento setup").set_defaults(run=cmd_status)
    sub.add_parser("connect", help="print the TikTok Shop authorization link").set_defaults(run=cmd_connect)
    shops = sub.add_parser("shops", help="authorized shops").add_subparsers(dest="shops_command", required=True)
    shops.add_parser("list").set_defaults(run=cmd_shops_list)
    select = shops.add_parser("select", help="serve a shop and set its default warehouse")
    select.add_argument("shop_id")
    select.add_argument("--warehouse", help="TikTok warehouse id (default: the shop's default sales warehouse)")
    select.add_argument("--unselect", action="store_true", help="stop serving the shop")
    select.set_defaults(run=cmd_shops_select)
    warehouses = sub.add_parser("warehouses", help="a shop's TikTok warehouses").add_subparsers(
        dest="wh_command", required=True
    )
    wh_list = warehouses.add_parser("list")
    wh_list.add_argument("--shop", required=True)
    wh_list.set_defaults(run=cmd_warehouses_list)
    setup = sub.add_parser("setup", help="one-time setup").add_subparsers(dest="setup_command", required=True)
    setup.add_parser("magento", help="check Magento and create the connector's attributes").set_defaults(
        run=cmd_setup_magento
    )
    settings = sub.add_parser("settings", help="show or change connector settings")
    settings.add_argument(
        "--allow-app-store-installs", dest="allow_app_store_installs", action=argparse.BooleanOptionalAction
    )
    settings.set_defaults(run=cmd_settings)
