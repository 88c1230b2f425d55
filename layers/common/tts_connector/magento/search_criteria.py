"""Magento `searchCriteria` query strings and a pagination helper.

Filters inside a group are ORed, groups are ANDed. `pageSize` is always sent: without it Magento returns
every match in one response. Paging stops on `total_count`, never on an empty page, because Magento
answers a page past the end with the last page again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

ConditionType = Literal[
    "eq", "neq", "gt", "gteq", "lt", "lteq", "moreq", "finset", "nfinset", "in", "nin",
    "like", "nlike", "from", "to", "null", "notnull",
]  # fmt: skip
Direction = Literal["ASC", "DESC"]
_LIST_CONDITIONS = frozenset({"in", "nin", "finset", "nfinset"})
DEFAULT_PAGE_SIZE = 100


@dataclass(frozen=True)
class Filter:
    field: str
    value: str | int | float | Iterable[str | int] = ""
    condition_type: ConditionType = "eq"

    def rendered_value(self) -> str:
        if self.condition_type in _LIST_CONDITIONS and not isinstance(self.value, str | int | float):
            return ",".join(str(v) for v in self.value)
        if isinstance(self.value, str | int | float):
            return str(self.value)
        raise ValueError(f"condition {self.condition_type!r} takes a single value, not a list")


@dataclass(frozen=True)
class SearchCriteria:
    filter_groups: tuple[tuple[Filter, ...], ...] = ()
    sort_orders: tuple[tuple[str, Direction], ...] = ()
    page_size: int = DEFAULT_PAGE_SIZE
    current_page: int = 1

    def __post_init__(self) -> None:
        if self.page_size < 1 or self.current_page < 1:
            raise ValueError("page_size and current_page start at 1")

    def where(self, field: str, value: Any = "", condition_type: ConditionType = "eq") -> SearchCriteria:
        """AND a single-filter group."""
        return self.any_of(Filter(field, value, condition_type))

    def any_of(self, *filters: Filter) -> SearchCriteria:
        """AND a group whose filters are ORed."""
        if not filters:
            raise ValueError("a filter group needs at least one filter")
        return replace(self, filter_groups=(*self.filter_groups, tuple(filters)))

    def sort_by(self, field: str, direction: Direction = "ASC") -> SearchCriteria:
        return replace(self, sort_orders=(*self.sort_orders, (field, direction)))

    def page(self, current_page: int, page_size: int | None = None) -> SearchCriteria:
        return replace(self, current_page=current_page, page_size=page_size or self.page_size)

    def to_query(self) -> list[tuple[str, str]]:
        query: list[tuple[str, str]] = []
        for g, group in enumerate(self.filter_groups):
            for f, flt in enumerate(group):
                prefix = f"searchCriteria[filter_groups][{g}][filters][{f}]"
                query.append((f"{prefix}[field]", flt.field))
                if flt.condition_type not in ("null", "notnull"):
                    query.append((f"{prefix}[value]", flt.rendered_value()))
                query.append((f"{prefix}[condition_type]", flt.condition_type))
        for s, (sort_field, direction) in enumerate(self.sort_orders):
            query.append((f"searchCriteria[sortOrders][{s}][field]", sort_field))
            query.append((f"searchCriteria[sortOrders][{s}][direction]", direction))
        query.append(("searchCriteria[pageSize]", str(self.page_size)))
        query.append(("searchCriteria[currentPage]", str(self.current_page)))
        return query


@dataclass(frozen=True)
class SearchResult:
    items: list[dict[str, Any]]
    total_count: int
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_response(cls, payload: Any) -> SearchResult:
        if not isinstance(payload, dict):
            raise ValueError("a Magento search answers with an object")
        items = payload.get("items") or []
        extra = {k: v for k, v in payload.items() if k not in ("items", "total_count")}
        return cls(items=list(items), total_count=int(payload.get("total_count", len(items))), extra=extra)


def iterate_all(
    fetch: Callable[[SearchCriteria], SearchResult], criteria: SearchCriteria, *, max_pages: int = 1000
) -> Iterator[dict[str, Any]]:
    """Every item of a search, page by page; stops at total_count (see module doc) or max_pages."""
    seen = 0
    page = criteria.current_page
    for _ in range(max_pages):
        result = fetch(criteria.page(page))
        yield from result.items
        seen += len(result.items)
        if not result.items or seen >= result.total_count or page * criteria.page_size >= result.total_count:
            return
        page += 1
