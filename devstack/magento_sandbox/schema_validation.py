"""Strict request-body validation derived from Adobe's Magento 2.4.8 admin REST schema.

Shared by the sandbox (to refuse bodies the way Magento does) and by the connector's contract test (to
prove every body the client builds is one Magento accepts). The Swagger 2.0 definitions are turned into
JSON-Schema with two deliberate changes, because the published schema is not what the server enforces
(see schema/README.md): unknown keys are rejected everywhere (Magento's deserializer has no setter for
them), and `required` is kept only at the top level of a body (nested lists come from PHP docblocks, not
the server).

Two entry points: `validate_body` checks JSON types exactly (the connector's contract: send what the data
interfaces declare), `deserialize_body` first casts scalars the way Magento's ServiceInputProcessor does
(see php_types) and answers the casted body (the sandbox).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

import yaml
from jsonschema import Draft4Validator

from magento_sandbox.php_types import PHP_TYPES, UncastableValue, cast_scalar

SCHEMA_PATH = Path(__file__).parent / "schema" / "admin-schema-2.4.8.yaml"
# Free-form by design in Magento (arbitrary nested arrays); everything else is a typed data interface.
_FREE_FORM_DEFINITIONS = frozenset({"unstructured-array"})
_PHP_CLASS_KEY = "x-php-class"


@dataclass(frozen=True)
class Operation:
    method: str
    path_template: str
    operation_id: str
    body_schema: dict[str, Any] | None


@dataclass(frozen=True)
class BodyProblem:
    """The first thing Magento's deserializer would complain about, in terms of its own error messages."""

    kind: Literal["unknown_property", "missing", "type"]
    field: str
    php_class: str = ""
    expected_type: str = ""
    value: Any = None
    # Properties of nested data objects on the way to the field; Magento names each in its message.
    within: tuple[str, ...] = ()


@cache
def load_schema() -> dict[str, Any]:
    # The C loader is ~10x faster on this 1 MB file; the pure-Python one is a fallback for odd builds.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with SCHEMA_PATH.open("rb") as handle:
        schema: dict[str, Any] = yaml.load(handle, Loader=loader)  # noqa: S506 - CSafeLoader/SafeLoader only
    return schema


def php_class_for(definition: str) -> str:
    """Best-effort PHP interface name for a definition, e.g. quote-data-cart-item-interface ->
    Magento\\Quote\\Api\\Data\\CartItemInterface; used only in error messages."""

    def camel(part: str) -> str:
        return "".join(word.capitalize() for word in part.split("-") if word)

    if "-data-" in definition:
        module, name = definition.split("-data-", 1)
        return f"Magento\\{camel(module)}\\Api\\Data\\{camel(name)}"
    module, _, name = definition.partition("-")
    return f"Magento\\{camel(module)}\\Api\\{camel(name)}"


def _strictify(node: Any, *, keep_required: bool) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("description", "xml", "example"):
                continue
            if key == "required" and not keep_required:
                continue
            if key == "properties":
                out[key] = {name: _strictify(prop, keep_required=False) for name, prop in value.items()}
            else:
                out[key] = _strictify(value, keep_required=False)
        if out.get("type") == "object" and "additionalProperties" not in out:
            out["additionalProperties"] = False
            out.setdefault("properties", {})
        return out
    if isinstance(node, list):
        return [_strictify(item, keep_required=False) for item in node]
    return node


@cache
def _strict_definitions() -> dict[str, Any]:
    definitions: dict[str, Any] = {}
    for name, definition in load_schema()["definitions"].items():
        if name in _FREE_FORM_DEFINITIONS:
            definitions[name] = {"type": ["object", "array"]}
            continue
        strict = _strictify(copy.deepcopy(definition), keep_required=False)
        strict[_PHP_CLASS_KEY] = php_class_for(name)
        definitions[name] = strict
    return definitions


@cache
def operations() -> tuple[Operation, ...]:
    found: list[Operation] = []
    for template, methods in load_schema()["paths"].items():
        for method, spec in methods.items():
            body = next((p["schema"] for p in spec.get("parameters", []) if p.get("in") == "body"), None)
            found.append(Operation(method.upper(), template, spec["operationId"], body))
    return tuple(found)


def operation_for(method: str, path_template: str) -> Operation | None:
    return _operation_index().get((method.upper(), path_template))


@cache
def _operation_index() -> dict[tuple[str, str], Operation]:
    return {(op.method, op.path_template): op for op in operations()}


_PLACEHOLDER = re.compile(r"^\{[^}]+\}$")


def _template_specificity(template: str) -> tuple[int, ...]:
    # A literal segment beats a placeholder, as in Magento's router: /V1/orders/items before /V1/orders/{id}.
    return tuple(1 if _PLACEHOLDER.match(seg) else 0 for seg in template.strip("/").split("/"))


