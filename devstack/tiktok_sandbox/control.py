"""Control API: what tests (and the local stack) do to the sandbox that a seller, buyer or TikTok would do.

Every control is a Python method on `SandboxControls` (inherited by `TikTokSandbox`) and also reachable over
HTTP under `/_sandbox/...` with JSON bodies (see `HTTP_ROUTES`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from tiktok_sandbox import auth, update_journal
from tiktok_sandbox.app import SandboxCore
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.order_api import order_json
from tiktok_sandbox.pricing import OrderCharges
from tiktok_sandbox.products import product_json


class SandboxControls:
    core: SandboxCore

    # --- authorization -------------------------------------------------------------------------------
    def authorize_url(self, state: str | None = None) -> str:
        params = {"service_id": self.core.config.service_id}
        if state is not None:
            params["state"] = state
        return f"{self.core.base_url}/open/authorize?{urlencode(params)}"

    def set_next_authorize_decision(self, decision: str) -> None:
        """ "approve" or "deny" for the next visit to the authorize page."""
        if decision not in ("approve", "deny"):
            raise ValueError("decision must be approve or deny")
        with self.core.state.lock:
            self.core.state.next_authorize_decisions.append(decision)

    def issue_tokens(self, shop_ids: list[str] | None = None) -> dict[str, Any]:
        """Shortcut for a completed authorization: the token response TikTok would return."""
        grant = auth.issue_grant(self.core.state, set(shop_ids) if shop_ids is not None else None)
        return auth.token_json(self.core.state, grant)

    def expire_access_token(self, access_token: str | None = None) -> int:
        return auth.expire_access_token(self.core.state, access_token)

    def set_scopes(self, scopes: list[str]) -> None:
        auth.set_scopes(self.core.state, set(scopes))

    def deauthorize_shop(self, shop_id: str) -> None:
        """The seller removed the app: the shop's cipher stops working and webhook 6 is sent."""
        with self.core.state.lock:
            self.core.state.shop(shop_id)
            self.core.state.deauthorized_shops.add(shop_id)
        self.core.webhooks.emit(
            6, shop_id, {"message": f"Shop_id {shop_id} is deauthorized from your APP by merchant."}
        )

    def warn_authorization_expiry(self, shop_id: str, expiration_time: int | None = None) -> None:
        """Webhook 7, which TikTok sends 30 days before the authorization lapses."""
        expires = expiration_time or int(time.time()) + 30 * 24 * 3600
        self.core.webhooks.emit(
            7,
            shop_id,
            {
                "message": "Your authorization will expire soon. Please re-authorize.",
                "expiration_time": str(expires),
            },
        )

    # --- gateway behaviour ---------------------------------------------------------------------------
    def inject_fault(self, kind: str, count: int = 1, path_prefix: str | None = None) -> None:
        """kind: http_500, http_503, internal_error (HTTP 200 + 36009003), timeout, rate_limit (429), slow_answer
        (processed, answered `fault_timeout_seconds` late)."""
        self.core.faults.add(kind, count, path_prefix)

    def clear_faults(self) -> None:
        self.core.faults.clear()

    def set_rate_limit(self, qps: float, burst: float | None = None) -> None:
        self.core.rate_limiter.configure(qps, burst if burst is not None else qps)

    def rate_limit_stats(self) -> dict[str, int]:
        return {"allowed": self.core.rate_limiter.allowed, "throttled": self.core.rate_limiter.throttled}

    def set_latency(self, seconds: float) -> None:
        self.core.latency = seconds

    def route_calls(self) -> dict[str, int]:
        """Calls that passed the gate, per API route name (e.g. create_product, upload_image)."""
        with self.core._calls_lock:
            return dict(self.core.calls_by_route)

    # --- products ------------------------------------------------------------------------------------
    def complete_audit(self, product_id: str, *, approve: bool = True, reasons: list[str] | None = None) -> None:
        self.core.auditor.complete(product_id, approve=approve, reasons=reasons)

    def fail_next_audits(self, reasons: list[str], count: int = 1) -> None:
        """The next `count` automatic audits fail with `reasons`."""
        with self.core.state.lock:
            self.core.state.audit_outcomes.extend([list(reasons)] * count)

    def product(self, product_id: str) -> dict[str, Any]:
        with self.core.state.lock:
            return product_json(self.core.state.products[product_id])

    def update_log(self, since: float = 0.0) -> list[dict[str, Any]]:
        """Accepted Update Price / Update Inventory calls since `since` (Unix seconds), oldest first."""
        return update_journal.entries(self.core.state, since)

    # --- orders --------------------------------------------------------------------------------------
    def place_order(
        self,
        shop_id: str,
        items: list[tuple[str, int]],
        *,
        shipping_type: str = "SELLER",
        buyer_message: str = "",
        **charges: str,
    ) -> dict[str, Any]:
        """`charges` (string decimals): shipping_fee (before shipping discounts), shipping_fee_seller_discount,
        shipping_fee_platform_discount, seller_discount and platform_discount (on products, spread over the
        line items), tax (product tax) and shipping_fee_tax."""
        order = self.core.orders.place(
            shop_id,
            items,
            shipping_type=shipping_type,
            charges=OrderCharges.parse(charges),
            buyer_message=buyer_message,
        )
        return self.order(order.id)

    def order(self, order_id: str) -> dict[str, Any]:
        with self.core.state.lock:
            order = self.core.orders.get(order_id)
            return order_json(order, self.core.state.shop(order.shop_id))

    def pay_order(self, order_id: str, *, on_hold: bool = False) -> dict[str, Any]:
        self.core.orders.pay(order_id, on_hold=on_hold)
        return self.order(order_id)

    def update_recipient_address(self, order_id: str, **changes: Any) -> dict[str, Any]:
        """The buyer changes the address before shipment (webhook 3); `changes` are recipient_address fields."""
        self.core.orders.update_address(order_id, changes)
        return self.order(order_id)

    def release_hold(self, order_id: str) -> dict[str, Any]:
        self.core.orders.release_hold(order_id)
        return self.order(order_id)

    def arrange_shipment(self, order_id: str) -> dict[str, Any]:
        self.core.orders.arrange_shipment(order_id)
        return self.order(order_id)

    def ship_order(self, order_id: str) -> dict[str, Any]:
        """Ship everything still open (Seller Center for seller shipping; pick-up + collection for TikTok)."""
        self.core.orders.ship(order_id)
        return self.order(order_id)

    def carrier_collect(self, order_id: str) -> dict[str, Any]:
        self.core.orders.carrier_collect(order_id)
        return self.order(order_id)

    def deliver_order(self, order_id: str) -> dict[str, Any]:
        self.core.orders.deliver(order_id)
        return self.order(order_id)

    def complete_order(self, order_id: str) -> dict[str, Any]:
        self.core.orders.complete(order_id)
        return self.order(order_id)

    def cancel_order(
        self,
        order_id: str,
        *,
        initiator: str = "BUYER",
        reason: str = "No longer needed",
        line_item_ids: list[str] | None = None,
    ) -> str:
        """Returns the cancel_id."""
        return self.core.returns.cancel_order(
            order_id, initiator=initiator, reason=reason, line_item_ids=line_item_ids
        ).id

    def request_cancellation(self, order_id: str, *, reason: str = "No longer needed") -> str:
        """The buyer asks to cancel an order awaiting shipment (webhook 11, pending); returns the cancel_id."""
        return self.core.returns.request_cancellation(order_id, reason=reason).id

    def open_return(
        self,
        order_id: str,
        *,
        line_item_ids: list[str] | None = None,
        return_type: str = "RETURN_AND_REFUND",
        refund_amount: str | None = None,
        reason: str = "Item not as described",
    ) -> str:
        """Returns the return_id; `refund_amount` below the items' total makes it a partial refund."""
        return self.core.returns.open_return(
            order_id,
            line_item_ids=line_item_ids,
            return_type=return_type,
            refund_amount=refund_amount,
            reason=reason,
        ).id

    def set_return_status(self, return_id: str, status: str) -> None:
        self.core.returns.set_return_status(return_id, status)

    def complete_return(self, return_id: str) -> None:
        self.core.returns.complete_return(return_id)

    # --- webhooks ------------------------------------------------------------------------------------
    def webhook_log(self) -> list[dict[str, Any]]:
        return self.core.webhooks.log()

    def send_duplicate_webhooks(self, count: int = 1) -> None:
        self.core.webhooks.send_duplicates(count)

    def hold_webhooks(self) -> None:
        self.core.webhooks.hold()

    def release_webhooks(self, *, shuffle: bool = False) -> None:
        self.core.webhooks.release(shuffle=shuffle)

    def wait_for_webhooks(self, timeout: float = 10.0) -> bool:
        return self.core.webhooks.wait_idle(timeout)


