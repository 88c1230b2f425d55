"""Catalog operations: client and sandbox agree over real HTTP."""

from __future__ import annotations

import pytest
import requests

from magento_sandbox import MagentoSandbox
from tts_connector.errors import InvalidInputError, NotFoundError
from tts_connector.magento import Filter, MagentoClient, SearchCriteria

pytestmark = pytest.mark.integration


def test_media_base_url_serves_real_product_images(magento: MagentoClient) -> None:
    product = magento.catalog.get_product("BAG-TOTE")
    url = magento.store.product_image_url(product["media_gallery_entries"][0]["file"])

    response = requests.get(url, timeout=5)

    assert url.startswith(magento.store.media_base_url() + "catalog/product/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_sku_with_slash_and_space_and_unknown_sku(magento: MagentoClient) -> None:
    product = magento.catalog.get_product("WB/01 750ml")
    assert product["name"] == "Water Bottle 750ml"
    attributes = {a["attribute_code"]: a["value"] for a in product["custom_attributes"]}
    assert attributes["ean"] == "4000000100010"
    assert attributes["package_length"] == "25"

    with pytest.raises(NotFoundError, match="product that was requested doesn't exist"):
        magento.catalog.get_product("NO SUCH/SKU")


def test_search_pages_to_the_end_with_partial_responses(magento: MagentoClient) -> None:
    criteria = SearchCriteria(page_size=4).where("type_id", "simple").sort_by("sku")

    skus = [p["sku"] for p in magento.catalog.iter_products(criteria, fields="items[sku],total_count")]
    first_page = magento.catalog.search_products(criteria, fields="items[sku,price],total_count")

    assert len(skus) == 9
    assert skus == sorted(skus)
    assert first_page.total_count == 9
    assert set(first_page.items[0]) == {"sku", "price"}


def test_search_semantics_over_http(magento: MagentoClient) -> None:
    cheap_or_bag = SearchCriteria().any_of(Filter("price", 10, "lt"), Filter("sku", "BAG-%", "like"))
    result = magento.catalog.search_products(cheap_or_bag.where("status", 1))
    assert {p["sku"] for p in result.items} == {"MUG-SOLDOUT", "BAG-TOTE"}

    by_color = magento.catalog.search_products(
        SearchCriteria().where("color", "58").where("size", ["167", "169"], "in")
    )
    assert {p["sku"] for p in by_color.items} == {"MS-TEE-S-RED", "MS-TEE-L-RED"}


def test_configurable_children_options_and_labels(magento: MagentoClient) -> None:
    children = magento.catalog.configurable_children("MS-TEE")
    options = magento.catalog.configurable_options("MS-TEE")
    colors = magento.catalog.option_labels("color")
    sizes = magento.catalog.option_labels("size")

    variants = {
        c["sku"]: {
            a["attribute_code"]: a["value"] for a in c["custom_attributes"] if a["attribute_code"] in ("color", "size")
        }
        for c in children
    }
    assert len(variants) == 6
    assert {colors[v["color"]] for v in variants.values()} == {"Black", "Red"}
    assert {sizes[v["size"]] for v in variants.values()} == {"S", "M", "L"}
    assert [o["label"] for o in options] == ["Color", "Size"]
    assert magento.catalog.attribute("color")["frontend_input"] == "select"
    assert magento.catalog.attribute_options("color")[0] == {"label": " ", "value": ""}


def test_create_attribute_assign_to_set_and_write_it_globally(magento: MagentoClient) -> None:
    created = magento.catalog.create_attribute("tiktok_product_id", "TikTok Product ID")
    group = next(g for g in magento.catalog.attribute_set_groups(4) if g["attribute_group_name"] == "Product Details")
    magento.catalog.assign_attribute_to_set(
        "tiktok_product_id", attribute_set_id=4, attribute_group_id=group["attribute_group_id"]
    )
    magento.catalog.update_custom_attributes("WB/01 750ml", {"tiktok_product_id": "1729382256910270000"})

    reread = magento.catalog.get_product("WB/01 750ml")
    assert created["scope"] == "global"
    assert {"attribute_code": "tiktok_product_id", "value": "1729382256910270000"} in reread["custom_attributes"]
    with pytest.raises(InvalidInputError, match="already exists"):
        magento.catalog.create_attribute("tiktok_product_id", "Again")


def test_select_attribute_option_is_added(magento: MagentoClient) -> None:
    answer = magento.catalog.add_attribute_option("brand", "Contoso")

    assert answer.startswith("id_")
    assert "Contoso" in magento.catalog.option_labels("brand").values()


def test_store_view_write_is_an_override_and_global_write_is_the_default(
    magento: MagentoClient, sandbox: MagentoSandbox
) -> None:
    magento.catalog.update_custom_attributes("BAG-TOTE", {"description": "Store view text"}, store_view=True)
    magento.catalog.update_custom_attributes("BAG-TOTE", {"description": "Global text"})

    def description(product: dict[str, object]) -> object:
        custom = product["custom_attributes"]
        assert isinstance(custom, list)
        return next(a["value"] for a in custom if a["attribute_code"] == "description")

    assert description(magento.catalog.get_product("BAG-TOTE")) == "Store view text"
    assert description(magento.catalog.get_product("BAG-TOTE", global_scope=True)) == "Global text"


def test_category_tree_and_list(magento: MagentoClient) -> None:
    tree = magento.catalog.category_tree()
    shallow = magento.catalog.category_tree(root_category_id=2, depth=1)
    flat = magento.catalog.list_categories(SearchCriteria().where("level", 3, "gteq"))

    default = tree["children_data"][0]
    women = next(c for c in default["children_data"] if c["name"] == "Women")
    assert women["children_data"][0]["children_data"][0]["name"] == "Tees"
    assert all(c["children_data"] == [] for c in shallow["children_data"])
    assert {c["name"] for c in flat.items} == {"Tops", "Tees", "Bags", "Drinkware"}


def test_ensure_attribute_is_repeatable(magento: MagentoClient, sandbox: MagentoSandbox) -> None:
    first = magento.catalog.ensure_attribute("tiktok_product_id", "TikTok Product ID")
    second = magento.catalog.ensure_attribute("tiktok_product_id", "TikTok Product ID")

    assert first["attribute_id"] == second["attribute_id"]
    creates = [r for r in sandbox.requests() if r["method"] == "POST" and r["path"].endswith("/products/attributes")]
    assert len(creates) == 1
    with pytest.raises(NotFoundError, match="no group named"):
        magento.catalog.ensure_attribute("tiktok_product_id", "x", group_name="Nope")
