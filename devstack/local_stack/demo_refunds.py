"""The demo's refund step (the guide's "Return and Refund"): the buyer returns the platform order's tee, TikTok
completes the return, and the connector credits exactly TikTok's refund in Magento; the order ends Closed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from local_stack.stack import LocalStack

Step = Callable[[str], None]
Ttsc = Callable[[str], None]
TtscJson = Callable[[str], Any]


def _wait_credited(ttsc_json: TtscJson, refund_id: str, timeout: float = 90.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in ttsc_json("refunds list --limit 50") if r["refund_id"] == refund_id]
        if found and found[0]["state"] in {"credited", "failed"}:
            return dict(ttsc_json(f"refunds show {refund_id}"))
        if time.monotonic() > deadline:
            raise RuntimeError(f"return {refund_id} was not credited: {found}")
        time.sleep(0.3)


def walk_refunds(stack: LocalStack, order_id: str, *, step: Step, ttsc: Ttsc, ttsc_json: TtscJson) -> None:
    tiktok = stack.sandboxes["tiktok"]
    step("Return and Refund: the buyer returns the platform order's tee, TikTok refunds it")
    return_id = tiktok.open_return(order_id, return_type="RETURN_AND_REFUND")
    tiktok.complete_return(return_id)
    refund = _wait_credited(ttsc_json, return_id)
    memo = refund.get("credit_memo") or {}
    print(
        f"TikTok return {return_id}: refunded {refund['refund_total']} {refund['currency']}; Magento credit memo "
        f"#{memo.get('increment_id') or memo.get('credit_memo_id')}: {memo.get('grand_total')}"
    )
    ttsc(f"refunds show {return_id}")
    shown = ttsc_json(f"orders show {order_id}")
    print(f"Magento order #{shown['magento']['increment_id']} is now {shown['magento']['state']} (fully refunded).")
