"""Orders and their invoices, shipments and credit memos."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tts_connector.errors import ConflictError
from tts_connector.magento import endpoints as ep
from tts_connector.magento.models import ItemQty, Refund, Track
from tts_connector.magento.search_criteria import Filter, SearchCriteria, SearchResult

if TYPE_CHECKING:
    from tts_connector.magento.client import MagentoClient


class SalesApi:
    def __init__(self, client: MagentoClient) -> None:
        self._client = client

    def _search(self, endpoint: ep.Endpoint, criteria: SearchCriteria) -> SearchResult:
        return SearchResult.from_response(self._client.call(endpoint, query=criteria.to_query()))

    # Orders
    def get_order(self, order_id: int) -> dict[str, Any]:
        """An order by entity_id (not increment_id)."""
        return dict(self._client.call(ep.ORDER_GET, {"id": order_id}))

    def search_orders(self, criteria: SearchCriteria) -> SearchResult:
        return self._search(ep.ORDERS_SEARCH, criteria)

    def find_order_by_ext_order_id(self, ext_order_id: str) -> dict[str, Any] | None:
        found = self.search_orders(SearchCriteria(page_size=2).where("ext_order_id", ext_order_id)).items
        return found[0] if found else None

    def find_orders_by_marketplace_id(self, ext_order_id: str, customer_email: str) -> list[dict[str, Any]]:
        """Orders whose `ext_order_id` is the marketplace id OR whose customer e-mail is the one used for it.

        The e-mail is what a guest-cart placement records atomically (payment-information's `email` becomes
        the order's `customer_email`); `ext_order_id` is only set by a later save. One search covers an
        order found after either step.
        """
        criteria = SearchCriteria(page_size=10).any_of(
            Filter("ext_order_id", ext_order_id), Filter("customer_email", customer_email)
        )
        return self.search_orders(criteria.sort_by("entity_id")).items

    def update_order_address(self, order_id: int, address: dict[str, Any]) -> dict[str, Any]:
        """Save an order address (`sales-data-order-address-interface`, with its entity_id and address_type)."""
        entity = {**address, "parent_id": order_id}
        return dict(self._client.call(ep.ORDER_ADDRESS_SAVE, {"parent_id": order_id}, body={"entity": entity}))

    def set_ext_order_id(self, order: dict[str, Any], ext_order_id: str) -> dict[str, Any]:
        """Record the marketplace order id on an order.

        entity_id, increment_id, state and status are sent with it: partial saves have been reported to change
        increment_id (magento/magento2#17828), so the identity fields are always repeated.
        """
        entity = {
            "entity_id": int(order["entity_id"]),
            "increment_id": str(order["increment_id"]),
            "state": str(order["state"]),
            "status": str(order["status"]),
            "ext_order_id": ext_order_id,
        }
        return dict(self._client.call(ep.ORDER_SAVE, body={"entity": entity}))

    def add_comment(
        self,
        order_id: int,
        comment: str,
        *,
        status: str,
        notify: bool = False,
        visible_on_front: bool = False,
    ) -> bool:
        """Add a status-history comment. Pass the order's current status so the comment does not change it."""
        body = {
            "statusHistory": {
                "comment": comment,
                "is_customer_notified": int(notify),
                "is_visible_on_front": int(visible_on_front),
                "parent_id": order_id,
                "status": status,
            }
        }
        return bool(self._client.call(ep.ORDER_COMMENT_ADD, {"id": order_id}, body=body))

    def comments(self, order_id: int) -> SearchResult:
        return SearchResult.from_response(self._client.call(ep.ORDER_COMMENTS, {"id": order_id}))

    def cancel(self, order_id: int) -> None:
        """Cancel an order; Magento answers `false` (not an error) when it cannot, e.g. once invoiced."""
        if self._client.call(ep.ORDER_CANCEL, {"id": order_id}) is not True:
            raise ConflictError(
                f"Magento refused to cancel order {order_id}",
                hint="Magento cancels only orders with nothing invoiced or shipped; refund it instead",
                details={"order_id": order_id},
            )

    # Documents
    def invoice(
        self, order_id: int, items: Sequence[ItemQty] = (), *, capture: bool = True, notify: bool = False
    ) -> int:
        """Invoice an order (all of it when `items` is empty); returns the invoice id."""
        body: dict[str, Any] = {"capture": capture, "notify": notify}
        if items:
            body["items"] = [i.to_magento() for i in items]
        return int(self._client.call(ep.ORDER_INVOICE, {"orderId": order_id}, body=body))

    def ship(
        self,
        order_id: int,
        items: Sequence[ItemQty] = (),
        *,
        tracks: Sequence[Track] = (),
        notify: bool = False,
        source_code: str | None = None,
    ) -> int:
        """Ship an order (all of it when `items` is empty) with tracking; returns the shipment id."""
        body: dict[str, Any] = {"notify": notify}
        if items:
            body["items"] = [i.to_magento() for i in items]
        if tracks:
            body["tracks"] = [t.to_magento() for t in tracks]
        if source_code:
            body["arguments"] = {"extension_attributes": {"source_code": source_code}}
        return int(self._client.call(ep.ORDER_SHIP, {"orderId": order_id}, body=body))

    def refund(self, order_id: int, refund: Refund) -> int:
        """Offline credit memo for an order; returns the credit memo id."""
        arguments: dict[str, Any] = {
            "adjustment_positive": refund.adjustment_positive,
            "adjustment_negative": refund.adjustment_negative,
        }
        if refund.shipping_amount is not None:
            arguments["shipping_amount"] = refund.shipping_amount
        if refund.return_to_stock_items:
            arguments["extension_attributes"] = {"return_to_stock_items": list(refund.return_to_stock_items)}
        body: dict[str, Any] = {"notify": refund.notify, "arguments": arguments}
        if refund.items:
            body["items"] = [i.to_magento() for i in refund.items]
        if refund.comment:
            body["appendComment"] = True
            body["comment"] = {"comment": refund.comment, "is_visible_on_front": 0}
        return int(self._client.call(ep.ORDER_REFUND, {"orderId": order_id}, body=body))

    def search_invoices(self, criteria: SearchCriteria) -> SearchResult:
        return self._search(ep.INVOICES_SEARCH, criteria)

    def search_shipments(self, criteria: SearchCriteria) -> SearchResult:
        return self._search(ep.SHIPMENTS_SEARCH, criteria)

    def get_shipment(self, shipment_id: int) -> dict[str, Any]:
        return dict(self._client.call(ep.SHIPMENT_GET, {"id": shipment_id}))

    def add_track(self, order_id: int, shipment_id: int, track: Track) -> dict[str, Any]:
        """Add tracking to an existing shipment of the order; returns the saved track (with its entity_id).

        Not safe to repeat: a second call adds a second, identical track.
        """
        entity = {"order_id": order_id, "parent_id": shipment_id, **track.to_magento()}
        return dict(self._client.call(ep.SHIPMENT_TRACK_ADD, body={"entity": entity}))

    def search_credit_memos(self, criteria: SearchCriteria) -> SearchResult:
        return self._search(ep.CREDIT_MEMOS_SEARCH, criteria)

    def get_credit_memo(self, credit_memo_id: int) -> dict[str, Any]:
        return dict(self._client.call(ep.CREDIT_MEMO_GET, {"id": credit_memo_id}))
