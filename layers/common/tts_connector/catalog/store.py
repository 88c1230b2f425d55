"""Catalog mappings and cached TikTok metadata in MappingsTable.

Keys (pk / sk):
  CATMAP#<shop>                / CATEGORY#<magento category id>   CategoryMapping
  ATTRMAP#<shop>               / <scope>#<tiktok attribute id>    AttributeMapping (scope: `*` or a category id)
  TTMETA#<shop>#<version>      / <kind>#<key>                     cached TikTok metadata, zlib-compressed JSON
                                                                  (`TREE#all`, `ATTRS#<cat>`, `RULES#<cat>`,
                                                                  `BRAND#<cat>#<name>`), with `fetched_at`
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from typing import Any, Protocol

from boto3.dynamodb.conditions import Key

from tts_connector.catalog.records import AttributeMapping, CategoryMapping


class CatalogStore(Protocol):
    def category_mappings(self, shop_id: str) -> list[CategoryMapping]: ...

    def save_category_mapping(self, mapping: CategoryMapping) -> CategoryMapping: ...

    def delete_category_mapping(self, shop_id: str, magento_category_id: int) -> bool: ...

    def attribute_mappings(self, shop_id: str) -> list[AttributeMapping]: ...

    def save_attribute_mapping(self, mapping: AttributeMapping) -> AttributeMapping: ...

    def delete_attribute_mapping(self, shop_id: str, tiktok_attribute_id: str, category_id: str | None) -> bool: ...

    def cached(self, shop_id: str, version: str, key: str) -> tuple[Any, int] | None:
        """A cached metadata value and when it was fetched (Unix seconds), or None."""
        ...

    def cache(self, shop_id: str, version: str, key: str, value: Any) -> None: ...


class DynamoDBCatalogStore:
    def __init__(self, table: Any, clock: Callable[[], float] = time.time):
        self._table = table
        self._clock = clock

    # ---------- category mappings ----------
    def category_mappings(self, shop_id: str) -> list[CategoryMapping]:
        return [CategoryMapping.model_validate_json(str(i["value"])) for i in self._query(f"CATMAP#{shop_id}")]

    def save_category_mapping(self, mapping: CategoryMapping) -> CategoryMapping:
        saved = mapping.model_copy(update={"updated_at": int(self._clock())})
        self._put(f"CATMAP#{mapping.shop_id}", f"CATEGORY#{mapping.magento_category_id}", saved.model_dump_json())
        return saved

    def delete_category_mapping(self, shop_id: str, magento_category_id: int) -> bool:
        return self._delete(f"CATMAP#{shop_id}", f"CATEGORY#{magento_category_id}")

    # ---------- attribute mappings ----------
    def attribute_mappings(self, shop_id: str) -> list[AttributeMapping]:
        return [AttributeMapping.model_validate_json(str(i["value"])) for i in self._query(f"ATTRMAP#{shop_id}")]

    def save_attribute_mapping(self, mapping: AttributeMapping) -> AttributeMapping:
        saved = mapping.model_copy(update={"updated_at": int(self._clock())})
        self._put(
            f"ATTRMAP#{mapping.shop_id}", f"{mapping.scope}#{mapping.tiktok_attribute_id}", saved.model_dump_json()
        )
        return saved

    def delete_attribute_mapping(self, shop_id: str, tiktok_attribute_id: str, category_id: str | None) -> bool:
        return self._delete(f"ATTRMAP#{shop_id}", f"{category_id or '*'}#{tiktok_attribute_id}")

    # ---------- cached TikTok metadata ----------
    def cached(self, shop_id: str, version: str, key: str) -> tuple[Any, int] | None:
        item = self._table.get_item(Key={"pk": f"TTMETA#{shop_id}#{version}", "sk": key}).get("Item")
        if not item:
            return None
        return json.loads(zlib.decompress(bytes(item["value"]))), int(item["fetched_at"])

    def cache(self, shop_id: str, version: str, key: str, value: Any) -> None:
        # Compressed: a v2 category tree is thousands of nodes, near DynamoDB's 400 KB item limit as JSON.
        packed = zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 6)
        self._table.put_item(
            Item={
                "pk": f"TTMETA#{shop_id}#{version}",
                "sk": key,
                "value": packed,
                "fetched_at": int(self._clock()),
            }
        )

    # ---------- internals ----------
    def _query(self, pk: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"KeyConditionExpression": Key("pk").eq(pk), "ConsistentRead": True}
        while True:
            page = self._table.query(**kwargs)
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _put(self, pk: str, sk: str, value: str) -> None:
        # JSON text: DynamoDB would turn floats into Decimals and back inexactly.
        self._table.put_item(Item={"pk": pk, "sk": sk, "value": value, "updated_at": int(self._clock())})

    def _delete(self, pk: str, sk: str) -> bool:
        answer = self._table.delete_item(Key={"pk": pk, "sk": sk}, ReturnValues="ALL_OLD")
        return bool(answer.get("Attributes"))
