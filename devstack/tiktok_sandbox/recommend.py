"""Recommend Category: `POST /product/202309/categories/recommend` (recommend-category spec, GitHub
lazykern/ecommerce-api-docs, data/raw/tiktok/api-reference/products/recommend-category.spec.json).

Answers `data{leaf_category_id, categories[{id, name, level, is_leaf, permission_statuses}]}`, the path from
the root to the leaf. TikTok's model is not public; the sandbox matches the title's words against each seeded
leaf's name and synonyms (weight 2) and its ancestors' names (weight 1), so the answer is deterministic.
"""

from __future__ import annotations

import re
from typing import Any

from tiktok_sandbox import catalogue, codes
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.context import Ctx
from tiktok_sandbox.product_rules import SHORT_TITLE_REGIONS

MAX_TITLE = 255
MAX_DESCRIPTION = 10000


def words(value: str) -> set[str]:
    """Lower-case words without apostrophes, hyphens or a plural `s`: "Women's T-shirts" -> {women, tshirt}."""
    cleaned = re.sub(r"['-]", "", value.lower())
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.split(r"[^a-z0-9]+", cleaned) if w}


def _path(tree: dict[str, catalogue.CategoryNode], leaf_id: str) -> list[catalogue.CategoryNode]:
    path = [tree[leaf_id]]
    while path[-1].parent_id in tree:
        path.append(tree[path[-1].parent_id])
    return path[::-1]


def _score(title: set[str], path: list[catalogue.CategoryNode]) -> int:
    leaf = path[-1]
    strong = words(leaf.name) | set(catalogue.RECOMMEND_SYNONYMS.get(leaf.id, ()))
    weak = set().union(*(words(node.name) for node in path[:-1]))
    return sum(2 if w in strong else 1 if w in weak else 0 for w in title)


def recommend_category(ctx: Ctx) -> dict[str, Any]:
    body = ctx.body
    region = ctx.shop_or_none.region if ctx.shop_or_none else ctx.state.config.seller_base_region
    title = body.get("product_title")
    if title is None:
        raise ApiError(codes.INVALID_CREDENTIAL, "param body.product_title is missing", 400)
    if not isinstance(title, str) or not title.strip():
        raise ApiError(codes.PRODUCT_NAME_EMPTY, "product name is empty")
    low = 1 if region in SHORT_TITLE_REGIONS else 25
    if len(title) > MAX_TITLE or len(title) < low:
        raise ApiError(codes.PRODUCT_NAME_TOO_LONG, f"The product name length must be within [{low}, {MAX_TITLE}].")
    description = body.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > MAX_DESCRIPTION):
        raise ApiError(codes.DESCRIPTION_TOO_LONG, "The product description cannot exceed maximum characters")
    images = body.get("images") or []
    if not isinstance(images, list):
        raise ApiError(codes.INVALID_CREDENTIAL, "param body.images must be a list", 400)
    for image in images:
        uri = image.get("uri") if isinstance(image, dict) else None
        if uri not in ctx.state.images:
            raise ApiError(codes.IMAGE_URI_UNKNOWN, f"The image URI does not exist in TikTok Shop: {uri}")
    version = body.get("category_version") or "v1"
    if version not in ("v1", "v2"):
        raise ApiError(codes.INVALID_CREDENTIAL, "param body.category_version must be v1 or v2", 400)
    if region == "US" and version != "v2":
        raise ApiError(
            codes.MUST_USE_V2_CATEGORY,
            "Incorrect category version. For US shops, specify 'category version=v2'.",
        )
    tree = catalogue.category_tree(version)
    title_words = words(title)
    scored = [(_score(title_words, _path(tree, n.id)), n.id) for n in tree.values() if n.is_leaf and n.kind]
    best = max(scored, key=lambda pair: pair[0])  # max keeps the first of equal scores: tree order breaks ties
    if best[0] == 0:
        raise ApiError(
            codes.NO_MATCHING_CATEGORY,
            "No matching categories. Provide the full name of your product, edit its product properties, "
            "and try again.",
        )
    return {
        "leaf_category_id": best[1],
        "categories": [
            {
                "id": node.id,
                "name": node.name,
                "level": level,
                "is_leaf": node.is_leaf,
                "permission_statuses": [node.permission],
            }
            for level, node in enumerate(_path(tree, best[1]), start=1)
        ],
    }
