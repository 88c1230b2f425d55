"""Finding a credit memo the connector asked for, by the marker written in the same Magento call.

`POST /V1/order/{orderId}/refund` with `appendComment` and `comment` stores the comment on the credit memo it
creates, in the same transaction (magento2 `Sales/Model/RefundOrder::execute` →
`Sales/Model/Order/CreditmemoDocumentFactory::createFromOrder`, which attaches the comment to the new document),
and `GET /V1/creditmemos` returns each credit memo with its `comments` (`sales-data-creditmemo-interface`). So
a credit memo created by a call whose answer was lost, or by a run that crashed before recording it, is found
again by the marker in its comments: the order's credit memos are searched before every creation.
"""

from __future__ import annotations

from typing import Any

from tts_connector.magento.client import MagentoClient
from tts_connector.magento.search_criteria import SearchCriteria
from tts_connector.refunds.records import RefundKind


def marker(kind: RefundKind, refund_id: str) -> str:
    return f"[tts-{kind.value}:{refund_id}]"


def find_credit_memo(magento: MagentoClient, order_id: int, kind: RefundKind, refund_id: str) -> dict[str, Any] | None:
    """The order's credit memo carrying this return's (or cancellation's) marker, if Magento has one."""
    tag = marker(kind, refund_id)
    criteria = SearchCriteria(page_size=100).where("order_id", order_id).sort_by("entity_id")
    for memo in magento.sales.search_credit_memos(criteria).items:
        if any(tag in str(c.get("comment") or "") for c in memo.get("comments") or []):
            return dict(memo)
    return None
