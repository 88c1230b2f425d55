"""The sandbox's searchCriteria semantics, checked directly on records."""

from __future__ import annotations

from typing import Any

import pytest

from magento_sandbox.api_errors import MagentoApiError
from magento_sandbox.search import apply_fields, parse_fields, require_criteria, search
from magento_sandbox.search_fields import FlatTableFields

RECORDS = [
    {"id": 1, "sku": "TEE-S", "price": 25, "color": "49", "tags": "a,b", "ext": None},
    {"id": 2, "sku": "TEE-M", "price": 25.5, "color": "58", "tags": "b", "ext": "X1"},
    {"id": 3, "sku": "MUG", "price": 9, "color": None, "tags": "", "ext": "X2"},
    {"id": 4, "sku": "BAG", "price": 39, "color": "49", "tags": "c", "ext": None},
]


def _query(*groups: list[tuple[str, str, str]], page: tuple[int, int] | None = None) -> list[tuple[str, str]]:
    args: list[tuple[str, str]] = []
    for g, filters in enumerate(groups):
        for f, (field, value, condition) in enumerate(filters):
            prefix = f"searchCriteria[filter_groups][{g}][filters][{f}]"
            args += [
                (f"{prefix}[field]", field),
                (f"{prefix}[value]", value),
                (f"{prefix}[condition_type]", condition),
            ]
    if page:
        args += [("searchCriteria[pageSize]", str(page[0])), ("searchCriteria[currentPage]", str(page[1]))]
    return args


def _ids(result: dict[str, Any]) -> list[int]:
    return [r["id"] for r in result["items"]]


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ("eq", "25", [1]),
        ("neq", "25", [2, 3, 4]),
        ("gt", "25", [2, 4]),
        ("gteq", "25", [1, 2, 4]),
        ("lt", "25", [3]),
        ("lteq", "25", [1, 3]),
        ("in", "9,39", [3, 4]),
        ("nin", "9,39", [1, 2]),
        ("from", "25.5", [2, 4]),
        ("to", "9", [3]),
    ],
)
def test_numeric_conditions(condition: str, value: str, expected: list[int]) -> None:
    assert _ids(search(RECORDS, _query([("price", value, condition)]))) == expected


def test_text_set_and_null_conditions() -> None:
    assert _ids(search(RECORDS, _query([("sku", "tee-%", "like")]))) == [1, 2]
    assert _ids(search(RECORDS, _query([("sku", "T_E-%", "nlike")]))) == [3, 4]
    assert _ids(search(RECORDS, _query([("tags", "b", "finset")]))) == [1, 2]
    assert _ids(search(RECORDS, _query([("ext", "", "null")]))) == [1, 4]
    assert _ids(search(RECORDS, _query([("ext", "", "notnull")]))) == [2, 3]


def test_filters_in_a_group_are_ored_and_groups_anded() -> None:
    either = [("sku", "MUG", "eq"), ("color", "49", "eq")]
    assert _ids(search(RECORDS, _query(either))) == [1, 3, 4]
    assert _ids(search(RECORDS, _query(either, [("price", "30", "lt")]))) == [1, 3]


def test_sorting_and_a_page_past_the_end_answers_the_last_page() -> None:
    args = [
        *_query(page=(3, 5)),
        ("searchCriteria[sortOrders][0][field]", "price"),
        ("searchCriteria[sortOrders][0][direction]", "DESC"),
    ]

    result = search(RECORDS, args)

    assert result["total_count"] == 4
    assert _ids(result) == [3]  # page 2 of [4, 2, 1, 3] in pages of 3
    assert result["search_criteria"]["current_page"] == 5


def test_without_page_size_every_match_is_returned() -> None:
    assert len(search(RECORDS, [])["items"]) == 4


def test_unknown_condition_type_is_refused() -> None:
    with pytest.raises(MagentoApiError) as caught:
        search(RECORDS, _query([("sku", "x", "contains")]))
    assert caught.value.status == 400


def test_fields_trim_nested_responses() -> None:
    payload = {"items": [{"sku": "A", "price": 1, "name": "n"}], "total_count": 1, "search_criteria": {}}

    trimmed = apply_fields(payload, parse_fields("items[sku,price],total_count"))

    assert trimmed == {"items": [{"sku": "A", "price": 1}], "total_count": 1}


def test_camel_case_keys_of_the_schema_work_like_the_documented_snake_case() -> None:
    args = [
        ("searchCriteria[filterGroups][0][filters][0][field]", "sku"),
        ("searchCriteria[filterGroups][0][filters][0][value]", "MUG"),
        ("searchCriteria[filterGroups][0][filters][0][conditionType]", "neq"),
        ("searchCriteria[sort_orders][0][field]", "id"),
        ("searchCriteria[sort_orders][0][direction]", "DESC"),
        ("searchCriteria[page_size]", "2"),
    ]

    assert _ids(search(RECORDS, args)) == [4, 2]


def test_search_criteria_keys_without_a_setter_are_refused() -> None:
    with pytest.raises(MagentoApiError) as caught:
        search(RECORDS, [("searchCriteria[filter_group][0][filters][0][field]", "sku")])
    assert caught.value.parameters == ["FilterGroup", "Magento\\Framework\\Api\\SearchCriteriaInterface"]


def test_multi_valued_fields_match_any_value_and_negations_need_all() -> None:
    records = [{"id": 1, "cats": ["3", "5"]}, {"id": 2, "cats": ["7"]}, {"id": 3, "cats": []}]

    assert _ids(search(records, _query([("cats", "5", "eq")]))) == [1]
    assert _ids(search(records, _query([("cats", "5,7", "in")]))) == [1, 2]
    assert _ids(search(records, _query([("cats", "5", "neq")]))) == [2, 3]
    assert _ids(search(records, _query([("cats", "", "null")]))) == [3]


def test_criteria_are_required_only_when_asked_for_and_an_empty_value_counts() -> None:
    with pytest.raises(MagentoApiError) as caught:
        require_criteria([("fields", "items[sku]")])
    assert caught.value.parameters == {"fieldName": "searchCriteria"}
    require_criteria([("searchCriteria", "")])
    require_criteria([("search_criteria[page_size]", "5")])


def test_a_field_policy_refuses_unknown_filter_and_sort_fields() -> None:
    table = FlatTableFields("sales_order", frozenset({"sku", "price"}))

    with pytest.raises(MagentoApiError) as filtered:
        search(RECORDS, _query([("skuu", "MUG", "eq")]), fields=table)
    with pytest.raises(MagentoApiError) as sorted_:
        search(RECORDS, [("searchCriteria[sortOrders][0][field]", "id")], fields=table)
    assert filtered.value.parameters == ["skuu", "where clause", "sales_order"]
    assert sorted_.value.parameters == ["id", "order clause", "sales_order"]
    assert _ids(search(RECORDS, _query([("sku", "MUG", "eq")]), fields=table)) == [3]
