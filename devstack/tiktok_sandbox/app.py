"""The sandbox's WSGI application: gateway checks, API handlers, auth host, authorize page, control API."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from tiktok_sandbox import auth, codes
from tiktok_sandbox.audit import Auditor
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.config import SandboxConfig
from tiktok_sandbox.context import Ctx
from tiktok_sandbox.fulfillment import FulfillmentHandlers
from tiktok_sandbox.gate import (
    FaultInjector,
    RateLimiter,
    SignedRequest,
    check_cipher,
    check_scope,
    check_signature,
    check_token,
)
from tiktok_sandbox.orders import OrderLifecycle
from tiktok_sandbox.products import ProductHandlers
from tiktok_sandbox.returns import ReturnsLifecycle
from tiktok_sandbox.reverse_api import ReverseHandlers
from tiktok_sandbox.routes import ApiRoute, api_routes
from tiktok_sandbox.state import SandboxState
from tiktok_sandbox.webhooks import WebhookDispatcher

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
TOKEN_GET_PATH = "/api/v2/token/get"
AUTH_HOST_PATHS = frozenset({TOKEN_GET_PATH, "/api/v2/token/refresh"})


def request_id() -> str:
    return time.strftime("%Y%m%d%H%M%S") + secrets.token_hex(9).upper()


def envelope(
    code: int, message: str, data: Any = None, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message, "request_id": request_id()}
    if data is not None:
        body["data"] = data
    return Response(
        json.dumps(body, separators=(",", ":")), status=status, headers=headers, mimetype="application/json"
    )


def _error(exc: ApiError) -> Response:
    return envelope(exc.code, exc.message, status=exc.http_status, headers=exc.headers)


class SandboxCore:
    """All sandbox parts wired together; the server and the control API both hold one."""

    def __init__(self, config: SandboxConfig):
        self.config = config
        self.state = SandboxState(config)
        self.webhooks = WebhookDispatcher(config)
        self.orders = OrderLifecycle(self.state, self.webhooks)
        self.returns = ReturnsLifecycle(self.orders)
        self.auditor = Auditor(self.state, self.webhooks)
        self.products = ProductHandlers(self.auditor)
        self.fulfillment = FulfillmentHandlers(self.orders)
        self.rate_limiter = RateLimiter(config.rate_limit_qps, config.rate_limit_burst, config.rate_limit_retry_after)
        self.faults = FaultInjector(config.fault_timeout_seconds)
        self.latency = config.latency
        # Calls that passed the gate, per API route (what a test or a benchmark counts).
        self.calls_by_route: dict[str, int] = {}
        self._calls_lock = threading.Lock()
        self.base_url = ""
        self.control: Callable[[Request], Response] | None = None
        self._routes = {r.name: r for r in api_routes(self.products, self.fulfillment, ReverseHandlers(self.returns))}
        self._map = Map([Rule(r.rule, endpoint=r.name, methods=[r.method]) for r in self._routes.values()])

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/_sandbox/"):
            if self.control is None:
                return Response("control API not attached", status=404)
            return self.control(request)
        if self.latency > 0:
            time.sleep(self.latency)
        query = {k: request.args[k] for k in request.args}
        if path in AUTH_HOST_PATHS:
            return self._auth_host(request, path, query)
        try:
            if path == "/open/authorize":
                if request.method != "GET":
                    raise ApiError(codes.INVALID_METHOD, f"Invalid method {request.method} for {path}.", 405)
                location = auth.authorize_redirect(
                    self.state, query.get("service_id"), query.get("state"), query.get("decision")
                )
                return Response(status=302, headers={"Location": location})
            return self._api(request, path, query)
        except ApiError as exc:
            return _error(exc)

    def _auth_host(self, request: Request, path: str, query: dict[str, str]) -> Response:
        """Token get/refresh. Failures are HTTP 200 with `code != 0`: the auth host signals failure in the body,
        not by HTTP status (reference §1.5; EcomPHP/tiktokshop-php src/Auth.php checks `code !== 0` only)."""
        try:
            if request.method != "GET":
                raise ApiError(codes.INVALID_METHOD, f"Invalid method {request.method} for {path}.")
            handler = auth.token_get if path == TOKEN_GET_PATH else auth.token_refresh
            return envelope(0, "success", handler(self.state, query))
        except ApiError as exc:
            return envelope(exc.code, exc.message, status=200)

    def _api(self, request: Request, path: str, query: dict[str, str]) -> Response:
        adapter = self._map.bind("sandbox")
        try:
            name, params = adapter.match(path, method=request.method)
        except MethodNotAllowed:
            raise ApiError(codes.INVALID_METHOD, f"Invalid method {request.method} for {path}.", 405) from None
        except NotFound:
            raise ApiError(codes.INVALID_PATH, f"Invalid path {path}.", 404) from None
        route = self._routes[str(name)]
        answer_delay = self.faults.apply(path)
        content_type = request.mimetype
        if route.multipart:
            if content_type != "multipart/form-data":
                raise ApiError(codes.WRONG_CONTENT_TYPE, "Content-Type must be multipart/form-data.", 400)
            raw = b""
        else:
            raw = request.get_data(cache=False)
            if request.method in ("POST", "PUT") and content_type != "application/json":
                raise ApiError(codes.WRONG_CONTENT_TYPE, "Content-Type must be application/json.", 400)
        check_signature(
            self.state,
            SignedRequest(path, query, raw, route.multipart, request.headers.get("x-tts-access-token")),
        )
        grant = check_token(self.state, request.headers.get("x-tts-access-token"))
        shop = check_cipher(self.state, grant, query.get("shop_cipher"), route.cipher)
        check_scope(grant, route.scope, path)
        owner = shop.id if shop is not None else ",".join(sorted(grant.shop_ids))
        self.rate_limiter.check(f"{self.config.app_key}|{owner}|{route.name}")
        with self._calls_lock:
            self.calls_by_route[route.name] = self.calls_by_route.get(route.name, 0) + 1
        ctx = Ctx(
            state=self.state,
            webhooks=self.webhooks,
            grant=grant,
            shop_or_none=shop,
            query=query,
            body=self._json_body(raw),
            form={k: request.form[k] for k in request.form} if route.multipart else {},
            files=dict(request.files) if route.multipart else {},
            params={k: str(v) for k, v in params.items()},
            base_url=self.base_url,
        )
        answer = envelope(0, "Success", self._call(route, ctx))
        if answer_delay:
            time.sleep(answer_delay)
        return answer

    @staticmethod
    def _call(route: ApiRoute, ctx: Ctx) -> dict[str, Any]:
        return route.handler(ctx)

    @staticmethod
    def _json_body(raw: bytes) -> dict[str, Any]:
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise ApiError(codes.INVALID_CREDENTIAL, "The request body is not valid JSON.", 400) from None
        if not isinstance(body, dict):
            raise ApiError(codes.INVALID_CREDENTIAL, "The request body must be a JSON object.", 400)
        return body
