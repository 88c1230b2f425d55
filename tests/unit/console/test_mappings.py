"""Mappings: the trees side by side, map / unmap through the catalog service, attributes still missing,
conflicts; escaping; viewers see no write control and the server refuses their POSTs."""

from __future__ import annotations

import pytest

from tests.unit.console.catalog_fakes import InMemoryCatalogStore, catalog_context
from tests.unit.console.test_fragments import OPERATOR, VIEWER, WRITE_CONTROL, resolve_ui, store_with_shops
from tts_connector import wiring
from tts_connector.catalog import service
from tts_connector.catalog.categories import same_depth_conflicts
from tts_connector.catalog.records import CategoryMapping
from tts_connector.console import mappings
from tts_connector.console.auth import ConsoleUser
from tts_connector.console.rendering import render

SHOP = "1001"


def mapping(category: int, level: int, tiktok: str, name: str = "") -> CategoryMapping:
    return CategoryMapping(
        shop_id=SHOP,
        magento_category_id=category,
        magento_category_name=name or f"Category {category}",
        magento_level=level,
        tiktok_category_id=tiktok,
        tiktok_category_name=f"TikTok {tiktok}",
        tiktok_category_path=["Womenswear", f"TikTok {tiktok}"],
    )


@pytest.fixture
def catalog(monkeypatch: pytest.MonkeyPatch) -> InMemoryCatalogStore:
    """The console's wiring over the fakes: the shops of test_fragments, a catalog context per request."""
    store = InMemoryCatalogStore()
    shops = store_with_shops()
    monkeypatch.setattr(wiring, "connect_store", lambda: shops)

    def context(shop_id: str | None) -> service.CatalogContext:
        shop = shops.get_shop(shop_id or SHOP)
        assert shop is not None
        return catalog_context(shop, store)

    monkeypatch.setattr(wiring, "catalog_context", context)
    return store


def page_html(user: ConsoleUser, store: InMemoryCatalogStore, **filters: str) -> str:
    ctx = wiring.catalog_context(SHOP)
    parsed = mappings.MappingFilters.model_validate(filters)
    report = None
    if parsed.attributes:
        report = mappings.report_panel(service.attribute_report(ctx, parsed.attributes), store.attribute_mappings(SHOP))
    page = mappings.build_page(
        SHOP,
        [SHOP],
        parsed,
        tree=service.magento_tree(ctx),
        results=service.search_tiktok(ctx, parsed.keyword) if parsed.keyword else [],
        report=report,
    )
    return render("mappings.html", user=user, page=page)


def row(html: str, row_id: str) -> str:
    return html.split(f'id="{row_id}"')[1].split("</tr>")[0]


# ---------- the trees ----------
def test_the_magento_tree_shows_own_and_inherited_mappings_and_escapes_names(catalog: InMemoryCatalogStore) -> None:
    catalog.save_category_mapping(mapping(3, 2, "900111", "Women"))
    html = page_html(VIEWER, catalog)

    assert "&lt;Tees&gt;" in html and "<Tees>" not in html
    women = row(html, "magento-3")
    assert "Womenswear &gt; TikTok 900111" in women and "<code>900111</code>" in women
    tees = row(html, "magento-5")
    assert "from Women &gt; Tops" not in tees and "from Women" in tees  # inherited from its mapped ancestor
    assert 'class="level-3"' in tees  # indented by its depth (a class: no inline style under the CSP)
    assert "not mapped" in row(html, "magento-6")
    assert 'id="magento-1"' not in html  # Root Catalog holds every store's tree: not listed


def test_the_leaf_search_runs_on_the_server_and_offers_map_for_the_chosen_category(
    catalog: InMemoryCatalogStore,
) -> None:
    operator = page_html(OPERATOR, catalog, keyword="shirt", category="5")

    result = row(operator, "tiktok-900111")
    assert "Womenswear &gt; Tops &gt; T-shirts" in result
    assert 'name="magento_category_id" value="5"' in result and 'name="tiktok_category_id" value="900111"' in result
    assert 'id="tiktok-601"' not in operator  # not a leaf: not offered
    assert "No TikTok leaf category contains" in page_html(OPERATOR, catalog, keyword="zzz")


def test_viewers_see_the_mappings_without_any_write_control(catalog: InMemoryCatalogStore) -> None:
    catalog.save_category_mapping(mapping(3, 2, "900111", "Women"))
    html = page_html(VIEWER, catalog, keyword="shirt", category="5", attributes="900111")

    assert not WRITE_CONTROL.search(
        html.replace('<button type="submit">Show</button>', "").replace('<button type="submit">Search</button>', "")
    )
    assert "Unmap" not in html and "Recommend" not in html and "Map here" not in html
    assert "hx-post" not in html


# ---------- attributes ----------
def test_the_attribute_report_lists_what_is_still_missing(catalog: InMemoryCatalogStore) -> None:
    catalog.save_category_mapping(mapping(3, 2, "900111", "Women"))
    html = page_html(OPERATOR, catalog, attributes="900111")

    missing = html.split('id="still-missing"')[1].split("</div>")[0]
    assert "required attribute &#39;Material&#39; (101001)" in missing
    assert "Pattern" not in missing  # optional, and matched by name from Magento's `pattern`
    assert "Magento &#39;pattern&#39; (auto-matched by name)" in row(html, "attribute-101002")
    assert 'hx-post="ui/mappings/attributes/map"' in html


