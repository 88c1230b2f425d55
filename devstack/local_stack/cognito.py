"""The template's Cognito user pools in moto, the console's local users, and API Gateway's Cognito authorizer.

moto holds the pool, its groups and app client (created from template.yaml like every other resource)
and signs tokens with its pool keys; `CognitoAuthorizer` checks a request's token the way API Gateway's
COGNITO_USER_POOLS authorizer does before the function runs, and hands the claims on as API Gateway does.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from local_stack.resources import boto_client
from local_stack.template import REGION, SamTemplate

# CreateUserPool / CreateUserPoolClient take these template properties as they are (UserPoolName is PoolName).
_POOL_PROPERTIES = (
    "Policies",
    "AdminCreateUserConfig",
    "UsernameAttributes",
    "AutoVerifiedAttributes",
    "MfaConfiguration",
)
_CLIENT_PROPERTIES = (
    "ClientName",
    "GenerateSecret",
    "AllowedOAuthFlowsUserPoolClient",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "SupportedIdentityProviders",
    "CallbackURLs",
    "LogoutURLs",
    "ExplicitAuthFlows",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "IdTokenValidity",
    "AccessTokenValidity",
    "RefreshTokenValidity",
    "TokenValidityUnits",
)


@dataclass(frozen=True)
class LocalUser:
    username: str
    password: str
    group: str


def deployed_api_base(template: SamTemplate, physical: dict[str, Any]) -> str:
    """What `https://${ConnectorApi}.execute-api...amazonaws.com/${Stage}` resolves to locally."""
    api = next(iter(template.of_type("AWS::Serverless::Api")), None)
    api_id = physical[api]["Ref"] if api else "local"
    return f"https://{api_id}.execute-api.{REGION}.amazonaws.com/{template.stage()}"


def create_user_pools(template: SamTemplate, endpoint: str, physical: dict[str, Any], local_url: str) -> None:
    """Pools, groups, domains and app clients from the template; deployed API URLs become the local gateway's."""
    cognito = boto_client("cognito-idp", endpoint)
    api_base = deployed_api_base(template, physical)

    def localize(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(api_base, local_url)
        if isinstance(value, list):
            return [localize(v) for v in value]
        return value

    for logical_id, res in template.of_type("AWS::Cognito::UserPool").items():
        props = template.resolve(res.get("Properties", {}), physical)
        kwargs = {k: props[k] for k in _POOL_PROPERTIES if k in props}
        pool = cognito.create_user_pool(PoolName=props.get("UserPoolName", logical_id), **kwargs)["UserPool"]
        physical[logical_id] = {
            "Ref": pool["Id"],
            "Arn": pool["Arn"],
            "ProviderName": f"cognito-idp.{REGION}.amazonaws.com/{pool['Id']}",
            "ProviderURL": f"https://cognito-idp.{REGION}.amazonaws.com/{pool['Id']}",
        }
    for logical_id, res in template.of_type("AWS::Cognito::UserPoolGroup").items():
        props = template.resolve(res["Properties"], physical)
        cognito.create_group(
            GroupName=props["GroupName"], UserPoolId=props["UserPoolId"], Description=props.get("Description", "")
        )
        physical[logical_id] = {"Ref": props["GroupName"]}
    for logical_id, res in template.of_type("AWS::Cognito::UserPoolDomain").items():
        props = template.resolve(res["Properties"], physical)
        cognito.create_user_pool_domain(Domain=props["Domain"], UserPoolId=props["UserPoolId"])
        physical[logical_id] = {"Ref": props["Domain"]}
    for logical_id, res in template.of_type("AWS::Cognito::UserPoolClient").items():
        props = template.resolve(res["Properties"], physical)
        kwargs = {k: localize(props[k]) for k in _CLIENT_PROPERTIES if k in props}
        client = cognito.create_user_pool_client(UserPoolId=props["UserPoolId"], **kwargs)["UserPoolClient"]
        physical[logical_id] = {"Ref": client["ClientId"], "Name": client["ClientName"]}


def hosted_login_url(template: SamTemplate, physical: dict[str, Any]) -> str | None:
    """The deployed hosted login's base URL (`https://<domain>.auth.<region>.amazoncognito.com`), if any."""
    for logical_id in template.of_type("AWS::Cognito::UserPoolDomain"):
        return f"https://{physical[logical_id]['Ref']}.auth.{REGION}.amazoncognito.com"
    return None


def create_local_users(endpoint: str, pool_id: str, users: list[LocalUser]) -> None:
    """Users an administrator would create (`admin-create-user`), with a permanent password, in their group."""
    cognito = boto_client("cognito-idp", endpoint)
    for user in users:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=user.username,
            UserAttributes=[{"Name": "email", "Value": user.username}, {"Name": "email_verified", "Value": "true"}],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=user.username, Password=user.password, Permanent=True
        )
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=user.username, GroupName=user.group)


