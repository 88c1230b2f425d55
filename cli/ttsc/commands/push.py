"""Product push: push products as a job (with a progress bar), jobs and their failures, pushed products."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ttsc.output import query_params, table, when
from ttsc.transport import AdminApi, CliError


def _bar(job: dict[str, Any], width: int = 30) -> str:
    total, done = job["total"], job["succeeded"] + job["failed"]
    if job["status"] == "PLANNING":
        return f"reading the selection from Magento: {total} product(s) so far, {done} done"
    filled = int(width * done / total) if total else width
    percent = int(100 * done / total) if total else 100
    return (
        f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({percent}%)  "
        f"{job['succeeded']} succeeded, {job['failed']} failed"
    )


def _failure_lines(items: list[dict[str, Any]]) -> list[str]:
    lines = []
    for item in items:
        failure = item.get("failure")
        if item["status"] != "FAILED" or not failure:
            continue
        code = (
            f" [TikTok {failure['tiktok_code']}, request {failure.get('request_id')}]"
            if failure.get("tiktok_code")
            else ""
        )
        text = failure["message"]
        shown = text if text.startswith(f"Magento product {item['sku']}") else f"{item['sku']}: {text}"
        lines.append(f"  {shown}{code}")
        if failure.get("hint"):
            lines.append(f"    fix: {failure['hint']}")
    return lines


def _summary(detail: dict[str, Any]) -> str:
    job = detail["job"]
    lines = [
        f"Job {job['job_id']} ({job['status']}): {job['succeeded']} succeeded, {job['failed']} failed"
        + (f", {job['total'] - job['succeeded'] - job['failed']} to go" if job["status"] != "COMPLETED" else "")
        + f" of {job['total']}."
    ]
    if detail.get("tiktok_statuses"):
        lines.append("TikTok status: " + ", ".join(f"{k} {v}" for k, v in sorted(detail["tiktok_statuses"].items())))
    failures = _failure_lines(detail["items"])
    if failures:
        lines.append("Failed:")
        lines += failures
        lines.append(f"Retry after fixing: ttsc jobs retry {job['job_id']} [--sku SKU]")
    rejected = [i for i in detail["items"] if i.get("tiktok_status") == "FAILED"]
    if rejected:
        lines.append("Rejected by TikTok's review:")
        lines += [f"  {i['sku']}: {'; '.join(i.get('audit_reasons') or ['no reason given'])}" for i in rejected]
    return "\n".join(lines)


def _wait(api: AdminApi, job_id: str, *, show: bool, poll: float) -> dict[str, Any]:
    interactive = show and sys.stderr.isatty()
    last = ""
    while True:
        detail: dict[str, Any] = api.call("GET", f"/admin/jobs/{job_id}", query={"limit": "0"})
        job = detail["job"]
        line = _bar(job)
        if show and line != last:
            # A terminal gets one line redrawn; a log gets a line per change.
            sys.stderr.write(("\r" + line.ljust(100)) if interactive else line + "\n")
            sys.stderr.flush()
            last = line
        if job["status"] == "COMPLETED":
            if interactive:
                sys.stderr.write("\n")
            return detail
        time.sleep(poll)


def cmd_push_products(api: AdminApi, args: argparse.Namespace) -> Any:
    body: dict[str, Any] = {}
    if args.sku:
        body["skus"] = args.sku
    if args.category is not None:
        body["category_id"] = args.category
    if args.attribute_set is not None:
        body["attribute_set_id"] = args.attribute_set
    if args.updated_since:
        body["updated_since"] = args.updated_since
    if args.all:
        body["all"] = True
    for key, value in (("shop_id", args.shop), ("warehouse_id", args.warehouse)):
        if value:
            body[key] = value
    job = api.call("POST", "/admin/push/products", body)
    if args.no_wait:
        return job if args.json else f"Started job {job['job_id']}: follow it with `ttsc jobs show {job['job_id']}`."
    if not args.json:
        print(f"Pushing to shop {job['shop_id']}, warehouse {job['warehouse_id']}: job {job['job_id']}", flush=True)
    try:
        _wait(api, job["job_id"], show=not args.json, poll=args.poll)
    except KeyboardInterrupt:
        raise CliError(f"Stopped waiting; the job goes on: `ttsc jobs show {job['job_id']}`") from None
    detail = api.call("GET", f"/admin/jobs/{job['job_id']}", query={"limit": "500"})
    return detail if args.json else _summary(detail)


def cmd_push_sources(api: AdminApi, args: argparse.Namespace) -> Any:
    body: dict[str, Any] = {"sources": args.source, **({"shop_id": args.shop} if args.shop else {})}
    saved = api.call("PUT", f"/admin/push/warehouses/{args.warehouse}/sources", body)
    if args.json:
        return saved
    chosen = saved["sources_by_warehouse"].get(args.warehouse)
    sources = ", ".join(chosen) if chosen else "every enabled Magento source"
    return f"Warehouse {args.warehouse} gets the stock of: {sources}."


def cmd_jobs_list(api: AdminApi, args: argparse.Namespace) -> Any:
    jobs = api.call("GET", "/admin/jobs", query=query_params(kind=args.kind, limit=args.limit))
    if args.json:
        return jobs
    if not jobs:
        return "No jobs yet."
    rows = [
        [
            j["job_id"],
            j["kind"],
            j["shop_id"],
            j["status"],
            j["total"],
            j["succeeded"],
            j["failed"],
            when(j["created_at"]),
        ]
        for j in jobs
    ]
    return table(rows, ["JOB", "KIND", "SHOP", "STATUS", "TOTAL", "OK", "FAILED", "CREATED"])


def cmd_jobs_show(api: AdminApi, args: argparse.Namespace) -> Any:
    detail = api.call("GET", f"/admin/jobs/{args.job}", query=query_params(status=args.status, limit=args.limit))
    if args.json:
        return detail
    text = _summary(detail)
    others = [i for i in detail["items"] if i["status"] != "FAILED"]
    if others and args.status:
        rows = [
            [i["sku"], i["status"], i.get("tiktok_status") or "-", i["result"].get("tiktok_product_id", "-")]
            for i in others
        ]
        text += "\n" + table(rows, ["SKU", "ITEM", "TIKTOK", "TIKTOK PRODUCT"])
    return text


def cmd_jobs_retry(api: AdminApi, args: argparse.Namespace) -> Any:
    report = api.call("POST", f"/admin/jobs/{args.job}/retry", {"skus": args.sku})
    if args.json:
        return report
    lines = [f"Retrying {len(report['requeued'])} product(s) of job {args.job}."]
    lines += [f"  skipped {sku}: {why}" for sku, why in report["skipped"].items()]
    if report["requeued"]:
        lines.append(f"Follow it with `ttsc jobs show {args.job}`.")
    return "\n".join(lines)


def cmd_products_show(api: AdminApi, args: argparse.Namespace) -> Any:
    view = api.call("GET", "/admin/products", query=query_params(sku=args.sku, shop=args.shop))
    if args.json:
        return view
    listing = view["listing"]
    lines = [
        f"Magento {view['sku']} -> TikTok product {listing['tiktok_product_id']} in shop {view['shop_id']} "
        f"(category {listing.get('category_id') or '-'}, warehouse {listing.get('warehouse_id') or '-'})",
        f"TikTok status: {listing['status']} (as of {when(listing.get('status_at'))}); "
        f"pushed {when(listing.get('pushed_at'))}",
    ]
    if listing.get("audit_reasons"):
        lines.append("Audit reasons:")
        lines += [f"  - {r}" for r in listing["audit_reasons"]]
    rows = [[s["magento_sku"], s["tiktok_sku_id"], s.get("seller_sku") or "-"] for s in listing["skus"]]
    lines.append(table(rows, ["MAGENTO SKU", "TIKTOK SKU ID", "SELLER SKU"]))
    write_back = view.get("write_back")
    if write_back:
        hint = f" (fix: {write_back['hint']})" if write_back.get("hint") else ""
        lines.append(f"Write-back to Magento: {write_back['status']} - {write_back['message']}{hint}")
    else:
        lines.append("Write-back to Magento: not yet")
    return "\n".join(lines)


def register(sub: Any) -> None:
    push = sub.add_parser("push", help="push products to TikTok Shop").add_subparsers(
        dest="push_command", required=True
    )
    products = push.add_parser("products", help="push products (simple and configurable) as one job")
    chosen = products.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--sku", action="append", metavar="SKU", help="this Magento SKU (repeat for more)")
    chosen.add_argument("--category", type=int, help="every product in this Magento category and below")
    chosen.add_argument("--attribute-set", type=int, help="every product of this attribute set")
    chosen.add_argument(
        "--updated-since", metavar="TIME", help="products updated since, e.g. '2025-01-31 12:00:00' (UTC)"
    )
    chosen.add_argument("--all", action="store_true", help="every product")
    products.add_argument("--shop", help="TikTok shop id (default: the one the connector serves)")
    products.add_argument("--warehouse", help="TikTok warehouse id (default: the shop's)")
    products.add_argument("--no-wait", action="store_true", help="start the job and return")
    products.add_argument("--poll", type=float, default=1.0, help=argparse.SUPPRESS)
    products.set_defaults(run=cmd_push_products)
    sources = push.add_parser("sources", help="which Magento MSI sources feed a TikTok warehouse's stock")
    sources.add_argument("warehouse")
    sources.add_argument("source", nargs="*", help="source codes (none: every enabled source)")
    sources.add_argument("--shop")
    sources.set_defaults(run=cmd_push_sources)

    jobs = sub.add_parser("jobs", help="push jobs, their results and retries").add_subparsers(
        dest="jobs_command", required=True
    )
    listing = jobs.add_parser("list", help="recent jobs")
    listing.add_argument("--kind")
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(run=cmd_jobs_list)
    show = jobs.add_parser("show", help="a job's counts, failures and the TikTok status of its products")
    show.add_argument("job")
    show.add_argument("--status", choices=("FAILED", "QUEUED", "SUCCEEDED"))
    show.add_argument("--limit", type=int, default=200)
    show.set_defaults(run=cmd_jobs_show)
    retry = jobs.add_parser("retry", help="retry a job's failed products (all, or --sku)")
    retry.add_argument("job")
    retry.add_argument("--sku", action="append", default=[], metavar="SKU")
    retry.set_defaults(run=cmd_jobs_retry)

    products_cmd = sub.add_parser("products", help="pushed products").add_subparsers(
        dest="products_command", required=True
    )
    product_show = products_cmd.add_parser("show", help="a product's TikTok ids, audit status and reasons, write-back")
    product_show.add_argument("sku")
    product_show.add_argument("--shop")
    product_show.set_defaults(run=cmd_products_show)
