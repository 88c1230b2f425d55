"""An HTTP gateway that turns requests into API Gateway (REST, proxy integration) events.

Routes come from the template's Api events. The event has the shape API Gateway sends: single and
multi-value headers and query strings, path parameters, a request context with the stage and identity,
and the body as a string, base64-encoded when its content type is one of the API's binary media types,
so signatures over raw bytes verify exactly as in AWS.
"""

from __future__ import annotations

import base64
import fnmatch
import hmac
import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request, Response

from background_server import BackgroundServer
from local_stack.cognito import CognitoAuthorizer, Unauthorized, claims_as_api_gateway_passes_them
from local_stack.runtime import InvocationError, LambdaRuntime
from local_stack.template import ACCOUNT_ID, ApiRoute

ControlHandler = Callable[[Request, dict[str, str]], Response]


@dataclass(frozen=True)
class _CompiledRoute:
    route: ApiRoute
    pattern: re.Pattern[str]


def _compile(path: str) -> re.Pattern[str]:
    regex = ""
    for part in path.strip("/").split("/"):
        if part.startswith("{") and part.endswith("+}"):
            regex += f"/(?P<{part[1:-2]}>.+)"
        elif part.startswith("{") and part.endswith("}"):
            regex += f"/(?P<{part[1:-1]}>[^/]+)"
        elif part:
            regex += "/" + re.escape(part)
    return re.compile((regex or "/") + "/?$")


class Gateway:
    def __init__(
        self,
        runtime: LambdaRuntime,
        routes: Iterable[ApiRoute],
        *,
        stage: str,
        binary_media_types: list[str],
        admin_token: str,
        authorizers: dict[str, CognitoAuthorizer] | None = None,
        stage_variables: dict[str, str] | None = None,
    ):
        self._runtime = runtime
        # Literal segments win over parameters, as in API Gateway.
        self._routes = sorted(
            (_CompiledRoute(r, _compile(r.path)) for r in routes),
            key=lambda c: (c.route.path.count("{"), -len(c.route.path)),
        )
        self._stage = stage
        self._binary = binary_media_types
        self._admin_token = admin_token
        self._authorizers = authorizers or {}
        self._stage_variables = stage_variables or None
        self._controls: list[tuple[str, re.Pattern[str], ControlHandler]] = []
        self._http = BackgroundServer(self._wsgi, "gateway")

    def add_control(self, method: str, path: str, handler: ControlHandler) -> None:
        """Local-only routes under /_local (schedules, stack info); never part of the deployed API."""
        self._controls.append((method.upper(), _compile(path), handler))

    def start(self, host: str, port: int) -> str:
        return self._http.start(host, port)

    def stop(self) -> None:
        self._http.stop()

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        return self._dispatch(request)(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        for method, pattern, handler in self._controls:
            match = pattern.match(request.path)
            if match and method == request.method:
                return handler(request, match.groupdict())
        for compiled in self._routes:
            match = compiled.pattern.match(request.path)
            if match and compiled.route.method in (request.method, "ANY"):
                return self._invoke(compiled.route, match.groupdict(), request)
        # API Gateway answers unknown routes this way on an IAM-protected API.
        return _json(403, {"message": "Missing Authentication Token"})

    def _invoke(self, route: ApiRoute, path_params: dict[str, str], request: Request) -> Response:
        identity: dict[str, Any] = {
            "sourceIp": request.remote_addr or "127.0.0.1",
            "userAgent": request.user_agent.string,
        }
        authorizer: dict[str, Any] | None = None
        if route.authorizer:
            try:
                claims = self._authorizers[route.authorizer].claims(request.headers.get("Authorization"))
            except Unauthorized:
                # API Gateway's answer to a missing, expired, forged or wrong-pool token.
                return _json(401, {"message": "Unauthorized"})
            authorizer = {"claims": claims_as_api_gateway_passes_them(claims)}
        elif not route.public:
            supplied = request.headers.get("Authorization", "")
            if not supplied:
                return _json(403, {"message": "Missing Authentication Token"})
            if not hmac.compare_digest(supplied, f"Bearer {self._admin_token}"):
                return _json(403, {"message": "The security token included in the request is invalid."})
            identity |= {
                "caller": "local-admin",
                "user": "local-admin",
                "userArn": f"arn:aws:iam::{ACCOUNT_ID}:user/local-admin",
            }
        event = self._event(route, path_params, request, identity)
        if authorizer is not None:
            event["requestContext"]["authorizer"] = authorizer
        try:
            result = self._runtime.invoke(route.function, event)
        except InvocationError:
            return _json(502, {"message": "Internal server error"})
        return _to_response(result)

    def _event(
        self, route: ApiRoute, path_params: dict[str, str], request: Request, identity: dict[str, Any]
    ) -> dict[str, Any]:
        raw = request.get_data(cache=False)
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip()
        is_binary = any(fnmatch.fnmatch(content_type, t) for t in self._binary) if content_type else False
        body: str | None
        if not raw:
            body = None
        elif is_binary:
            body = base64.b64encode(raw).decode()
        else:
            body = raw.decode("utf-8", errors="replace")
        headers = dict(request.headers.items())
        multi_headers: dict[str, list[str]] = {}
        for k, v in request.headers.items():
            multi_headers.setdefault(k, []).append(v)
        query = {k: request.args.getlist(k)[-1] for k in request.args}
        multi_query = {k: request.args.getlist(k) for k in request.args}
        now = time.time()
        return {
            "resource": route.path,
            "path": request.path,
            "httpMethod": request.method,
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": query or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": path_params or None,
            "stageVariables": self._stage_variables,
            "requestContext": {
                "resourceId": "local",
                "resourcePath": route.path,
                "httpMethod": request.method,
                "extendedRequestId": str(uuid.uuid4()),
                "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
                "path": f"/{self._stage}{request.path}",
                "accountId": ACCOUNT_ID,
                "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
                "stage": self._stage,
                "domainPrefix": "local",
                "requestTimeEpoch": int(now * 1000),
                "requestId": str(uuid.uuid4()),
                "identity": identity,
                "domainName": request.host,
                "apiId": "local",
            },
            "body": body,
            "isBase64Encoded": is_binary and body is not None,
        }


def _to_response(result: Any) -> Response:
    if not isinstance(result, dict) or "statusCode" not in result:
        return _json(502, {"message": "Internal server error"})
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    response = Response(data, status=int(result["statusCode"]))
    for key, value in (result.get("headers") or {}).items():
        response.headers[key] = str(value)
    for key, values in (result.get("multiValueHeaders") or {}).items():
        response.headers.remove(key)
        for value in values:
            response.headers.add(key, str(value))
    return response


def _json(status: int, payload: Any) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")