def match_path(raw_path: str) -> list[tuple[Operation, dict[str, str]]]:
    """Every operation whose template matches a raw (still percent-encoded) path, most specific first.

    Matching on raw segments keeps an encoded '/' inside a SKU (%2F) within its segment.
    """
    segments = raw_path.strip("/").split("/")
    matches: list[tuple[Operation, dict[str, str]]] = []
    for op in operations():
        parts = op.path_template.strip("/").split("/")
        if len(parts) != len(segments):
            continue
        params: dict[str, str] = {}
        for part, seg in zip(parts, segments, strict=True):
            if _PLACEHOLDER.match(part):
                if not seg:
                    break
                params[part[1:-1]] = unquote(seg)
            elif part != seg:
                break
        else:
            matches.append((op, params))
    matches.sort(key=lambda m: _template_specificity(m[0].path_template))
    return matches


@cache
def _body_schema(method: str, path_template: str) -> dict[str, Any]:
    op = operation_for(method, path_template)
    if op is None:
        raise KeyError(f"{method} {path_template} is not in the Magento 2.4.8 admin schema")
    if op.body_schema is None:
        raise KeyError(f"{method} {path_template} takes no request body")
    top: dict[str, Any] = _strictify(copy.deepcopy(op.body_schema), keep_required=True)
    top[_PHP_CLASS_KEY] = f"{op.operation_id}Body"
    top["definitions"] = _strict_definitions()
    return top


@cache
def body_validator(method: str, path_template: str) -> Draft4Validator:
    return Draft4Validator(_body_schema(method, path_template))


def validate_body(method: str, path_template: str, body: Any) -> list[BodyProblem]:
    """All problems with a body, unknown properties first (Magento stops at the first setter it lacks)."""
    problems: list[BodyProblem] = []
    for error in body_validator(method, path_template).iter_errors(body):
        location = ".".join(str(p) for p in error.absolute_path)
        schema = error.schema if isinstance(error.schema, dict) else {}
        php_class = str(schema.get(_PHP_CLASS_KEY, ""))
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = set(schema.get("properties", {}))
            for key in sorted(set(error.instance) - known):
                problems.append(BodyProblem("unknown_property", _join(location, key), php_class))
        elif error.validator == "required" and isinstance(error.instance, dict):
            for key in error.validator_value:
                if key not in error.instance:
                    problems.append(BodyProblem("missing", _join(location, key), php_class))
        else:
            expected = error.validator_value if error.validator == "type" else str(error.validator)
            problems.append(BodyProblem("type", location, php_class, str(expected), error.instance))
    order = {"unknown_property": 0, "missing": 1, "type": 2}
    problems.sort(key=lambda p: order[p.kind])
    return problems


def _join(location: str, key: str) -> str:
    return f"{location}.{key}" if location else key


def deserialize_body(method: str, path_template: str, body: Any) -> tuple[Any, list[BodyProblem]]:
    """The body with its scalars cast as Magento casts them, and every problem Magento would report.

    Type problems carry the PHP type and the data-object properties they sit in (`within`), because Magento
    words them 'Error occurred during "<property>" processing. The "x" value's type is invalid...', once per
    nested object (ServiceInputProcessor::_createFromArray); the top-level parameter itself is not named.
    """
    top = _body_schema(method, path_template)
    cast_problems: list[BodyProblem] = []
    casted = _cast(top, body, (), (), cast_problems)
    reported = {p.field for p in cast_problems}
    shape_problems = [p for p in validate_body(method, path_template, casted) if p.field not in reported]
    problems = shape_problems + cast_problems
    order = {"unknown_property": 0, "missing": 1, "type": 2}
    problems.sort(key=lambda p: order[p.kind])
    return casted, problems


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        resolved: dict[str, Any] = _strict_definitions()[ref.removeprefix("#/definitions/")]
        return resolved
    return schema


def _cast(
    schema: dict[str, Any],
    value: Any,
    path: tuple[str, ...],
    within: tuple[str, ...],
    problems: list[BodyProblem],
) -> Any:
    schema = _resolve(schema)
    kind = schema.get("type")
    location = ".".join(path)
    if kind == "object" and isinstance(value, dict):
        properties = schema.get("properties", {})
        # The top level holds the service method's parameters, which Magento does not name in messages.
        return {
            key: _cast(properties[key], item, (*path, key), (*within, key) if path else within, problems)
            if key in properties
            else item
            for key, item in value.items()
        }
    if kind == "array" and isinstance(value, list):
        items = _resolve(schema.get("items", {}))
        return [_cast(items, item, (*path, str(i)), within, problems) for i, item in enumerate(value)]
    if kind in PHP_TYPES:
        try:
            return cast_scalar(value, str(kind))
        except UncastableValue as exc:
            problems.append(BodyProblem("type", location, "", PHP_TYPES[str(kind)], exc.shown, within))
            return value
    if kind == "array" and value is not None and not isinstance(value, list):
        item_type = _resolve(schema.get("items", {})).get("type")
        if item_type in PHP_TYPES:
            # processSimpleAndAnyType: a scalar for a scalar array is refused, named by its PHP gettype().
            shown = {bool: "boolean", int: "integer", float: "double", str: "string"}.get(type(value), "array")
            problems.append(BodyProblem("type", location, "", f"{PHP_TYPES[str(item_type)]}[]", shown, within))
    return value
