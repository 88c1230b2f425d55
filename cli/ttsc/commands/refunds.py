"""Refunds (list, show, retry): TikTok returns and cancellations as Magento credit memos; buyer requests (list,
approve, reject) answered from the connector."""

from __future__ import annotations

import argparse
from typing import Any

from ttsc.output import history_lines, listed, query_params, queued_again, table, when
from ttsc.transport import AdminApi

STATES = ("open", "closed", "waiting_for_order", "crediting", "credited", "not_credited", "failed")


def _refunds_table(refunds: list[dict[str, Any]]) -> str:
    rows = [
        [
            r["refund_id"],
            r["kind"],
            r["tiktok_order_id"],
            r["state"],
            r["tiktok_status"] or "-",
            f"{r.get('refund_total') or '-'} {r.get('currency') or ''}".strip(),
            r.get("credit_memo_total") or "-",
            when(r.get("updated_at")),
            r.get("failure") or (f"{r['uncredited']} not credited" if r.get("uncredited") else ""),
        ]
        for r in refunds
    ]
    return table(rows, ["ID", "KIND", "TIKTOK ORDER", "STATE", "TIKTOK", "REFUND", "CREDIT MEMO", "CHANGED", "NOTE"])


def cmd_refunds_list(api: AdminApi, args: argparse.Namespace) -> Any:
    refunds = api.call("GET", "/admin/refunds", query=query_params(limit=args.limit, status=args.status))
    empty = f"No {args.status} refunds." if args.status else "No TikTok returns or cancellations yet."
    return listed(args, refunds, empty=empty, render=_refunds_table)


def cmd_refunds_show(api: AdminApi, args: argparse.Namespace) -> Any:
    r = api.call("GET", f"/admin/refunds/{args.refund_id}")
    if args.json:
        return r
    lines = [
        f"TikTok {r['kind']} {r['refund_id']} of order {r['tiktok_order_id']} (shop {r['shop_id']}): {r['state']}",
        f"  TikTok: {r['tiktok_status']} ({r.get('tiktok_type') or '-'}), refund {r.get('refund_total') or '-'} "
        f"{r.get('currency') or ''}",
    ]
    memo = r.get("credit_memo")
    if memo:
        lines.append(
            f"  Magento credit memo #{memo.get('increment_id') or memo['credit_memo_id']}: total {memo['grand_total']} "
            f"(items {memo['subtotal']}, shipping {memo['shipping_amount']}, adjustment +{memo['adjustment_positive']}"
            f" -{memo['adjustment_negative']}){' - found again after a lost answer' if memo.get('adopted') else ''}"
        )
    if r.get("uncredited"):
        lines.append(f"  Not credited in Magento (more than it allowed): {r['uncredited']}")
    if r.get("mismatch"):
        lines.append(f"  MISMATCH: {r['mismatch']}")
    if r.get("failure"):
        lines += [f"  {r['state'].upper()}: {r['failure']}", f"  {r.get('failure_hint') or ''}"]
    lines += history_lines(r["history"], status_width=34)
    return "\n".join(lines)


def cmd_refunds_retry(api: AdminApi, args: argparse.Namespace) -> Any:
    report = api.call("POST", f"/admin/refunds/{args.refund_id}/retry")
    if args.json:
        return report
    refund = f"TikTok {report['kind']} {report['refund_id']}"
    return queued_again(refund, report["previous_state"], f"ttsc refunds show {report['refund_id']}")


def _requests_table(pending: list[dict[str, Any]]) -> str:
    rows = [
        [
            p["request_id"],
            p["kind"],
            p["tiktok_order_id"],
            p.get("magento_increment_id") or "-",
            p["request_type"],
            p["status"],
            f"{p.get('refund_total') or '-'} {p.get('currency') or ''}".strip(),
            p.get("reason") or "",
            when(p.get("deadline")),
        ]
        for p in pending
    ]
    return table(rows, ["ID", "KIND", "TIKTOK ORDER", "MAGENTO #", "TYPE", "STATUS", "REFUND", "REASON", "ANSWER BY"])


def cmd_requests_list(api: AdminApi, args: argparse.Namespace) -> Any:
    pending = api.call("GET", "/admin/requests", query={"shop_id": args.shop} if args.shop else None)
    return listed(args, pending, empty="No buyer requests waiting for you.", render=_requests_table)


def _decision(report: dict[str, Any], args: argparse.Namespace) -> Any:
    if args.json:
        return report
    return f"{report['kind'].title()} {report['request_id']}: {report['decision']} sent to TikTok."


def cmd_requests_approve(api: AdminApi, args: argparse.Namespace) -> Any:
    body: dict[str, Any] = {}
    if args.shop:
        body["shop_id"] = args.shop
    if args.decision:
        body["decision"] = args.decision
    if args.buyer_keeps_item:
        body["buyer_keep_item"] = True
    return _decision(api.call("POST", f"/admin/requests/{args.request_id}/approve", body), args)


def cmd_requests_reject(api: AdminApi, args: argparse.Namespace) -> Any:
    body: dict[str, Any] = {"reason": args.reason}
    if args.shop:
        body["shop_id"] = args.shop
    if args.comment:
        body["comment"] = args.comment
    if args.decision:
        body["decision"] = args.decision
    return _decision(api.call("POST", f"/admin/requests/{args.request_id}/reject", body), args)


def register(sub: Any) -> None:
    refunds = sub.add_parser("refunds", help="TikTok refunds as Magento credit memos").add_subparsers(
        dest="refunds_command", required=True
    )
    listing = refunds.add_parser("list", help="returns and cancellations the connector knows, newest change first")
    listing.add_argument("--status", choices=STATES, help="only refunds in this state (e.g. failed)")
    listing.add_argument("--limit", type=int, default=100)
    listing.set_defaults(run=cmd_refunds_list)
    show = refunds.add_parser("show", help="TikTok state, the credit memo and its amounts, history")
    show.add_argument("refund_id", metavar="RETURN_OR_CANCEL_ID")
    show.set_defaults(run=cmd_refunds_show)
    retry = refunds.add_parser("retry", help="settle a return or cancellation again once its failure is fixed")
    retry.add_argument("refund_id", metavar="RETURN_OR_CANCEL_ID")
    retry.set_defaults(run=cmd_refunds_retry)

    requests = sub.add_parser("requests", help="buyer cancellation and return requests").add_subparsers(
        dest="requests_command", required=True
    )
    pending = requests.add_parser("list", help="requests waiting for your answer")
    pending.add_argument("--shop", help="shop id (default: the only shop served)")
    pending.set_defaults(run=cmd_requests_list)
    approve = requests.add_parser("approve", help="approve a cancellation or return request")
    approve.add_argument("request_id", metavar="RETURN_OR_CANCEL_ID")
    approve.add_argument("--decision", help="returns: override the decision (e.g. APPROVE_REFUND)")
    approve.add_argument("--buyer-keeps-item", action="store_true", help="approve a return without the item back")
    approve.add_argument("--shop", help="shop id (default: the only shop served)")
    approve.set_defaults(run=cmd_requests_approve)
    reject = requests.add_parser("reject", help="reject a cancellation or return request with a reason")
    reject.add_argument("request_id", metavar="RETURN_OR_CANCEL_ID")
    reject.add_argument("--reason", required=True, help="a reason name TikTok accepts (a wrong one lists them)")
    reject.add_argument("--comment", help="a note for the buyer")
    reject.add_argument("--decision", help="returns: override the decision (e.g. REJECT_RETURN)")
    reject.add_argument("--shop", help="shop id (default: the only shop served)")
    reject.set_defaults(run=cmd_requests_reject)
