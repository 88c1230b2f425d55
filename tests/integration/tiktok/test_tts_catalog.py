"""Catalogue reference data and image upload through the client."""

from __future__ import annotations

import pytest

from tests.integration.tiktok.support import GB_WAREHOUSE, US_WAREHOUSE, Connected, png_bytes, upload_main_image
from tts_connector.tiktok.catalog import category_version_for
from tts_connector.tiktok.errors import TikTokApiError
from tts_connector.tiktok.models.catalog import Category

pytestmark = pytest.mark.integration


def _depth(categories: list[Category], leaf_id: str) -> int:
    by_id = {c.id: c for c in categories}
    depth, node = 1, by_id[leaf_id]
    while node.parent_id != "0":
        node, depth = by_id[node.parent_id], depth + 1
    return depth


def test_v1_tree_has_three_levels_and_v2_is_deeper(tts: Connected) -> None:
    v1 = tts.api.catalog.categories(tts.gb, category_version=category_version_for("GB"))
    v2 = tts.api.catalog.categories(tts.us, category_version=category_version_for("US"))
    assert max(_depth(v1, c.id) for c in v1 if c.is_leaf) == 3
    assert max(_depth(v2, c.id) for c in v2 if c.is_leaf) > 3
    assert all(c.parent_id == "0" or c.parent_id in {p.id for p in v1} for c in v1)
    assert {"AVAILABLE"} == {s for c in v1 for s in c.permission_statuses}


def test_attributes_mark_sales_and_required_product_properties(tts: Connected) -> None:
    attributes = tts.api.catalog.attributes(tts.us, "900111", category_version="v2")
    by_type = {a.type for a in attributes}
    assert by_type == {"SALES_PROPERTY", "PRODUCT_PROPERTY"}
    required = [a.name for a in attributes if a.is_required]
    assert required == ["Material"]
    assert all(a.values for a in attributes)


def test_attributes_of_a_non_leaf_category_are_refused(tts: Connected) -> None:
    with pytest.raises(TikTokApiError) as raised:
        tts.api.catalog.attributes(tts.us, "900100", category_version="v2")
    assert raised.value.tiktok_code == 12052024


def test_category_rules_require_package_dimensions_for_mugs_only(tts: Connected) -> None:
    assert tts.api.catalog.rules(tts.us, "910110", category_version="v2").package_dimension.is_required
    assert not tts.api.catalog.rules(tts.us, "900111", category_version="v2").package_dimension.is_required


def test_brands_are_paged(tts: Connected) -> None:
    first = tts.api.catalog.brands(tts.us, page_size=3)
    assert len(first.brands) == 3
    assert first.total_count == 4
    assert first.next_page_token
    # The token contains "/" and "+": it only works if signed raw and percent-encoded in the URL.
    second = tts.api.catalog.brands(tts.us, page_size=3, page_token=first.next_page_token)
    assert [b.name for b in second.brands] == ["Northwind"]
    assert not second.next_page_token


def test_brands_page_size_is_required_and_bounded(tts: Connected) -> None:
    with pytest.raises(TikTokApiError) as raised:
        tts.api.catalog.brands(tts.us, page_size=101)
    assert raised.value.tiktok_code == 36009004


def test_warehouses_delivery_options_and_shipping_providers(tts: Connected) -> None:
    us = tts.api.logistics.warehouses(tts.us)
    assert {w.type for w in us} == {"SALES_WAREHOUSE", "RETURN_WAREHOUSE"}
    assert [w.id for w in us if w.is_default] == [US_WAREHOUSE]
    assert GB_WAREHOUSE in {w.id for w in tts.api.logistics.warehouses(tts.gb)}
    options = tts.api.logistics.delivery_options(tts.us, US_WAREHOUSE)
    seller = next(o for o in options if o.type == "SEND_BY_SELLER")
    providers = tts.api.logistics.shipping_providers(tts.us, seller.id)
    assert {"USPS", "UPS", "FedEx"} <= {p.name for p in providers}
    with pytest.raises(TikTokApiError):
        tts.api.logistics.delivery_options(tts.us, GB_WAREHOUSE)