# ---------- conflicts ----------
def test_conflicts_are_mapped_categories_at_one_depth_with_different_targets() -> None:
    tees, gear, bags = mapping(5, 4, "900111"), mapping(6, 4, "910110"), mapping(7, 3, "910110")
    same_target = mapping(8, 3, "910110")

    assert same_depth_conflicts([tees, gear, bags, same_target], {}) == [[tees, gear]]
    # Magento's tree as it is now decides the depth, not the level saved with the mapping.
    assert same_depth_conflicts([tees, gear], {6: 2}) == []


def test_the_conflicts_panel_names_both_sides(catalog: InMemoryCatalogStore) -> None:
    catalog.save_category_mapping(mapping(3, 2, "900111", "Women"))
    catalog.save_category_mapping(mapping(6, 2, "910110", "Gear"))
    html = page_html(VIEWER, catalog)

    conflict = html.split('id="conflict-level-2"')[1].split("</ul>")[0]
    assert "Women → TikTok 900111" in conflict and "Gear → TikTok 910110" in conflict


# ---------- through the resolver ----------
@pytest.mark.parametrize(
    "path",
    [
        "mappings/categories/map",
        "mappings/categories/unmap",
        "mappings/categories/recommend",
        "mappings/attributes/map",
        "mappings/attributes/unmap",
        "mappings/attributes/auto",
    ],
)
def test_every_mapping_write_is_refused_to_a_viewer(path: str, catalog: InMemoryCatalogStore) -> None:
    response = resolve_ui("POST", path, "viewer", "shop_id=1001&magento_category_id=5&tiktok_category_id=900111")

    assert response["statusCode"] == 403 and "Viewers can look but not change anything" in str(response["body"])
    assert catalog.categories == {}


def test_an_operator_maps_and_unmaps_a_category_and_repeating_changes_nothing(catalog: InMemoryCatalogStore) -> None:
    body = "shop_id=1001&magento_category_id=5&tiktok_category_id=900111"
    first = resolve_ui("POST", "mappings/categories/map", "operator", body)
    again = resolve_ui("POST", "mappings/categories/map", "operator", body)

    assert first["statusCode"] == again["statusCode"] == 200
    assert "is mapped to TikTok Womenswear &gt; Tops &gt; T-shirts (900111)" in str(again["body"])
    assert list(catalog.categories) == [(SHOP, 5)]
    unmapped = resolve_ui("POST", "mappings/categories/unmap", "operator", "shop_id=1001&magento_category_id=5")
    twice = resolve_ui("POST", "mappings/categories/unmap", "operator", "shop_id=1001&magento_category_id=5")
    assert "is no longer mapped" in str(unmapped["body"]) and "nothing to remove" in str(twice["body"])
    assert twice["statusCode"] == 200 and catalog.categories == {}


def test_a_category_that_is_not_a_leaf_is_refused_with_a_clear_message(catalog: InMemoryCatalogStore) -> None:
    response = resolve_ui(
        "POST", "mappings/categories/map", "operator", "shop_id=1001&magento_category_id=5&tiktok_category_id=601"
    )

    assert response["statusCode"] == 400
    body = str(response["body"])
    assert "TikTok category Tops (601) is not a leaf" in body and 'role="alert"' in body
    assert 'id="magento-5"' in body  # the page stays, with the message on it
    assert catalog.categories == {}


def test_form_fields_are_checked_before_anything_is_saved(catalog: InMemoryCatalogStore) -> None:
    unknown = resolve_ui("POST", "mappings/categories/map", "operator", "shop_id=1001&magento_category_id=5&x=1")
    script = resolve_ui(
        "POST",
        "mappings/attributes/map",
        "operator",
        "shop_id=1001&category_id=900111&tiktok_attribute_id=101001&magento_attribute=%3Cscript%3E",
    )

    assert unknown["statusCode"] == 400 and catalog.categories == {}
    assert script["statusCode"] == 400 and "<script>" not in str(script["body"]) and catalog.attributes == {}


def test_an_operator_maps_an_attribute_and_it_is_no_longer_missing(catalog: InMemoryCatalogStore) -> None:
    body = "shop_id=1001&category_id=900111&tiktok_attribute_id=101001&magento_attribute=fabric"
    mapped = resolve_ui("POST", "mappings/attributes/map", "operator", body)

    assert mapped["statusCode"] == 200
    html = str(mapped["body"])
    assert "TikTok&#39;s Material comes from Magento &#39;fabric&#39; in TikTok category 900111" in html
    assert "Nothing missing" in html and 'id="attribute-mapping-category-101001"' in html
    refused = resolve_ui("POST", "mappings/attributes/map", "operator", body.replace("fabric", "nope"))
    assert refused["statusCode"] == 400 and "Magento has no product attribute with code &#39;nope&#39;" in str(
        refused["body"]
    )
    removed = resolve_ui(
        "POST", "mappings/attributes/unmap", "operator", "shop_id=1001&category_id=900111&tiktok_attribute_id=101001"
    )
    assert "is removed" in str(removed["body"]) and catalog.attributes == {}


def test_the_screen_is_in_the_navigation_and_answers_a_viewer(catalog: InMemoryCatalogStore) -> None:
    nav = resolve_ui("GET", "nav", "viewer")
    screen = resolve_ui("GET", "mappings", "viewer", shop=SHOP, keyword="mug")

    assert 'href="#/mappings"' in str(nav["body"])
    assert screen["statusCode"] == 200 and 'id="tiktok-910110"' in str(screen["body"])
    assert "hx-post" not in str(screen["body"])
    unknown = resolve_ui("GET", "mappings", "viewer", shop="9999")
    assert unknown["statusCode"] == 400 and "No shop 9999 is connected" in str(unknown["body"])
