"""A stand-in for Cognito's hosted login (managed login) and its OAuth endpoints, over moto's user pool.

moto has the users, groups and tokens but no hosted UI; this serves what a browser meets in AWS:
`GET /oauth2/authorize` (the login page), `POST /login`, `POST /oauth2/token` (authorization code with
PKCE, refresh token) and `GET /logout`, with the checks Cognito makes and moto skips: the client must exist
and allow the code flow and the scopes; `redirect_uri` and `logout_uri` must be registered exactly (else an
error page, never a redirect); a code is single-use, expires after 5 minutes, belongs to its client and
redirect URI, and is exchanged only with the verifier of its S256 challenge. Public clients must use PKCE
(stricter than Cognito, which leaves it optional: the console always sends it).
Cognito's endpoints: docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html,
token-endpoint.html, logout-endpoint.html.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

from botocore.exceptions import ClientError
from werkzeug.wrappers import Request, Response

from background_server import BackgroundServer
from local_stack.resources import boto_client

CODE_TTL_SECONDS = 300
_PAGE_STYLE = (
    "body{font:16px system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#1b1b1f}"
    "label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;font:inherit}"
    "button{margin-top:1rem;padding:.5rem 1rem;font:inherit;background:#0b57d0;color:#fff;border:0;border-radius:6px}"
    ".error{color:#a1161b}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_PAGE_STYLE.encode()).digest()).decode()
_PAGE_HEADERS = {
    # No form-action: the login form's answer redirects to the client's (other-origin) callback, which
    # form-action would block.
    "Content-Security-Policy": f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass
class _Authorization:
    client_id: str
    redirect_uri: str
    state: str | None
    scope: str
    challenge: str | None
    expires_at: float


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str | None
    tokens: dict[str, Any]
    expires_at: float
    used: bool = False


@dataclass
class HostedLogin:
    aws_endpoint: str
    pool_id: str
    require_pkce: bool = True
    clock: Any = time.time
    _requests: dict[str, _Authorization] = field(default_factory=dict)
    _codes: dict[str, _Code] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: BackgroundServer | None = None
    url: str = ""

    def start(self, host: str) -> str:
        self._server = BackgroundServer(self._wsgi, "hosted-login")
        self.url = self._server.start(host, 0)
        return self.url

    def stop(self) -> None:
        if self._server:
            self._server.stop()
            self._server = None

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        routes = {
            ("GET", "/oauth2/authorize"): self._authorize,
            ("GET", "/login"): self._authorize,
            ("POST", "/login"): self._login,
            ("POST", "/oauth2/token"): self._token,
            ("GET", "/logout"): self._logout,
        }
        handler = routes.get((request.method, request.path))
        response = handler(request) if handler else _page(404, "Not found", "<p>There is no such page.</p>")
        return response(environ, start_response)

    # ---------- helpers ----------
    def _client(self, client_id: str) -> dict[str, Any] | None:
        if not client_id:
            return None
        try:
            found: dict[str, Any] = boto_client("cognito-idp", self.aws_endpoint).describe_user_pool_client(
                UserPoolId=self.pool_id, ClientId=client_id
            )["UserPoolClient"]
        except ClientError:
            return None
        return found

    # ---------- GET /oauth2/authorize ----------
    def _authorize(self, request: Request) -> Response:
        args = request.args
        client = self._client(args.get("client_id", ""))
        if client is None:
            return _page(400, "Login failed", "<p class='error'>Unknown client_id.</p>")
        redirect_uri = args.get("redirect_uri", "")
        if redirect_uri not in client.get("CallbackURLs", []):
            # Cognito shows an error page (redirect_mismatch) and never redirects to an unregistered URL.
            return _page(
                400, "Login failed", "<p class='error'>redirect_mismatch: the redirect_uri is not registered.</p>"
            )
        state = args.get("state")

        def refuse(error: str, description: str) -> Response:
            query = {"error": error, "error_description": description, **({"state": state} if state else {})}
            return Response(status=302, headers={"Location": f"{redirect_uri}?{urlencode(query)}"})

        if args.get("response_type") != "code" or "code" not in client.get("AllowedOAuthFlows", []):
            return refuse("unsupported_response_type", "the client allows the authorization code flow only")
        scopes = set(args.get("scope", "openid").split())
        if not scopes <= set(client.get("AllowedOAuthScopes", [])):
            return refuse("invalid_scope", "a requested scope is not allowed for this client")
        challenge = args.get("code_challenge")
        if challenge is not None and args.get("code_challenge_method") != "S256":
            return refuse("invalid_request", "code_challenge_method must be S256")
        if challenge is None and self.require_pkce and "ClientSecret" not in client:
            return refuse("invalid_request", "a public client must use PKCE (code_challenge)")
        request_id = secrets.token_urlsafe(16)
        with self._lock:
            self._requests[request_id] = _Authorization(
                client["ClientId"], redirect_uri, state, " ".join(sorted(scopes)), challenge, self.clock() + 600
            )
        return _login_page(request_id)

    # ---------- POST /login ----------
    def _login(self, request: Request) -> Response:
        request_id = request.form.get("request", "")
        with self._lock:
            pending = self._requests.get(request_id)
        if pending is None or pending.expires_at < self.clock():
            return _page(400, "Login failed", "<p class='error'>This login page has expired: start again.</p>")
        cognito = boto_client("cognito-idp", self.aws_endpoint)
        try:
            answer = cognito.admin_initiate_auth(
                UserPoolId=self.pool_id,
                ClientId=pending.client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={
                    "USERNAME": request.form.get("username", ""),
                    "PASSWORD": request.form.get("password", ""),
                },
            )
        except ClientError:
            return _login_page(request_id, "Incorrect username or password.", status=400)
        if "AuthenticationResult" not in answer:
            challenge = answer.get("ChallengeName", "?")
            return _login_page(
                request_id, f"This login needs {challenge}, which the local stand-in does not serve.", 400
            )
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._requests.pop(request_id, None)
            self._codes[code] = _Code(
                pending.client_id,
                pending.redirect_uri,
                pending.challenge,
                answer["AuthenticationResult"],
                self.clock() + CODE_TTL_SECONDS,
            )
        query = {"code": code, **({"state": pending.state} if pending.state else {})}
        return Response(status=302, headers={"Location": f"{pending.redirect_uri}?{urlencode(query)}"})

    # ---------- POST /oauth2/token ----------
    def _token(self, request: Request) -> Response:
        form = request.form
        client = self._client(form.get("client_id", ""))
        if client is None:
            return self._token_error(request, "invalid_client", None)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._exchange_code(request, client)
        if grant == "refresh_token":
            try:
                answer = boto_client("cognito-idp", self.aws_endpoint).admin_initiate_auth(
                    UserPoolId=self.pool_id,
                    ClientId=client["ClientId"],
                    AuthFlow="REFRESH_TOKEN_AUTH",
                    AuthParameters={"REFRESH_TOKEN": form.get("refresh_token", "")},
                )
            except (ClientError, KeyError):
                return self._token_error(request, "invalid_grant", client)
            return self._tokens(request, client, answer["AuthenticationResult"])
        return self._token_error(request, "unsupported_grant_type", client)

    def _exchange_code(self, request: Request, client: dict[str, Any]) -> Response:
        form = request.form
        with self._lock:
            code = self._codes.get(form.get("code", ""))
            usable = code is not None and not code.used and code.expires_at >= self.clock()
            if code is not None:
                code.used = True  # single use, even when this attempt fails
        if code is None or not usable:
            return self._token_error(request, "invalid_grant", client)
        if code.client_id != client["ClientId"] or form.get("redirect_uri") != code.redirect_uri:
            return self._token_error(request, "invalid_grant", client)
        if code.challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not hmac.compare_digest(digest, code.challenge):
                return self._token_error(request, "invalid_grant", client)
        return self._tokens(request, client, code.tokens)

    def _tokens(self, request: Request, client: dict[str, Any], result: dict[str, Any]) -> Response:
        body = {
            "id_token": result["IdToken"],
            "access_token": result["AccessToken"],
            "expires_in": result.get("ExpiresIn", 3600),
            "token_type": "Bearer",
        }
        if result.get("RefreshToken"):
            body["refresh_token"] = result["RefreshToken"]
        return self._json(request, client, 200, body)

    def _token_error(self, request: Request, error: str, client: dict[str, Any] | None) -> Response:
        return self._json(request, client, 400, {"error": error})

    def _json(self, request: Request, client: dict[str, Any] | None, status: int, body: dict[str, Any]) -> Response:
        response = Response(json.dumps(body), status=status, content_type="application/json")
        response.headers["Cache-Control"] = "no-store"
        # The console's page calls the token endpoint from its own origin (a registered callback's origin).
        origin = request.headers.get("Origin", "")
        allowed = {_origin(u) for u in (client or {}).get("CallbackURLs", [])}
        if origin and origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        return response

    # ---------- GET /logout ----------
    def _logout(self, request: Request) -> Response:
        client = self._client(request.args.get("client_id", ""))
        logout_uri = request.args.get("logout_uri", "")
        if client is None or logout_uri not in client.get("LogoutURLs", []):
            return _page(400, "Logout failed", "<p class='error'>The logout_uri is not registered for this client.</p>")
        return Response(status=302, headers={"Location": logout_uri})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _page(status: int, title: str, body: str) -> Response:
    html = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_PAGE_STYLE}</style></head><body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers.update(_PAGE_HEADERS)
    return response


def _login_page(request_id: str, error: str = "", status: int = 200) -> Response:
    message = f"<p class='error' role='alert'>{escape(error)}</p>" if error else ""
    form = (
        f"{message}<form method='post' action='/login'>"
        f"<input type='hidden' name='request' value='{escape(request_id)}'>"
        "<label for='username'>Email</label>"
        "<input id='username' name='username' type='email' autocomplete='username' required>"
        "<label for='password'>Password</label><input id='password' name='password' type='password' "
        "autocomplete='current-password' required><button type='submit'>Sign in</button></form>"
    )
    return _page(status, "Sign in to the connector console", form)