def test_image_upload_returns_uri_and_url(tts: Connected) -> None:
    image = tts.api.catalog.upload_image(tts.us, png_bytes(600, 400), filename="a.png", content_type="image/png")
    assert image.uri
    assert image.url.startswith("http")
    assert (image.width, image.height) == (600, 400)
    assert image.use_case == "MAIN_IMAGE"


@pytest.mark.parametrize(
    ("content", "use_case"),
    [
        (png_bytes(200, 200), "MAIN_IMAGE"),
        (b"GIF89a not allowed", "MAIN_IMAGE"),
        (png_bytes(50, 50), "DESCRIPTION_IMAGE"),
    ],
)
def test_image_upload_enforces_format_and_size(tts: Connected, content: bytes, use_case: str) -> None:
    with pytest.raises(TikTokApiError):
        tts.api.catalog.upload_image(tts.us, content, filename="x", content_type="image/png", use_case=use_case)


@pytest.mark.parametrize(
    ("title", "leaf", "path"),
    [
        ("Sandbox graphic tee with a printed logo", "900111", ["Womenswear & Underwear", "Women's Tops", "T-shirts"]),
        ("Plain basic tee, 100% cotton", "900112", None),
        ("Ceramic coffee mug 350ml", "910110", None),
        ("Silicone case for iPhone 15", "920110", None),
    ],
)
def test_recommend_category_matches_the_title(tts: Connected, title: str, leaf: str, path: list[str] | None) -> None:
    found = tts.api.catalog.recommend_category(tts.us, title, category_version="v2")
    assert found.leaf_category_id == leaf
    assert found.categories[-1].id == leaf and found.categories[-1].is_leaf
    assert [c.level for c in found.categories] == list(range(1, len(found.categories) + 1))
    assert not any(c.is_leaf for c in found.categories[:-1])
    if path:
        assert found.path_names[: len(path)] == path
    # The same title always gets the same answer.
    assert tts.api.catalog.recommend_category(tts.us, title, category_version="v2") == found


def test_recommend_category_uses_the_shops_tree_and_validates(tts: Connected) -> None:
    assert tts.api.catalog.recommend_category(tts.gb, "Slim fit denim jeans").leaf_category_id == "601300"
    uri = upload_main_image(tts, tts.us)
    with_image = tts.api.catalog.recommend_category(
        tts.us, "Graphic tee", description="<p>Soft</p>", image_uris=[uri], category_version="v2"
    )
    assert with_image.leaf_category_id == "900111"
    for kwargs, code in (
        ({"product_title": "Slim fit denim jeans", "category_version": "v2"}, 12019064),  # no jeans in the v2 seed
        ({"product_title": "Graphic tee", "category_version": "v1"}, 12052217),  # US must use v2
        ({"product_title": "Graphic tee", "category_version": "v2", "image_uris": ["tos-never-uploaded"]}, 12052722),
        ({"product_title": "x" * 256, "category_version": "v2"}, 12052051),
        ({"product_title": "Graphic tee", "category_version": "v2", "description": "d" * 10001}, 12052013),
    ):
        with pytest.raises(TikTokApiError) as raised:
            tts.api.catalog.recommend_category(tts.us, **kwargs)
        assert raised.value.tiktok_code == code
    with pytest.raises(TikTokApiError) as missing:
        tts.client.call("POST", "/product/202309/categories/recommend", shop=tts.us, body={}, idempotent=True)
    assert missing.value.tiktok_code == 36009004
    # shop_cipher is optional for this API: without it the seller's base region (US) decides the tree.
    without_shop = tts.client.call(
        "POST",
        "/product/202309/categories/recommend",
        shop=tts.us,
        send_cipher=False,
        body={"product_title": "Coffee mug", "category_version": "v2"},
        idempotent=True,
    )
    assert without_shop["leaf_category_id"] == "910110"
