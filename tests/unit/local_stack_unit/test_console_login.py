"""The local stack's Cognito authorizer (checks as API Gateway makes them) and the hosted-login stand-in.

moto runs as a server on loopback: it holds the pools and signs the tokens, as in the local stack.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from moto.server import ThreadedMotoServer

from local_stack.cognito import (
    CognitoAuthorizer,
    LocalUser,
    Unauthorized,
    claims_as_api_gateway_passes_them,
    create_local_users,
)
from local_stack.hosted_login import HostedLogin
from local_stack.resources import boto_client
from local_stack.stack import free_port

CALLBACK = "http://127.0.0.1:3000/console/"
USER = LocalUser("operator@example.com", "Local-Password-123", "operator")


@dataclass
class Pool:
    endpoint: str
    pool_id: str
    client_id: str

    def tokens(self, user: LocalUser = USER) -> dict[str, Any]:
        result: dict[str, Any] = boto_client("cognito-idp", self.endpoint).admin_initiate_auth(
            UserPoolId=self.pool_id,
            ClientId=self.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
        )["AuthenticationResult"]
        return result


def _pool(endpoint: str, name: str) -> Pool:
    cognito = boto_client("cognito-idp", endpoint)
    pool_id = cognito.create_user_pool(PoolName=name, UsernameAttributes=["email"])["UserPool"]["Id"]
    cognito.create_group(GroupName="operator", UserPoolId=pool_id)
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="console",
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        CallbackURLs=[CALLBACK],
        LogoutURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    create_local_users(endpoint, pool_id, [USER])
    return Pool(endpoint, pool_id, client["ClientId"])


@pytest.fixture(scope="module")
def pools() -> Iterator[tuple[Pool, Pool]]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        yield _pool(endpoint, "console"), _pool(endpoint, "another")
    finally:
        server.stop()


def authorizer(pool: Pool, clock: Any = time.time) -> CognitoAuthorizer:
    return CognitoAuthorizer(pool.endpoint, pool.pool_id, {pool.client_id}, clock=clock)


# ---------- the token checks API Gateway makes ----------
def test_a_good_id_token_passes_with_its_claims(pools: tuple[Pool, Pool]) -> None:
    pool, _ = pools
    claims = authorizer(pool).claims(pool.tokens()["IdToken"])

    assert claims["token_use"] == "id" and claims["aud"] == pool.client_id
    assert claims["email"] == USER.username and claims["cognito:groups"] == ["operator"]


def test_an_expired_token_is_refused(pools: tuple[Pool, Pool]) -> None:
    pool, _ = pools
    token = pool.tokens()["IdToken"]
    with pytest.raises(Unauthorized, match="expired"):
        authorizer(pool, clock=lambda: time.time() + 3601).claims(token)


def test_a_token_of_another_pool_is_refused(pools: tuple[Pool, Pool]) -> None:
    pool, other = pools
    with pytest.raises(Unauthorized, match="another user pool"):
        authorizer(pool).claims(other.tokens()["IdToken"])


def test_an_access_token_where_an_id_token_is_expected_is_refused(pools: tuple[Pool, Pool]) -> None:
    pool, _ = pools
    with pytest.raises(Unauthorized, match="token_use 'access'"):
        authorizer(pool).claims(pool.tokens()["AccessToken"])


def test_a_token_for_no_client_of_the_pool_is_refused(pools: tuple[Pool, Pool]) -> None:
    pool, _ = pools
    strict = CognitoAuthorizer(pool.endpoint, pool.pool_id, {"some-other-client"})
    with pytest.raises(Unauthorized, match="audience"):
        strict.claims(pool.tokens()["IdToken"])


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_tampered_token_is_refused(pools: tuple[Pool, Pool]) -> None:
    pool, _ = pools
    header, payload, signature = pool.tokens()["IdToken"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["cognito:groups"] = ["operator", "admin"]
    with pytest.raises(Unauthorized, match="badly signed"):
        authorizer(pool).claims(f"{header}.{_b64(claims)}.{signature}")
    with pytest.raises(Unauthorized):
        authorizer(pool).claims(f"{_b64({'alg': 'none'})}.{_b64(claims)}.")
    for garbage in ("", "Bearer", "not.a.jwt"):
        with pytest.raises(Unauthorized):
            authorizer(pool).claims(garbage)


def test_claims_reach_the_function_as_strings_like_api_gateway_passes_them() -> None:
    passed = claims_as_api_gateway_passes_them(
        {"cognito:groups": ["operator", "viewer"], "exp": 1_800_000_000, "email_verified": True, "sub": "abc"}
    )

    assert passed == {
        "cognito:groups": "operator,viewer",
        "exp": "Fri Jan 15 08:00:00 UTC 2027",
        "email_verified": "true",
        "sub": "abc",
    }


# ---------- the hosted-login stand-in ----------
@pytest.fixture(scope="module")
def login(pools: tuple[Pool, Pool]) -> Iterator[tuple[HostedLogin, Pool]]:
    pool, _ = pools
    stand_in = HostedLogin(pool.endpoint, pool.pool_id)
    stand_in.start("127.0.0.1")
    try:
        yield stand_in, pool
    finally:
        stand_in.stop()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def authorize(stand_in: HostedLogin, pool: Pool, **overrides: str) -> requests.Response:
    params = {
        "response_type": "code",
        "client_id": pool.client_id,
        "redirect_uri": CALLBACK,
        "scope": "openid email",
        "state": "st-1",
        "code_challenge": pkce()[1],
        "code_challenge_method": "S256",
    } | overrides
    params = {k: v for k, v in params.items() if v != ""}
    return requests.get(f"{stand_in.url}/oauth2/authorize", params=params, allow_redirects=False, timeout=10)


def sign_in(stand_in: HostedLogin, page: requests.Response, password: str = USER.password) -> requests.Response:
    request_id = re.search(r"name='request' value='([^']+)'", page.text)
    assert request_id, page.text
    return requests.post(
        f"{stand_in.url}/login",
        data={"request": request_id.group(1), "username": USER.username, "password": password},
        allow_redirects=False,
        timeout=10,
    )


def code_for(stand_in: HostedLogin, pool: Pool, challenge: str) -> str:
    answer = sign_in(stand_in, authorize(stand_in, pool, code_challenge=challenge))
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["st-1"]
    return query["code"][0]


def exchange(stand_in: HostedLogin, pool: Pool, **fields: str) -> requests.Response:
    data = {"grant_type": "authorization_code", "client_id": pool.client_id, "redirect_uri": CALLBACK} | fields
    return requests.post(
        f"{stand_in.url}/oauth2/token", data=data, headers={"Origin": "http://127.0.0.1:3000"}, timeout=10
    )


def test_code_with_pkce_gives_tokens_once(login: tuple[HostedLogin, Pool]) -> None:
    stand_in, pool = login
    verifier, challenge = pkce()
    code = code_for(stand_in, pool, challenge)

    tokens = exchange(stand_in, pool, code=code, code_verifier=verifier)
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert {"id_token", "access_token", "refresh_token", "expires_in"} <= set(body)
    assert tokens.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:3000"
    assert authorizer(pool).claims(body["id_token"])["email"] == USER.username

    again = exchange(stand_in, pool, code=code, code_verifier=verifier)
    assert again.status_code == 400 and again.json() == {"error": "invalid_grant"}

    refreshed = requests.post(
        f"{stand_in.url}/oauth2/token",
        data={"grant_type": "refresh_token", "client_id": pool.client_id, "refresh_token": body["refresh_token"]},
        timeout=10,
    )
    assert refreshed.status_code == 200 and "refresh_token" not in refreshed.json()
    assert authorizer(pool).claims(refreshed.json()["id_token"])["token_use"] == "id"


@pytest.mark.parametrize(
    "change",
    [
        {"code_verifier": "the-wrong-verifier-" + "x" * 30},
        {"code_verifier": ""},
        {"redirect_uri": "http://127.0.0.1:3000/elsewhere/"},
    ],
    ids=["wrong verifier", "no verifier", "other redirect_uri"],
)
def test_a_code_is_refused_without_its_verifier_or_redirect(
    login: tuple[HostedLogin, Pool], change: dict[str, str]
) -> None:
    stand_in, pool = login
    verifier, challenge = pkce()
    code = code_for(stand_in, pool, challenge)

    refused = exchange(stand_in, pool, code=code, **({"code_verifier": verifier} | change))
    assert refused.status_code == 400 and refused.json() == {"error": "invalid_grant"}
    # The failed attempt used the code up: the right verifier cannot redeem it afterwards.
    assert exchange(stand_in, pool, code=code, code_verifier=verifier).status_code == 400


def test_an_unregistered_redirect_uri_gets_an_error_page_never_a_redirect(login: tuple[HostedLogin, Pool]) -> None:
    stand_in, pool = login
    for uri in ("https://evil.example/console/", "http://127.0.0.1:3000/console", CALLBACK + "?x=1"):
        page = authorize(stand_in, pool, redirect_uri=uri)
        assert page.status_code == 400 and "Location" not in page.headers and "redirect_mismatch" in page.text


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": "", "code_challenge_method": ""}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "openid aws.cognito.signin.user.admin"}, "invalid_scope"),
    ],
)
def test_flow_errors_go_back_to_the_registered_redirect(
    login: tuple[HostedLogin, Pool], overrides: dict[str, str], error: str
) -> None:
    stand_in, pool = login
    answer = authorize(stand_in, pool, **overrides)

    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    assert parse_qs(location.query)["error"] == [error] and parse_qs(location.query)["state"] == ["st-1"]


def test_a_wrong_password_stays_on_the_login_page(login: tuple[HostedLogin, Pool]) -> None:
    stand_in, pool = login
    answer = sign_in(stand_in, authorize(stand_in, pool), password="not-it")
    assert answer.status_code == 400 and "Incorrect username or password." in answer.text


def test_unknown_clients_and_logout_uris_are_refused(login: tuple[HostedLogin, Pool]) -> None:
    stand_in, pool = login
    assert authorize(stand_in, pool, client_id="nobody").status_code == 400
    out = requests.get(
        f"{stand_in.url}/logout",
        params={"client_id": pool.client_id, "logout_uri": CALLBACK},
        allow_redirects=False,
        timeout=10,
    )
    assert out.status_code == 302 and out.headers["Location"] == CALLBACK
    evil = requests.get(
        f"{stand_in.url}/logout",
        params={"client_id": pool.client_id, "logout_uri": "https://evil.example/"},
        allow_redirects=False,
        timeout=10,
    )
    assert evil.status_code == 400 and "Location" not in evil.headers
    assert exchange(stand_in, pool, code="made-up", code_verifier="x").json() == {"error": "invalid_grant"}
