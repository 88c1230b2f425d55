"""Evaluating identity-based IAM policy statements the way IAM does for one principal in one account.

An explicit Deny wins, otherwise an Allow is needed, otherwise the request is implicitly denied
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). Action names
match case-insensitively and resources case-sensitively, both with the `*` and `?` wildcards
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
reference_policies_elements_resource.html). Conditions and policy variables are refused when a policy is
read, not silently ignored: nothing in template.yaml uses them, and supporting one means teaching this
module what it means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal


class UnsupportedPolicyError(ValueError):
    """A policy uses something the local evaluation does not implement, so it cannot be enforced faithfully."""


@dataclass(frozen=True)
class Statement:
    effect: Literal["Allow", "Deny"]
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_action: bool = False  # `actions` came from NotAction
    not_resource: bool = False  # `resources` came from NotResource
    source: str = ""  # "<PolicyName>#<index>" for logs and denial reasons

    def applies_to(self, action: str, resource: str | None) -> bool:
        """Whether this statement covers the action on the resource (None: the resource is not known)."""
        if any(_action_pattern(a).fullmatch(action) for a in self.actions) == self.not_action:
            return False
        if resource is None:
            # Without the request's resource only the action is checked; the log marks such decisions.
            return True
        return any(_resource_pattern(r).fullmatch(resource) for r in self.resources) != self.not_resource


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def evaluate(statements: Iterable[Statement], action: str, resource: str | None) -> Decision:
    allowed_by: Statement | None = None
    for statement in statements:
        if not statement.applies_to(action, resource):
            continue
        if statement.effect == "Deny":
            return Decision(False, f"with an explicit deny in an identity-based policy ({statement.source})")
        allowed_by = allowed_by or statement
    if allowed_by is None:
        return Decision(False, f"because no identity-based policy allows the {action} action")
    return Decision(True, f"allowed by {allowed_by.source}")


def statements_from_document(document: Any, policy_name: str) -> list[Statement]:
    """Statements of one resolved policy document (intrinsics already replaced by strings)."""
    if not isinstance(document, dict) or "Statement" not in document:
        raise UnsupportedPolicyError(f"{policy_name}: a policy document needs a Statement element")
    raw = document["Statement"]
    entries = raw if isinstance(raw, list) else [raw]
    return [_statement(entry, f"{policy_name}#{index}") for index, entry in enumerate(entries)]


def _statement(entry: Any, source: str) -> Statement:
    if not isinstance(entry, dict):
        raise UnsupportedPolicyError(f"{source}: a statement must be a mapping")
    unsupported = set(entry) - {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource"}
    if unsupported:
        raise UnsupportedPolicyError(
            f"{source}: {', '.join(sorted(unsupported))} is not evaluated by the local IAM proxy; "
            "teach devstack/local_stack/iam_evaluation.py what it means before using it"
        )
    effect = entry.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise UnsupportedPolicyError(f"{source}: Effect must be Allow or Deny, not {effect!r}")
    actions, not_action = _one_of(entry, "Action", "NotAction", source)
    resources, not_resource = _one_of(entry, "Resource", "NotResource", source)
    for resource in resources:
        if "${" in resource:
            raise UnsupportedPolicyError(f"{source}: policy variables ({resource}) are not evaluated locally")
    return Statement(effect, actions, resources, not_action, not_resource, source)


def _one_of(entry: dict[str, Any], name: str, negated: str, source: str) -> tuple[tuple[str, ...], bool]:
    if (name in entry) == (negated in entry):
        raise UnsupportedPolicyError(f"{source}: exactly one of {name} and {negated} is required")
    value = entry.get(name, entry.get(negated))
    values: Sequence[Any] = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) for v in values):
        raise UnsupportedPolicyError(f"{source}: {name} must be strings after resolution, got {value!r}")
    return tuple(values), negated in entry


@lru_cache(maxsize=1024)
def _action_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(_wildcards(pattern), re.IGNORECASE)


@lru_cache(maxsize=1024)
def _resource_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(_wildcards(pattern))


def _wildcards(pattern: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
