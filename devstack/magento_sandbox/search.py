"""Magento's searchCriteria semantics over in-memory records, and `fields=` partial responses.

Filters in a group are ORed, groups are ANDed; without pageSize every match is returned (Magento sets a
default page size only when the admin turns input limits on: Webapi/Validator/IOLimit/DefaultPageSizeSetter);
a currentPage past the end answers the last page again (Magento clamps the page), so clients must stop on
total_count. A list route whose service method takes a non-optional SearchCriteriaInterface refuses a request
without the parameter (`require_criteria`), and a route can refuse filter or sort fields its storage lacks
(`FieldPolicy`, see search_fields).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from magento_sandbox.api_errors import bad_request, required
from magento_sandbox.php_types import UncastableValue, cast_scalar, type_error_message

CONDITIONS = frozenset(
    {"eq", "neq", "gt", "gteq", "lt", "lteq", "moreq", "finset", "nfinset", "in", "nin"}
    | {"like", "nlike", "from", "to", "null", "notnull"}
)
_KEY = re.compile(r"\[([^\]]*)\]")
FieldGetter = Callable[[Mapping[str, Any], str], Any]
# Magento's ServiceInputProcessor::process accepts the parameter under its name or in snake_case.
_ROOTS = ("searchCriteria", "search_criteria")


class FieldPolicy(Protocol):
    """Raises Magento's error for a filter or sort field the route's storage does not have."""

    def check_filter(self, field: str) -> None: ...

    def check_sort(self, field: str) -> None: ...


# Keys Magento's SearchCriteria, FilterGroup, Filter and SortOrder objects have setters for.
_CRITERIA_KEYS = {
    0: ("Magento\\Framework\\Api\\SearchCriteriaInterface", {"filterGroups", "sortOrders", "pageSize", "currentPage"}),
    2: ("Magento\\Framework\\Api\\Search\\FilterGroup", {"filters"}),
    4: ("Magento\\Framework\\Api\\Filter", {"field", "value", "conditionType"}),
}
_SORT_KEYS = ("Magento\\Framework\\Api\\SortOrder", {"field", "direction"})


def _camel(part: str) -> str:
    head, *rest = part.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def _criteria_root(args: Sequence[tuple[str, str]]) -> str | None:
    for root in _ROOTS:
        if any(key == root or key.startswith(root + "[") for key, _ in args):
            return root
    return None


def require_criteria(args: Sequence[tuple[str, str]]) -> None:
    """Refuse a list call without searchCriteria, for service methods whose parameter is not optional.

    ServiceInputProcessor::process reports a missing parameter without a default value as required; an empty
    `searchCriteria=` is set (PHP's isset) and means "no criteria".
    """
    if _criteria_root(args) is None:
        raise required("searchCriteria")


def nested_query(args: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """`searchCriteria[filter_groups][0][filters][0][field]=x` pairs -> nested dicts with camelCase keys.

    Magento maps snake_case and camelCase keys to the same setters (the docs use filter_groups, Adobe's
    schema filterGroups), and refuses keys without a setter, as it does for bodies.
    """
    root = _criteria_root(args) or _ROOTS[0]
    tree: dict[str, Any] = {}
    for key, value in args:
        if not key.startswith(root + "["):
            continue
        parts = [_camel(p) for p in _KEY.findall(key[len(root) :])]
        _check_criteria_keys(parts)
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise bad_request("The searchCriteria parameter %1 is malformed.", [key])
        node[parts[-1]] = value
    return tree


def _check_criteria_keys(parts: list[str]) -> None:
    for depth, part in enumerate(parts):
        if depth in (1, 3):  # list indexes
            continue
        php_class, allowed = (
            _SORT_KEYS if depth == 2 and parts[0] == "sortOrders" else _CRITERIA_KEYS.get(depth, ("", set()))
        )
        if part not in allowed:
            name = part[:1].upper() + part[1:]
            raise bad_request(
                'Property "%1" does not have corresponding setter in class "%2".', [name, php_class or "array"]
            )


def _as_int(value: Any, name: str) -> int:
    try:
        cast = cast_scalar(value, "integer")
    except UncastableValue as exc:
        # Rendered like a body field of a data object (see app._body_error).
        raise bad_request(
            f'Error occurred during "{name}" processing. ' + type_error_message(exc.shown, "int")
        ) from exc
    return int(cast) if cast is not None else 0


def _ordered(node: Any) -> list[Any]:
    if not isinstance(node, dict):
        return []
    return [node[k] for k in sorted(node, key=lambda k: int(k) if str(k).isdigit() else 0)]


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _compare(left: Any, right: str) -> int:
    ln, rn = _number(left), _number(right)
    if ln is not None and rn is not None:
        return (ln > rn) - (ln < rn)
    ls = str(left).lower()
    rs = right.lower()
    return (ls > rs) - (ls < rs)


def _like(value: Any, pattern: str) -> bool:
    # MySQL LIKE with the default case-insensitive collation: % any run, _ one character.
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, str(value), re.IGNORECASE | re.DOTALL) is not None


_NEGATIVE_CONDITIONS = frozenset({"neq", "nin", "nlike", "nfinset"})


def matches(value: Any, condition: str, expected: str) -> bool:
    if isinstance(value, list | tuple | set):
        # A multi-valued field (a product's category ids): a positive condition needs one match, a negative
        # one needs every value to pass.
        if not value:
            return matches(None, condition, expected)
        combine = all if condition in _NEGATIVE_CONDITIONS else any
        return combine(matches(v, condition, expected) for v in value)
    if condition == "null":
        return value in (None, "")
    if condition == "notnull":
        return value not in (None, "")
    if value is None:
        return condition in ("neq", "nin", "nlike", "nfinset")
    listed = [v.strip() for v in expected.split(",")]
    checks: dict[str, Callable[[], bool]] = {
        "eq": lambda: _compare(value, expected) == 0,
        "neq": lambda: _compare(value, expected) != 0,
        "gt": lambda: _compare(value, expected) > 0,
        "gteq": lambda: _compare(value, expected) >= 0,
        "moreq": lambda: _compare(value, expected) >= 0,
        "from": lambda: _compare(value, expected) >= 0,
        "lt": lambda: _compare(value, expected) < 0,
        "lteq": lambda: _compare(value, expected) <= 0,
        "to": lambda: _compare(value, expected) <= 0,
        "in": lambda: any(_compare(value, v) == 0 for v in listed),
        "nin": lambda: all(_compare(value, v) != 0 for v in listed),
        "like": lambda: _like(value, expected),
        "nlike": lambda: not _like(value, expected),
        "finset": lambda: expected in [v.strip() for v in str(value).split(",")],
        "nfinset": lambda: expected not in [v.strip() for v in str(value).split(",")],
    }
    return checks[condition]()


def default_getter(item: Mapping[str, Any], field: str) -> Any:
    return item.get(field)


def search(
    records: Sequence[Mapping[str, Any]],
    args: Sequence[tuple[str, str]],
    getter: FieldGetter = default_getter,
    fields: FieldPolicy | None = None,
) -> dict[str, Any]:
    """Filter, sort and page `records`; returns Magento's `{items, search_criteria, total_count}`."""
    criteria = nested_query(args)
    groups_echo: list[dict[str, Any]] = []
    selected = list(records)
    for group in _ordered(criteria.get("filterGroups")):
        filters = []
        for flt in _ordered(group.get("filters") if isinstance(group, dict) else None):
            field = flt.get("field")
            if not field:
                raise bad_request('"%fieldName" is required. Enter and try again.', {"fieldName": "field"})
            condition = flt.get("conditionType") or "eq"
            if condition not in CONDITIONS:
                raise bad_request(
                    'Invalid value of "%value" provided for the %fieldName field.',
                    {"value": condition, "fieldName": "condition_type"},
                )
            if fields is not None:
                fields.check_filter(str(field))
            filters.append((field, condition, str(flt.get("value", ""))))
        if not filters:
            continue
        selected = [r for r in selected if any(matches(getter(r, f), c, v) for f, c, v in filters)]
        groups_echo.append({"filters": [{"field": f, "value": v, "condition_type": c} for f, c, v in filters]})
    sort_echo: list[dict[str, str]] = []
    for order in reversed(_ordered(criteria.get("sortOrders"))):
        field = order.get("field")
        direction = str(order.get("direction") or "ASC").upper()
        if not field:
            continue
        if fields is not None:
            fields.check_sort(str(field))
        selected.sort(key=_sorter(getter, str(field)), reverse=direction == "DESC")
        sort_echo.insert(0, {"field": field, "direction": direction})
    total = len(selected)
    echo: dict[str, Any] = {"filter_groups": groups_echo}
    if sort_echo:
        echo["sort_orders"] = sort_echo
    if "pageSize" in criteria:
        page_size = _as_int(criteria["pageSize"], "pageSize")
        current = _as_int(criteria.get("currentPage", 1), "currentPage")
        echo["page_size"] = page_size
        echo["current_page"] = current
        if page_size > 0:
            last_page = max((total + page_size - 1) // page_size, 1)
            page = min(max(current, 1), last_page)
            selected = selected[(page - 1) * page_size : page * page_size]
    return {"items": selected, "search_criteria": echo, "total_count": total}


def _sorter(getter: FieldGetter, field: str) -> Callable[[Mapping[str, Any]], tuple[int, Decimal, str]]:
    return lambda record: _sort_key(getter(record, field))


def _sort_key(value: Any) -> tuple[int, Decimal, str]:
    number = _number(value)
    if number is not None:
        return (0, number, "")
    return (1, Decimal(0), "" if value is None else str(value).lower())


def parse_fields(spec: str) -> dict[str, Any]:
    """`items[sku,price],total_count` -> {"items": {"sku": {}, "price": {}}, "total_count": {}}."""
    pos = 0

    def parse_level() -> dict[str, Any]:
        nonlocal pos
        level: dict[str, Any] = {}
        name = ""
        while pos < len(spec):
            char = spec[pos]
            pos += 1
            if char == ",":
                if name:
                    level.setdefault(name.strip(), {})
                name = ""
            elif char == "[":
                level[name.strip()] = parse_level()
                name = ""
            elif char == "]":
                break
            else:
                name += char
        if name.strip():
            level.setdefault(name.strip(), {})
        return level

    return parse_level()


def apply_fields(data: Any, tree: Mapping[str, Any]) -> Any:
    if not tree:
        return data
    if isinstance(data, list):
        return [apply_fields(item, tree) for item in data]
    if isinstance(data, dict):
        return {k: apply_fields(v, tree[k]) for k, v in data.items() if k in tree}
    return data