def local_password() -> str:
    # Meets the template's password policy (12+ characters, upper, lower, digit).
    return f"Local-{secrets.token_urlsafe(12)}-9a"


# ---------- API Gateway's COGNITO_USER_POOLS authorizer ----------
class Unauthorized(Exception):
    """API Gateway answers 401 {"message": "Unauthorized"}; the reason goes to the gateway's log only."""


class CognitoAuthorizer:
    """Checks an ID token like API Gateway: RS256 signature with the pool's keys, issuer, audience, use, expiry.

    `audience` is the pool's app clients: a token another pool (or no client of this one) issued is refused.
    """

    def __init__(self, aws_endpoint: str, pool_id: str, client_ids: set[str], clock: Any = time.time):
        self.pool_id = pool_id
        self.issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}"
        self.client_ids = client_ids
        self._jwks_url = f"{aws_endpoint}/{pool_id}/.well-known/jwks.json"
        self._keys: KeySet | None = None
        self._lock = threading.Lock()
        self._clock = clock

    def _key_set(self) -> KeySet:
        with self._lock:
            if self._keys is None:
                response = requests.get(self._jwks_url, timeout=10)
                response.raise_for_status()
                self._keys = KeySet.import_key_set(response.json())
            return self._keys

    def claims(self, header_value: str | None) -> dict[str, Any]:
        """The verified claims of the ID token in the Authorization header (the raw token, as API Gateway takes it)."""
        if not header_value:
            raise Unauthorized("no token")
        try:
            token = jwt.decode(header_value.strip(), self._key_set(), algorithms=["RS256"])
        except (JoseError, ValueError) as exc:
            raise Unauthorized(f"unreadable or badly signed token: {type(exc).__name__}") from exc
        claims = dict(token.claims)
        if claims.get("iss") != self.issuer:
            raise Unauthorized("issued by another user pool")
        if claims.get("token_use") != "id":
            raise Unauthorized(f"token_use {claims.get('token_use')!r} where an ID token is expected")
        if claims.get("aud") not in self.client_ids:
            raise Unauthorized("audience is not an app client of the pool")
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or exp <= self._clock():
            raise Unauthorized("expired")
        return claims


def claims_as_api_gateway_passes_them(claims: dict[str, Any]) -> dict[str, str]:
    """Every value a string: lists comma-joined, times as API Gateway prints them ("Fri Jul 29 18:52:53 UTC 2016")."""
    passed: dict[str, str] = {}
    for key, value in claims.items():
        if key in ("exp", "iat", "auth_time") and isinstance(value, int | float):
            passed[key] = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(value))
        elif isinstance(value, list):
            passed[key] = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            passed[key] = "true" if value else "false"
        elif isinstance(value, dict):
            passed[key] = json.dumps(value)
        else:
            passed[key] = str(value)
    return passed


def write_credentials(path: Path, console_url: str, login_url: str, users: list[LocalUser]) -> None:
    path.write_text(
        json.dumps({"console_url": console_url, "login_url": login_url, "users": [u.__dict__ for u in users]}, indent=2)
    )
    path.chmod(0o600)
