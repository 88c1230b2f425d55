from __future__ import annotations

import pytest

from tts_connector.magento.search_criteria import Filter, SearchCriteria, SearchResult, iterate_all


def test_groups_are_anded_filters_in_a_group_ored_and_page_size_always_sent() -> None:
    criteria = (
        SearchCriteria(page_size=50)
        .any_of(Filter("sku", "A"), Filter("sku", "B%", "like"))
        .where("updated_at", "2026-01-01 00:00:00", "gteq")
        .sort_by("updated_at")
    )

    query = dict(criteria.to_query())

    assert query["searchCriteria[filter_groups][0][filters][0][field]"] == "sku"
    assert query["searchCriteria[filter_groups][0][filters][1][value]"] == "B%"
    assert query["searchCriteria[filter_groups][0][filters][1][condition_type]"] == "like"
    assert query["searchCriteria[filter_groups][1][filters][0][condition_type]"] == "gteq"
    assert query["searchCriteria[sortOrders][0][direction]"] == "ASC"
    assert query["searchCriteria[pageSize]"] == "50"
    assert query["searchCriteria[currentPage]"] == "1"


def test_a_bare_criteria_still_sends_page_size() -> None:
    assert ("searchCriteria[pageSize]", "100") in SearchCriteria().to_query()


def test_set_conditions_join_lists_and_null_conditions_send_no_value() -> None:
    query = dict(SearchCriteria().where("sku", ["A", "B,C"], "in").where("ext_order_id", "", "notnull").to_query())

    assert query["searchCriteria[filter_groups][0][filters][0][value]"] == "A,B,C"
    assert "searchCriteria[filter_groups][1][filters][0][value]" not in query


def test_single_value_conditions_refuse_lists() -> None:
    with pytest.raises(ValueError, match="single value"):
        SearchCriteria().where("sku", ["A", "B"], "eq").to_query()


def test_paging_stops_on_total_count_even_though_magento_repeats_the_last_page() -> None:
    records = [{"id": i} for i in range(1, 6)]
    calls: list[int] = []

    def fetch(criteria: SearchCriteria) -> SearchResult:
        calls.append(criteria.current_page)
        last_page = (len(records) + criteria.page_size - 1) // criteria.page_size
        page = min(criteria.current_page, last_page)  # Magento clamps a page past the end
        start = (page - 1) * criteria.page_size
        return SearchResult(records[start : start + criteria.page_size], len(records))

    items = list(iterate_all(fetch, SearchCriteria(page_size=2)))

    assert [i["id"] for i in items] == [1, 2, 3, 4, 5]
    assert calls == [1, 2, 3]


def test_invalid_paging_is_refused() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        SearchCriteria(page_size=0)
