"""Who is calling: the Cognito claims API Gateway's authorizer checked and passed on, and what they may do.

API Gateway (REST, Cognito user pool authorizer) has already verified the ID token's signature, issuer
and expiry before the function runs; it passes the claims in `requestContext.authorizer.claims` with every
value as a string, lists such as `cognito:groups` joined with commas (or, on some integrations, as
`[a b]`). Writes need the `operator` group; `viewer` reads only; a user in neither group sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tts_connector.errors import AuthenticationError, ConnectorError


class Role(StrEnum):
    OPERATOR = "operator"
    VIEWER = "viewer"


class ForbiddenError(ConnectorError):
    code = "forbidden"
    http_status = 403


@dataclass(frozen=True)
class ConsoleUser:
    subject: str
    name: str
    role: Role

    @property
    def can_write(self) -> bool:
        return self.role is Role.OPERATOR


def parse_groups(value: Any) -> set[str]:
    if isinstance(value, list):
        return {str(v) for v in value}
    text = str(value or "").strip()
    if text.startswith("[") and text.endswith("]"):
        return {g for g in text[1:-1].replace(",", " ").split() if g}
    return {g.strip() for g in text.split(",") if g.strip()}


def user_from_claims(claims: dict[str, Any] | None) -> ConsoleUser:
    if not claims or claims.get("token_use") != "id":
        # Only reachable when the route is deployed without the authorizer: refuse rather than trust.
        raise AuthenticationError("This request carries no verified console login", hint="Log in again")
    groups = parse_groups(claims.get("cognito:groups"))
    if Role.OPERATOR.value in groups:
        role = Role.OPERATOR
    elif Role.VIEWER.value in groups:
        role = Role.VIEWER
    else:
        raise ForbiddenError(
            "Your login is not in the console's operator or viewer group",
            hint="Ask your administrator to add you: `aws cognito-idp admin-add-user-to-group --group-name viewer`",
        )
    name = str(claims.get("email") or claims.get("cognito:username") or claims.get("sub") or "")
    return ConsoleUser(subject=str(claims.get("sub", "")), name=name, role=role)


def require_operator(user: ConsoleUser) -> None:
    if not user.can_write:
        raise ForbiddenError(
            "Viewers can look but not change anything",
            hint="Ask your administrator to add you to the operator group",
        )
