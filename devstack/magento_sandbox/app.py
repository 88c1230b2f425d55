"""The WSGI application: Magento's REST front controller in miniature, plus media files and `/_sandbox`.

Order of checks per REST call follows Magento's: route match (404 "Request does not match any route."),
authentication and ACL (401), body decoding and deserialisation against the data interfaces (400 with
Magento's setter / required / type messages), then the service call.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
import time
import traceback
from typing import Any
from urllib.parse import parse_qsl, unquote

from werkzeug.wrappers import Request, Response

from magento_sandbox import api_errors as err
from magento_sandbox import (
    catalog_routes,
    checkout_routes,
    directory,
    inventory_routes,
    sales_routes,
    stock_export_routes,
)
from magento_sandbox.config import SandboxConfig
from magento_sandbox.control_routes import ControlApi
from magento_sandbox.event_delivery import EventDelivery
from magento_sandbox.oauth import Authenticator
from magento_sandbox.php_types import PHP_TYPES, type_error_message
from magento_sandbox.routing import RequestContext, Route
from magento_sandbox.schema_validation import BodyProblem, deserialize_body, match_path
from magento_sandbox.search import apply_fields, parse_fields
from magento_sandbox.seed import seed
from magento_sandbox.state import STORE_CODES, RequestRecord, SandboxState

ROUTES: dict[tuple[str, str], Route] = {
    (r.method, r.template): r
    for r in [
        *catalog_routes.ROUTES,
        *inventory_routes.ROUTES,
        *checkout_routes.ROUTES,
        *sales_routes.ROUTES,
        *directory.ROUTES,
        *stock_export_routes.ROUTES,
    ]
}
_REST_PATH = re.compile(r"^(?:/index\.php)?/rest(?:/(?P<store>[^/]+))?(?P<api>/V1/.*)$")
_MEDIA_PREFIX = "/media/catalog/product"


def _json(payload: Any, status: int = 200) -> Response:
    body = "" if payload is None else json.dumps(payload)
    return Response(body, status=status, mimetype="application/json")


def _camel(name: str) -> str:
    # Magento names the missing setter after the key in UpperCamelCase (cart_id -> CartId).
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _body_error(problem: BodyProblem) -> err.MagentoApiError:
    field = problem.field.rsplit(".", 1)[-1]
    if problem.kind == "unknown_property":
        return err.bad_request(
            'Property "%1" does not have corresponding setter in class "%2".',
            [_camel(field), problem.php_class],
        )
    if problem.kind == "missing":
        return err.required(field)
    value = problem.value if isinstance(problem.value, str | int | float) else json.dumps(problem.value)
    # Magento re-raises the cast failure with its text already rendered (ServiceInputProcessor::process wraps
    # it in `new Phrase($e->getMessage())`), so the answer has no `parameters`; each nested data object on the
    # way adds 'Error occurred during "<property>" processing. ' in front (_createFromArray).
    prefix = "".join(f'Error occurred during "{name}" processing. ' for name in problem.within)
    expected = PHP_TYPES.get(problem.expected_type, problem.expected_type)
    return err.bad_request(prefix + type_error_message(str(value), expected))


# Where the sandbox stands in for static.adobeioevents.com (the Adobe I/O public keys of its deliveries).
ADOBE_KEYS_PREFIX = "/_adobe_io"


class SandboxApp:
    def __init__(self, config: SandboxConfig, state: SandboxState) -> None:
        self.config = config
        self.state = state
        self.authenticator = Authenticator(config)
        self.control = ControlApi(self)
        self.delivery = EventDelivery()
        state.listeners.append(self.delivery.submit)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        raw_uri = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path)
        raw_path, _, raw_query = raw_uri.partition("?")
        if raw_path.startswith("/_sandbox/"):
            response = self.control.dispatch(request, raw_path)
        elif raw_path.startswith(ADOBE_KEYS_PREFIX + "/"):
            pem = self.delivery.public_key_pem(raw_path.removeprefix(ADOBE_KEYS_PREFIX))
            response = Response(pem, mimetype="text/plain") if pem else Response("Not Found", status=404)
        elif raw_path.startswith(_MEDIA_PREFIX + "/"):
            response = self._media(unquote(raw_path[len(_MEDIA_PREFIX) :]))
        else:
            response = self._rest(request, raw_path, raw_query)
        return response(environ, start_response)

    def reset(self) -> None:
        """Back to the seed catalogue, forgetting orders, carts, events, faults and the request log."""
        with self.state.lock:
            fresh = SandboxState()
            seed(fresh)
            for name, value in vars(fresh).items():
                if name not in ("lock", "listeners"):
                    setattr(self.state, name, value)
            self.config.faults.clear()
            self.delivery.configure([])
            self.authenticator = Authenticator(self.config)

    def _media(self, file: str) -> Response:
        image = self.state.images.get(file)
        if image is None:
            return Response("Not Found", status=404, mimetype="text/plain")
        return Response(image, mimetype="image/png")

    def _rest(self, request: Request, raw_path: str, raw_query: str) -> Response:
        auth_kind = "guest"
        try:
            if self.config.latency_seconds:
                time.sleep(self.config.latency_seconds)
            fault = self._take_fault(request.method, raw_path)
            if fault is not None and fault.status and not fault.after_processing:
                return self._log(request, raw_path, self._fault_response(fault.status), auth_kind)
            match = _REST_PATH.match(raw_path)
            if match is None:
                raise err.no_route()
            store_code = match.group("store") or "default"
            if store_code not in STORE_CODES:
                raise err.bad_request("The store that was requested wasn't found. Verify the store and try again.")
            route, params, operation_body = self._route(request.method, match.group("api"))
            url = f"{request.scheme}://{request.host}{raw_path}" + (f"?{raw_query}" if raw_query else "")
            with self.state.lock:  # the nonce register is shared by the server's threads
                authenticated = self.authenticator.authenticate(request.method, url, dict(request.headers))
            auth_kind = self._auth_kind(request, authenticated)
            if route.resource is not None and not authenticated:
                raise err.not_authorized(route.resource)
            body = self._body(request, route, operation_body)
            args = parse_qsl(raw_query, keep_blank_values=True)
            ctx = RequestContext(self.state, self.config, params, args, body, store_code, request.host_url.rstrip("/"))
            with self.state.lock:
                result = route.handler(ctx)
            fields = ctx.arg("fields")
            if fields:
                result = apply_fields(result, parse_fields(fields))
            response = _json(result)
            if fault is not None and fault.after_processing and fault.answer_delay_seconds:
                # The change is made; the answer is late (a slow proxy, a caller that dies waiting for it).
                time.sleep(fault.answer_delay_seconds)
            if fault is not None and fault.status and fault.after_processing:
                response = self._fault_response(fault.status)
        except err.MagentoApiError as exc:
            if exc.status == 401 and auth_kind == "guest" and request.headers.get("Authorization"):
                auth_kind = "rejected"
            response = _json(exc.body(), exc.status)
        except Exception:  # any other failure is Magento's masked 500, with details for the developer
            traceback.print_exc(file=sys.stderr)
            response = self._fault_response(500)
        return self._log(request, raw_path, response, auth_kind)

    def _route(self, method: str, api_path: str) -> tuple[Route, dict[str, str], bool]:
        candidates = [(op, params) for op, params in match_path(api_path) if op.method == method]
        if not candidates:
            raise err.no_route()
        operation, params = candidates[0]
        route = ROUTES.get((method, operation.path_template))
        if route is None:
            raise err.MagentoApiError(
                501, "The Magento sandbox does not implement %1 %2.", [method, operation.path_template]
            )
        return route, params, operation.body_schema is not None

    @staticmethod
    def _auth_kind(request: Request, authenticated: bool) -> str:
        header = request.headers.get("Authorization", "")
        if not authenticated:
            return "rejected" if header else "guest"
        return "bearer" if header.startswith("Bearer ") else "oauth"

    @staticmethod
    def _body(request: Request, route: Route, has_body: bool) -> Any:
        if not has_body:
            return None
        # Magento picks the deserializer from Content-Type and refuses a request without one.
        content_type = request.mimetype
        if not content_type:
            raise err.bad_request("Content-Type header is empty.")
        if content_type != "application/json":
            raise err.bad_request("Server cannot understand Content-Type HTTP header media type %1", [content_type])
        raw = request.get_data()
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError as exc:
            raise err.bad_request("Decoding error.") from exc
        if not isinstance(body, dict):
            raise err.bad_request("Decoding error.")
        casted, problems = deserialize_body(route.method, route.template, body)
        if problems:
            raise _body_error(problems[0])
        return casted

    def _take_fault(self, method: str, path: str) -> Any:
        with self.state.lock:
            for fault in self.config.faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    break
            else:
                return None
        if fault.delay_seconds:
            time.sleep(fault.delay_seconds)
        return fault

    @staticmethod
    def _fault_response(status: int) -> Response:
        if status >= 500:
            report = secrets.token_hex(6)
            message = f"Internal Error. Details are available in Magento log file. Report ID: webapi-{report}"
            return _json({"message": message}, status)
        return _json({"message": "Injected sandbox fault."}, status)

    def _log(self, request: Request, raw_path: str, response: Response, auth_kind: str) -> Response:
        with self.state.lock:
            query = unquote(request.query_string.decode("latin-1"))
            self.state.requests.append(RequestRecord(request.method, raw_path, response.status_code, auth_kind, query))
        return response
