"""TikTok's catalogue metadata for one shop, read from TikTok and cached with its category version.

Categories, attributes and rules change rarely, so they are kept in MappingsTable for `METADATA_TTL` and in
the warm process for `PROCESS_TTL`: a push of thousands of products reads each category's metadata once,
not once per product. The category tree version follows the shop's region (US: v2, others: v1;
`tiktok.catalog.category_version_for`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tts_connector.catalog.memo import TtlCache
from tts_connector.catalog.store import CatalogStore
from tts_connector.tiktok.catalog import CatalogApi, category_version_for
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.errors import TikTokApiError
from tts_connector.tiktok.models.catalog import Attribute, Brand, Category, CategoryRecommendation, CategoryRules

METADATA_TTL = 24 * 3600
PROCESS_TTL = 300.0
# Recommend Category's "nothing matches" (recommend-category spec).
NO_MATCHING_CATEGORY = 12019064


@dataclass(frozen=True)
class CategoryTree:
    version: str
    nodes: dict[str, Category]
    fetched_at: int
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, version: str, categories: Sequence[Category], fetched_at: int) -> CategoryTree:
        nodes = {c.id: c for c in categories}
        children: dict[str, list[str]] = {}
        for category in categories:
            children.setdefault(category.parent_id, []).append(category.id)
        return cls(version=version, nodes=nodes, fetched_at=fetched_at, children=children)

    def path(self, category_id: str) -> list[Category]:
        """From the root down to `category_id`."""
        chain: list[Category] = []
        node = self.nodes.get(category_id)
        while node is not None and len(chain) < 20:
            chain.append(node)
            node = self.nodes.get(node.parent_id)
        return list(reversed(chain))

    def path_names(self, category_id: str) -> list[str]:
        return [c.local_name for c in self.path(category_id)]

    def search(self, keyword: str, *, leaves_only: bool = True) -> list[Category]:
        needle = keyword.casefold()
        return [c for c in self.nodes.values() if needle in c.local_name.casefold() and (c.is_leaf or not leaves_only)]


class TikTokCatalog:
    """Metadata of one shop's category tree (its version is the shop region's)."""

    _process_cache: TtlCache[tuple[str, str, str], Any] = TtlCache(PROCESS_TTL)

    def __init__(
        self,
        api: CatalogApi,
        store: CatalogStore,
        shop: ShopRef,
        region: str,
        clock: Callable[[], float] = time.time,
    ):
        self._api = api
        self._store = store
        self._shop = shop
        self.region = region
        self.version = category_version_for(region)
        self._clock = clock

    @property
    def shop_id(self) -> str:
        return self._shop.shop_id

    def _cached(self, key: str, fetch: Callable[[], Any], *, refresh: bool = False) -> tuple[Any, int]:
        memo_key = (self._shop.shop_id, self.version, key)
        if refresh:
            self._process_cache.forget(memo_key)

        def load() -> tuple[Any, int]:
            stored = None if refresh else self._store.cached(self._shop.shop_id, self.version, key)
            if stored is not None and self._clock() - stored[1] < METADATA_TTL:
                return stored
            value = fetch()
            self._store.cache(self._shop.shop_id, self.version, key, value)
            return value, int(self._clock())

        result: tuple[Any, int] = self._process_cache.get_or_load(memo_key, load)
        return result

    def tree(self, *, refresh: bool = False) -> CategoryTree:
        def fetch() -> Any:
            categories = self._api.categories(self._shop, category_version=self.version)
            return [c.model_dump(mode="json") for c in categories]

        raw, fetched_at = self._cached("TREE#all", fetch, refresh=refresh)
        return CategoryTree.build(self.version, [Category.model_validate(c) for c in raw], fetched_at)

    def attributes(self, category_id: str) -> list[Attribute]:
        def fetch() -> Any:
            found = self._api.attributes(self._shop, category_id, category_version=self.version)
            return [a.model_dump(mode="json") for a in found]

        raw, _ = self._cached(f"ATTRS#{category_id}", fetch)
        return [Attribute.model_validate(a) for a in raw]

    def rules(self, category_id: str) -> CategoryRules:
        raw, _ = self._cached(
            f"RULES#{category_id}",
            lambda: self._api.rules(self._shop, category_id, category_version=self.version).model_dump(mode="json"),
        )
        return CategoryRules.model_validate(raw)

    def brand(self, category_id: str, name: str) -> Brand | None:
        """TikTok's brand of this name (case-insensitive) usable in the category, or None."""
        wanted = " ".join(name.split()).casefold()

        def fetch() -> Any:
            page = self._api.brands(self._shop, category_id=category_id, brand_name=name, category_version=self.version)
            match = next((b for b in page.brands if " ".join(b.name.split()).casefold() == wanted), None)
            return match.model_dump(mode="json") if match else None

        raw, _ = self._cached(f"BRAND#{category_id}#{wanted}", fetch)
        return Brand.model_validate(raw) if raw else None

    def recommend(
        self, title: str, *, description: str | None = None, image_uris: Sequence[str] = ()
    ) -> CategoryRecommendation | None:
        """TikTok's suggested leaf for a product, or None when TikTok finds nothing that fits."""
        try:
            return self._api.recommend_category(
                self._shop,
                title,
                description=description,
                image_uris=image_uris,
                category_version=self.version,
            )
        except TikTokApiError as exc:
            if exc.tiktok_code == NO_MATCHING_CATEGORY:
                return None
            raise
