"""Price and stock sync: manual pushes (`ttsc push prices|stock`), settings per shop, status, reconciliation."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ttsc.commands import subcommands
from ttsc.output import listed, table, when
from ttsc.transport import AdminApi, CliError

POLL_SECONDS = 1.0
ON_OFF = ("on", "off")


def _shop(api: AdminApi, shop: str | None) -> str:
    if shop:
        return shop
    selected = [s["shop_id"] for s in api.call("GET", "/admin/shops") if s["selected"]]
    if len(selected) == 1:
        return str(selected[0])
    if not selected:
        raise CliError("The connector serves no shop yet: `ttsc shops select SHOP_ID --warehouse ID`")
    raise CliError(f"The connector serves {len(selected)} shops: pass --shop ({', '.join(selected)})")


# ---------- ttsc push prices|stock ----------
def _selection(args: argparse.Namespace) -> dict[str, Any]:
    if args.sku:
        return {"skus": args.sku}
    if args.category is not None:
        return {"category_id": args.category}
    if args.attribute_set is not None:
        return {"attribute_set_id": args.attribute_set}
    if args.updated_since:
        return {"updated_since": args.updated_since}
    return {"all": True}


def _job_line(job: dict[str, Any]) -> str:
    done = job["succeeded"] + job["failed"]
    return f"{done}/{job['total']} SKUs done ({job['succeeded']} pushed, {job['failed']} failed)"


def _job_report(view: dict[str, Any]) -> str:
    job = view["job"]
    what = "Prices" if job["kind"] == "price_push" else "Stock"
    state = "finished" if job["status"] == "COMPLETED" else "running"
    lines = [f"{what} push {job['job_id']} {state}: {_job_line(job)}"]
    failed = [i for i in view["items"] if i["status"] == "FAILED"]
    if failed:
        rows = [
            [
                i["item_key"],
                i["failure"]["message"] if i.get("failure") else "-",
                (i["failure"] or {}).get("hint") or "-",
            ]
            for i in failed
        ]
        lines.append(table(rows, ["SKU", "WHY", "WHAT TO DO"]))
    return "\n".join(lines)


def _wait(api: AdminApi, job_id: str, quiet: bool) -> dict[str, Any]:
    last = ""
    while True:
        view: dict[str, Any] = api.call("GET", f"/admin/sync/pushes/{job_id}")
        line = _job_line(view["job"])
        if not quiet and line != last:
            print(f"  {line}", file=sys.stderr, flush=True)
            last = line
        if view["job"]["status"] == "COMPLETED":
            return view
        time.sleep(POLL_SECONDS)


def cmd_push(api: AdminApi, args: argparse.Namespace) -> Any:
    body: dict[str, Any] = {"kind": args.kind, "selection": _selection(args)}
    if args.shop:
        body["shop_id"] = args.shop
    if getattr(args, "warehouse", None):
        body["warehouse_id"] = args.warehouse
    job = api.call("POST", "/admin/sync/pushes", body)
    if args.no_wait:
        if args.json:
            return job
        return f"Started {job['kind']} job {job['job_id']} for {job['total']} SKU(s): `ttsc sync job {job['job_id']}`"
    view = _wait(api, job["job_id"], quiet=args.json)
    return view if args.json else _job_report(view)


def _add_push(push: Any, name: str, kind: str, help_text: str) -> None:
    parser = push.add_parser(name, help=help_text)
    chosen = parser.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--sku", nargs="+", metavar="SKU", help="these Magento SKUs (a configurable: all its children)")
    chosen.add_argument("--category", type=int, metavar="ID", help="the listed products of this Magento category")
    chosen.add_argument("--attribute-set", type=int, metavar="ID", help="the listed products of this attribute set")
    chosen.add_argument("--updated-since", metavar="TIME", help="listed products Magento updated since (ISO 8601)")
    chosen.add_argument("--all", action="store_true", help="every listed product of the shop")
    parser.add_argument("--shop", help="shop id (default: the one shop the connector serves)")
    if kind == "stock":
        parser.add_argument("--warehouse", metavar="ID", help="only this TikTok warehouse's quantity")
    parser.add_argument("--no-wait", action="store_true", help="start the job and return its id")
    parser.set_defaults(run=cmd_push, kind=kind)


# ---------- ttsc sync ... ----------
def _jobs_table(jobs: list[dict[str, Any]]) -> str:
    rows = [[j["job_id"], j["kind"], j["shop_id"], j["status"], _job_line(j), when(j["created_at"])] for j in jobs]
    return table(rows, ["JOB", "KIND", "SHOP", "STATUS", "PROGRESS", "STARTED"])


def cmd_sync_jobs(api: AdminApi, args: argparse.Namespace) -> Any:
    jobs = api.call("GET", "/admin/sync/pushes", query={"limit": str(args.limit)})
    return listed(args, jobs, empty="No price or stock push yet: `ttsc push prices --all`", render=_jobs_table)


def cmd_sync_job(api: AdminApi, args: argparse.Namespace) -> Any:
    view = api.call("GET", f"/admin/sync/pushes/{args.job_id}", query={"limit": str(args.limit)})
    return view if args.json else _job_report(view)


def _settings_change(args: argparse.Namespace) -> dict[str, Any]:
    sync: dict[str, Any] = {}
    if args.price_sync:
        sync["price_sync"] = args.price_sync == "on"
    if args.stock_sync:
        sync["stock_sync"] = args.stock_sync == "on"
    rule = {
        k: v
        for k, v in {
            "adjustment": args.price_adjustment,
            "amount": args.price_amount,
            "rounding": args.price_rounding,
            "use_special_price": None if args.special_price is None else args.special_price == "on",
        }.items()
        if v is not None
    }
    if rule:
        sync["price_rule"] = rule
    buffer = {
        k: v
        for k, v in {"hold_back": args.hold_back, "amount": args.hold_back_amount, "floor": args.stock_floor}.items()
        if v is not None
    }
    if buffer:
        sync["stock_buffer"] = buffer
    if args.website:
        sync["website_code"] = args.website
    change: dict[str, Any] = {"sync": sync} if sync else {}
    if args.clear_warehouse_sources or args.warehouse_sources:
        mapping: dict[str, list[str]] = {}
        for pair in args.warehouse_sources or []:
            warehouse, _, sources = pair.partition("=")
            if not warehouse or not sources:
                raise CliError(f"--warehouse-sources takes WAREHOUSE=SOURCE[,SOURCE...], not {pair!r}")
            mapping[warehouse] = [s for s in sources.split(",") if s]
        change["inventory"] = {"sources_by_warehouse": mapping}
    return change


def _settings_text(shop_id: str, sync: dict[str, Any], inventory: dict[str, Any]) -> list[str]:
    rule, buffer = sync["price_rule"], sync["stock_buffer"]
    adjustment = (
        "none"
        if rule["adjustment"] == "none"
        else f"{rule['adjustment']} {rule['amount']}" + ("%" if rule["adjustment"] == "percent" else "")
    )
    hold_back = "none" if buffer["hold_back"] == "none" else f"{buffer['amount']} {buffer['hold_back']}"
    mapping = inventory.get("sources_by_warehouse") or {}
    sources = "; ".join(f"{w} <- {', '.join(s)}" for w, s in sorted(mapping.items())) or (
        "the shop's warehouse sells the whole stock"
    )
    return [
        f"Shop {shop_id}",
        f"  price sync:  {'on' if sync['price_sync'] else 'off'}; rule: {adjustment}, rounding {rule['rounding']}, "
        f"special price {'honoured' if rule['use_special_price'] else 'ignored'}",
        f"  stock sync:  {'on' if sync['stock_sync'] else 'off'}; hold back: {hold_back}, floor {buffer['floor']}; "
        f"salable quantity of website {sync['website_code']}",
        f"  warehouses:  {sources}",
    ]


def cmd_sync_settings(api: AdminApi, args: argparse.Namespace) -> Any:
    shop = _shop(api, args.shop)
    change = _settings_change(args)
    if not change:
        view = api.call("GET", f"/admin/sync/settings/{shop}")
        return view if args.json else "\n".join(_settings_text(shop, view["sync"], view["inventory"]))
    report = api.call("PATCH", f"/admin/sync/settings/{shop}", change)
    if args.json:
        return report
    lines = _settings_text(shop, report["sync"], report["inventory"])
    lines.append(f"Changed: {', '.join(report['changed']) or 'nothing'}")
    if report.get("resync"):
        run = report["resync"]
        lines.append(
            f"Re-syncing {' and '.join(run['kinds'])} of every listed SKU (reconciliation run {run['run_id']})."
        )
    return "\n".join(lines)


def _run_line(run: dict[str, Any]) -> str:
    return (
        f"{run['run_id']} ({run['reason']}) {when(run['started_at'])}: {run['skus_checked']} checked, "
        f"{run['skus_drifted']} drifted, {run['skus_healed']} healed, {run['skus_failed']} failed"
    )


def _statuses_text(statuses: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for status in statuses:
        lines += _settings_text(f"{status['name']} ({status['shop_id']})", status["settings"], status["inventory"])
        lines.append(f"  waiting for a push: {status['products_waiting']} product(s)")
        current = status.get("reconcile_in_progress")
        lines.append(f"  reconciliation in progress: {_run_line(current) if current else 'none'}")
        for run in status["recent_runs"]:
            lines.append(f"  reconciliation {_run_line(run)}")
        if status["sku_problems"]:
            rows = [[p["magento_sku"], p["kind"], p["message"], when(p["at"])] for p in status["sku_problems"]]
            lines.append(table(rows, ["SKU", "KIND", "LAST FAILURE", "AT"]))
    return "\n".join(lines)


def cmd_sync_status(api: AdminApi, args: argparse.Namespace) -> Any:
    statuses = api.call("GET", "/admin/sync/status", query={"shop_id": args.shop} if args.shop else None)
    empty = "The connector serves no shop yet: `ttsc shops select SHOP_ID --warehouse ID`"
    return listed(args, statuses, empty=empty, render=_statuses_text)


def cmd_sync_reconcile(api: AdminApi, args: argparse.Namespace) -> Any:
    run = api.call("POST", f"/admin/sync/reconcile/{_shop(api, args.shop)}")
    if args.json:
        return run
    return f"Reconciliation run {run['run_id']} started; `ttsc sync status` shows what it healed."


def cmd_sync_sku(api: AdminApi, args: argparse.Namespace) -> Any:
    record = api.call("GET", f"/admin/sync/skus/{_shop(api, args.shop)}", query={"sku": args.sku})
    if args.json:
        return record
    lines = [f"{record['magento_sku']} -> TikTok product {record['tiktok_product_id']}, SKU {record['tiktok_sku_id']}"]
    lines.append(f"  price: {record.get('price') or '-'} (pushed {when(record.get('price_pushed_at'))})")
    lines.append(f"  stock: {record.get('quantities') or '-'} (pushed {when(record.get('stock_pushed_at'))})")
    for kind in ("price", "stock"):
        failure = record.get(f"{kind}_failure")
        if failure:
            lines.append(f"  last {kind} failure: {failure['message']} ({when(failure['at'])})")
    return "\n".join(lines)


def register(sub: Any) -> None:
    push = subcommands(sub, "push", "push to TikTok Shop (products, prices, stock)")
    _add_push(push, "prices", "price", "push prices of listed products now (a job)")
    _add_push(push, "stock", "stock", "push stock of listed products now (a job)")

    sync = sub.add_parser("sync", help="price and stock sync: settings, status, jobs").add_subparsers(
        dest="sync_command", required=True
    )
    jobs = sync.add_parser("jobs", help="recent price and stock push jobs")
    jobs.add_argument("--limit", type=int, default=20)
    jobs.set_defaults(run=cmd_sync_jobs)
    job = sync.add_parser("job", help="a push job and each SKU's outcome (failures first)")
    job.add_argument("job_id")
    job.add_argument("--limit", type=int, default=500)
    job.set_defaults(run=cmd_sync_job)

    settings = sync.add_parser("settings", help="show or change a shop's sync settings (changes re-sync)")
    settings.add_argument("--shop", help="shop id (default: the one shop the connector serves)")
    settings.add_argument("--price-sync", choices=ON_OFF)
    settings.add_argument("--stock-sync", choices=ON_OFF)
    settings.add_argument("--price-adjustment", choices=("none", "percent", "fixed"))
    settings.add_argument("--price-amount", metavar="N", help="percent (10 = +10 %%, -5 = 5 %% off) or fixed amount")
    settings.add_argument("--price-rounding", choices=("none", ".99", ".49"))
    settings.add_argument("--special-price", choices=ON_OFF, help="push Magento's active special price")
    settings.add_argument("--hold-back", choices=("none", "units", "percent"))
    settings.add_argument("--hold-back-amount", metavar="N", help="units or percent held back from TikTok")
    settings.add_argument("--stock-floor", type=int, metavar="N", help="below N (after the hold-back) push 0")
    settings.add_argument("--website", metavar="CODE", help="Magento website whose stock is sold (default base)")
    settings.add_argument(
        "--warehouse-sources",
        nargs="+",
        metavar="WAREHOUSE=SOURCES",
        help="which MSI sources feed which TikTok warehouse, e.g. 7068...942=default,east (replaces the mapping)",
    )
    settings.add_argument("--clear-warehouse-sources", action="store_true", help="back to the shop's one warehouse")
    settings.set_defaults(run=cmd_sync_settings)

    status = sync.add_parser("status", help="waiting pushes, reconciliation runs, SKUs that failed")
    status.add_argument("--shop")
    status.set_defaults(run=cmd_sync_status)
    reconcile = sync.add_parser("reconcile", help="compare every listed SKU with Magento now and heal differences")
    reconcile.add_argument("--shop")
    reconcile.set_defaults(run=cmd_sync_reconcile)
    sku = sync.add_parser("sku", help="what TikTok last accepted for a SKU, and its last failure")
    sku.add_argument("sku")
    sku.add_argument("--shop")
    sku.set_defaults(run=cmd_sync_sku)