def _int_list(value: Any) -> list[str] | None:
    return [str(v) for v in value] if value else None


ControlHandler = Callable[[SandboxControls, dict[str, Any], dict[str, str]], Any]

HTTP_ROUTES: list[tuple[str, str, ControlHandler]] = [
    ("POST", "/_sandbox/authorize/decision", lambda c, b, p: c.set_next_authorize_decision(b["decision"])),
    ("POST", "/_sandbox/tokens", lambda c, b, p: c.issue_tokens(_int_list(b.get("shop_ids")))),
    (
        "POST",
        "/_sandbox/tokens/expire",
        lambda c, b, p: {"expired": c.expire_access_token(b.get("access_token"))},
    ),
    ("POST", "/_sandbox/scopes", lambda c, b, p: c.set_scopes(list(b["scopes"]))),
    ("POST", "/_sandbox/shops/<shop_id>/deauthorize", lambda c, b, p: c.deauthorize_shop(p["shop_id"])),
    (
        "POST",
        "/_sandbox/shops/<shop_id>/authorization-expiry",
        lambda c, b, p: c.warn_authorization_expiry(p["shop_id"], b.get("expiration_time")),
    ),
    (
        "POST",
        "/_sandbox/faults",
        lambda c, b, p: c.inject_fault(b["kind"], int(b.get("count", 1)), b.get("path_prefix")),
    ),
    ("DELETE", "/_sandbox/faults", lambda c, b, p: c.clear_faults()),
    ("POST", "/_sandbox/rate-limit", lambda c, b, p: c.set_rate_limit(float(b["qps"]), b.get("burst"))),
    ("GET", "/_sandbox/rate-limit", lambda c, b, p: c.rate_limit_stats()),
    ("GET", "/_sandbox/route-calls", lambda c, b, p: c.route_calls()),
    ("POST", "/_sandbox/latency", lambda c, b, p: c.set_latency(float(b["seconds"]))),
    ("GET", "/_sandbox/products/<product_id>", lambda c, b, p: c.product(p["product_id"])),
    ("GET", "/_sandbox/updates", lambda c, b, p: c.update_log()),
    (
        "POST",
        "/_sandbox/products/<product_id>/audit",
        lambda c, b, p: c.complete_audit(
            p["product_id"], approve=bool(b.get("approve", True)), reasons=b.get("reasons")
        ),
    ),
    (
        "POST",
        "/_sandbox/audits/fail-next",
        lambda c, b, p: c.fail_next_audits(list(b["reasons"]), int(b.get("count", 1))),
    ),
    (
        "POST",
        "/_sandbox/orders",
        lambda c, b, p: c.place_order(
            str(b.pop("shop_id")),
            [(str(i["sku_id"]), int(i.get("quantity", 1))) for i in b.pop("items")],
            shipping_type=str(b.pop("shipping_type", "SELLER")),
            buyer_message=str(b.pop("buyer_message", "")),
            **{k: str(v) for k, v in b.items()},
        ),
    ),
    ("GET", "/_sandbox/orders/<order_id>", lambda c, b, p: c.order(p["order_id"])),
    (
        "POST",
        "/_sandbox/orders/<order_id>/pay",
        lambda c, b, p: c.pay_order(p["order_id"], on_hold=bool(b.get("on_hold"))),
    ),
    ("POST", "/_sandbox/orders/<order_id>/release-hold", lambda c, b, p: c.release_hold(p["order_id"])),
    ("POST", "/_sandbox/orders/<order_id>/address", lambda c, b, p: c.update_recipient_address(p["order_id"], **b)),
    (
        "POST",
        "/_sandbox/orders/<order_id>/arrange-shipment",
        lambda c, b, p: c.arrange_shipment(p["order_id"]),
    ),
    ("POST", "/_sandbox/orders/<order_id>/collect", lambda c, b, p: c.carrier_collect(p["order_id"])),
    ("POST", "/_sandbox/orders/<order_id>/ship", lambda c, b, p: c.ship_order(p["order_id"])),
    ("POST", "/_sandbox/orders/<order_id>/deliver", lambda c, b, p: c.deliver_order(p["order_id"])),
    ("POST", "/_sandbox/orders/<order_id>/complete", lambda c, b, p: c.complete_order(p["order_id"])),
    (
        "POST",
        "/_sandbox/orders/<order_id>/cancel",
        lambda c, b, p: {
            "cancel_id": c.cancel_order(
                p["order_id"],
                initiator=b.get("initiator", "BUYER"),
                reason=b.get("reason", "No longer needed"),
                line_item_ids=_int_list(b.get("line_item_ids")),
            )
        },
    ),
    (
        "POST",
        "/_sandbox/orders/<order_id>/cancellation-request",
        lambda c, b, p: {
            "cancel_id": c.request_cancellation(p["order_id"], reason=b.get("reason", "No longer needed"))
        },
    ),
    (
        "POST",
        "/_sandbox/orders/<order_id>/returns",
        lambda c, b, p: {
            "return_id": c.open_return(
                p["order_id"],
                line_item_ids=_int_list(b.get("line_item_ids")),
                return_type=b.get("return_type", "RETURN_AND_REFUND"),
                refund_amount=b.get("refund_amount"),
            )
        },
    ),
    (
        "POST",
        "/_sandbox/returns/<return_id>/status",
        lambda c, b, p: c.set_return_status(p["return_id"], b["status"]),
    ),
    ("POST", "/_sandbox/returns/<return_id>/complete", lambda c, b, p: c.complete_return(p["return_id"])),
    ("GET", "/_sandbox/webhooks", lambda c, b, p: c.webhook_log()),
    (
        "POST",
        "/_sandbox/webhooks/duplicates",
        lambda c, b, p: c.send_duplicate_webhooks(int(b.get("count", 1))),
    ),
    ("POST", "/_sandbox/webhooks/hold", lambda c, b, p: c.hold_webhooks()),
    (
        "POST",
        "/_sandbox/webhooks/release",
        lambda c, b, p: c.release_webhooks(shuffle=bool(b.get("shuffle"))),
    ),
]


def control_app(controls: SandboxControls) -> Callable[[Request], Response]:
    handlers = {f"{method} {rule}": handler for method, rule, handler in HTTP_ROUTES}
    url_map = Map([Rule(rule, endpoint=f"{method} {rule}", methods=[method]) for method, rule, _ in HTTP_ROUTES])

    def handle(request: Request) -> Response:
        try:
            endpoint, params = url_map.bind("sandbox").match(request.path, method=request.method)
        except (NotFound, MethodNotAllowed) as exc:
            return _json({"error": f"unknown control route {request.method} {request.path}"}, exc.code or 404)
        try:
            body = json.loads(request.get_data() or b"{}")
            result = handlers[str(endpoint)](controls, body, {k: str(v) for k, v in params.items()})
        except ApiError as exc:
            return _json({"error": exc.message, "code": exc.code}, exc.http_status if exc.http_status >= 400 else 400)
        except (KeyError, ValueError, TypeError) as exc:
            return _json({"error": f"bad control request: {exc!r}"}, 400)
        return _json(result if result is not None else {"ok": True}, 200)

    return handle


def _json(body: Any, status: int) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")
