"""Generated catalogues for benchmarks and tests: many products, like a real store's, made in one call.

Deterministic for a given spec (a seeded RNG): N listable products, a share of them configurable with a few
children varying by color and size, a few images each drawn from a shared pool (so images repeat across
products, like a brand banner or a swatch), spread over generated leaf categories, stock on the default
source, valid EAN-13 codes. `add_attribute_set` clones the Default set without some attributes (a set made
before `ttsc setup magento`, say).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from magento_sandbox.images import png_bytes
from magento_sandbox.seed import DEFAULT_ATTRIBUTE_SET_ID, DEFAULT_SOURCE
from magento_sandbox.state import Product, SandboxState

IMAGE_SIZE = 320  # TikTok's main images must be at least 300x300
_COLORS = ("49", "58")
_SIZES = ("167", "168", "169")
_BRANDS = ("201", "202")


@dataclass(frozen=True)
class CatalogSpec:
    products: int = 2000
    configurable_share: float = 0.25
    min_children: int = 4
    max_children: int = 6
    images_per_product: int = 3
    # Distinct images in the pool the products draw from; None: one per two products.
    unique_images: int | None = None
    categories: int = 20
    # Put every product in these existing categories instead of generated ones.
    category_ids: tuple[int, ...] = ()
    sku_prefix: str = "GEN"
    attribute_set_id: int = DEFAULT_ATTRIBUTE_SET_ID
    seed: int = 7

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> CatalogSpec:
        values = dict(body)
        if "category_ids" in values:
            values["category_ids"] = tuple(int(c) for c in values["category_ids"])
        return cls(**values)


def ean13(number: int) -> str:
    body = f"400{number:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def add_attribute_set(state: SandboxState, set_id: int, name: str, without: list[str]) -> dict[str, Any]:
    default = state.attribute_sets[DEFAULT_ATTRIBUTE_SET_ID]
    state.attribute_sets[set_id] = {
        "name": name,
        "groups": {gid + set_id * 100: group for gid, group in default["groups"].items()},
        "attributes": {
            code: gid + set_id * 100 for code, gid in default["attributes"].items() if code not in set(without)
        },
    }
    return {"attribute_set_id": set_id, "name": name, "attributes": sorted(state.attribute_sets[set_id]["attributes"])}


def _categories(state: SandboxState, spec: CatalogSpec) -> list[int]:
    parent = max(state.categories) + 1
    root = state.categories[2]
    state.categories[parent] = {
        "id": parent,
        "parent_id": 2,
        "name": f"{spec.sku_prefix} catalogue",
        "is_active": True,
        "position": parent,
        "level": 2,
        "path": f"{root['path']}/{parent}",
        "include_in_menu": True,
    }
    leaves = []
    for index in range(spec.categories):
        cid = parent + 1 + index
        state.categories[cid] = {
            "id": cid,
            "parent_id": parent,
            "name": f"{spec.sku_prefix} category {index + 1:02d}",
            "is_active": True,
            "position": cid,
            "level": 3,
            "path": f"{root['path']}/{parent}/{cid}",
            "include_in_menu": True,
        }
        leaves.append(cid)
    return leaves


def _media(paths: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "id": index + 1,
            "media_type": "image",
            "label": None,
            "position": index + 1,
            "disabled": False,
            "types": ["image", "small_image", "thumbnail"] if index == 0 else [],
            "file": path,
        }
        for index, path in enumerate(paths)
    ]


def generate_catalog(state: SandboxState, spec: CatalogSpec) -> dict[str, Any]:
    rng = random.Random(spec.seed)
    if spec.attribute_set_id not in state.attribute_sets:
        raise ValueError(f"attribute set {spec.attribute_set_id} does not exist")
    leaves = [] if spec.category_ids else _categories(state, spec)
    pool_size = spec.unique_images or max(1, spec.products // 2)
    prefix = spec.sku_prefix.lower()
    pool = []
    for index in range(pool_size):
        path = f"/{prefix[0]}/{prefix[-1]}/{prefix}-image-{index:05d}.png"
        state.images[path] = png_bytes(f"{spec.sku_prefix}-{spec.seed}-{index}", IMAGE_SIZE)
        pool.append(path)
    configurables = round(spec.products * spec.configurable_share)
    skus: list[str] = []
    used_images: set[str] = set()
    children_total = 0
    for index in range(spec.products):
        sku = f"{spec.sku_prefix}-{index + 1:05d}"
        categories = list(spec.category_ids) or [leaves[index % len(leaves)]]
        images = rng.sample(pool, min(spec.images_per_product, len(pool)))
        used_images.update(images)
        common = {
            "name": f"{spec.sku_prefix} product {index + 1:05d}",
            "description": f"<p>Generated product {index + 1} for the benchmark.</p><ul><li>Durable</li></ul>",
            "status": 1,
            "visibility": 4,
            "url_key": sku.lower(),
            "brand": rng.choice(_BRANDS),
            "package_length": str(rng.randint(10, 40)),
            "package_width": str(rng.randint(5, 30)),
            "package_height": str(rng.randint(2, 20)),
        }
        if index < configurables:
            count = rng.randint(spec.min_children, min(spec.max_children, len(_COLORS) * len(_SIZES)))
            combos = [(c, s) for c in _COLORS for s in _SIZES][:count]
            children = []
            for color, size in combos:
                child_sku = f"{sku}-{color}-{size}"
                state.products[child_sku] = Product(
                    id=state.next_id("product"),
                    sku=child_sku,
                    type_id="simple",
                    attribute_set_id=spec.attribute_set_id,
                    values=common
                    | {
                        "name": f"{common['name']} {color}/{size}",
                        "visibility": 1,
                        "url_key": child_sku.lower(),
                        "price": float(rng.randint(500, 9000)) / 100,
                        "weight": round(rng.uniform(0.1, 2.0), 2),
                        "color": color,
                        "size": size,
                        "ean": ean13(state.next_id("ean")),
                    },
                    category_ids=categories,
                )
                state.source_items[(child_sku, DEFAULT_SOURCE)] = {
                    "sku": child_sku,
                    "source_code": DEFAULT_SOURCE,
                    "quantity": float(rng.randint(0, 50)),
                    "status": 1,
                }
                children.append(child_sku)
            children_total += len(children)
            state.products[sku] = Product(
                id=state.next_id("product"),
                sku=sku,
                type_id="configurable",
                attribute_set_id=spec.attribute_set_id,
                values=common | {"price": 0.0},
                category_ids=categories,
                media=_media(images),
                configurable_attributes=["color", "size"],
                children=children,
            )
        else:
            state.products[sku] = Product(
                id=state.next_id("product"),
                sku=sku,
                type_id="simple",
                attribute_set_id=spec.attribute_set_id,
                values=common
                | {
                    "price": float(rng.randint(500, 9000)) / 100,
                    "weight": round(rng.uniform(0.1, 2.0), 2),
                    "ean": ean13(state.next_id("ean")),
                },
                category_ids=categories,
                media=_media(images),
            )
            state.source_items[(sku, DEFAULT_SOURCE)] = {
                "sku": sku,
                "source_code": DEFAULT_SOURCE,
                "quantity": float(rng.randint(0, 50)),
                "status": 1,
            }
        skus.append(sku)
    return {
        "products": len(skus),
        "configurable": configurables,
        "children": children_total,
        "unique_images": len(used_images),
        "image_references": len(skus) * min(spec.images_per_product, len(pool)),
        "categories": leaves,
        "parent_category": leaves[0] - 1 if leaves else None,
        "skus": skus,
    }
