"""Listings in MappingsTable.

Keys (pk / sk):
  LISTING#<shop>                       / PRODUCT#<magento sku>     the listing (all its SKUs)
  SKU#<shop>#<magento sku>             / SKU                       SkuLink, lookup by Magento SKU
  TTSKU#<shop>#<tiktok sku id>         / SKU                       SkuLink, lookup by TikTok SKU id
  TTPRODUCT#<shop>#<tiktok product id> / PRODUCT                   the listing's Magento SKU, lookup by TikTok id

A listing and its lookup items are written in one transaction, so a lookup never points at a listing that
was not saved, and SKUs a configurable no longer has lose their lookups in the same write.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, Protocol

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from tts_connector.listings.records import Listing, ListingStatus, SkuLink

# TransactWriteItems takes at most 100 actions: the listing, its product lookup, two per SKU, and deletes.
MAX_SKUS_PER_LISTING = 45


class ListingStore(Protocol):
    def save(self, listing: Listing) -> Listing:
        """Create or replace the listing with its SKU lookups (stale lookups removed)."""
        ...

    def get(self, shop_id: str, magento_sku: str) -> Listing | None: ...

    def by_tiktok_product(self, shop_id: str, tiktok_product_id: str) -> Listing | None: ...

    def sku_by_magento(self, shop_id: str, magento_sku: str) -> SkuLink | None: ...

    def sku_by_tiktok(self, shop_id: str, tiktok_sku_id: str) -> SkuLink | None: ...

    def iter_listings(self, shop_id: str, after: str | None = None) -> Iterator[Listing]:
        """Every listing of the shop, by Magento SKU, page by page; with `after`, those after that SKU."""
        ...

    def get_many(self, shop_id: str, magento_skus: list[str]) -> dict[str, Listing]:
        """The listings of these Magento SKUs that exist, by SKU (batched reads)."""
        ...

    def set_status(
        self, shop_id: str, magento_sku: str, status: ListingStatus, reasons: list[str], at: int
    ) -> Listing | None:
        """Record TikTok's status if `at` is not older than the one recorded; the listing, or None if unknown."""
        ...


def sku_links(listing: Listing) -> list[SkuLink]:
    return [
        SkuLink(
            shop_id=listing.shop_id,
            magento_sku=sku.magento_sku,
            magento_product_id=sku.magento_product_id,
            tiktok_product_id=listing.tiktok_product_id,
            tiktok_sku_id=sku.tiktok_sku_id,
            listing_sku=listing.magento_sku,
        )
        for sku in listing.skus
    ]


class DynamoDBListingStore:
    def __init__(self, table: Any, clock: Callable[[], float] = time.time):
        self._table = table
        self._clock = clock

    # ---------- writes ----------
    def save(self, listing: Listing) -> Listing:
        if len(listing.skus) > MAX_SKUS_PER_LISTING:
            raise ValueError(f"A listing holds at most {MAX_SKUS_PER_LISTING} SKUs")
        saved = listing.model_copy(update={"updated_at": int(self._clock())})
        previous = self.get(listing.shop_id, listing.magento_sku)
        puts = [_listing_item(saved), _product_lookup(saved)]
        puts += [item for link in sku_links(saved) for item in _sku_lookups(link)]
        keys = {(i["pk"], i["sk"]) for i in puts}
        deletes = []
        if previous is not None:
            stale = [i for link in sku_links(previous) for i in _sku_lookups(link)]
            if previous.tiktok_product_id != saved.tiktok_product_id:
                stale.append(_product_lookup(previous))
            deletes = [{"pk": i["pk"], "sk": i["sk"]} for i in stale if (i["pk"], i["sk"]) not in keys]
        # The resource's client serialises Python values itself (boto3's transformation injector).
        table = self._table.name
        actions: list[dict[str, Any]] = [{"Put": {"TableName": table, "Item": _no_nulls(i)}} for i in puts]
        actions += [{"Delete": {"TableName": table, "Key": k}} for k in deletes]
        self._table.meta.client.transact_write_items(TransactItems=actions)
        return saved

    def set_status(
        self, shop_id: str, magento_sku: str, status: ListingStatus, reasons: list[str], at: int
    ) -> Listing | None:
        try:
            response = self._table.update_item(
                Key={"pk": f"LISTING#{shop_id}", "sk": f"PRODUCT#{magento_sku}"},
                UpdateExpression="SET #s = :s, audit_reasons = :r, status_at = :at, updated_at = :now",
                ConditionExpression=Attr("pk").exists() & (Attr("status_at").not_exists() | Attr("status_at").lte(at)),
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":s": status.value,
                    ":r": list(reasons),
                    ":at": at,
                    ":now": int(self._clock()),
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return self.get(shop_id, magento_sku)
            raise
        return _to_listing(response["Attributes"])

    # ---------- reads ----------
    def get(self, shop_id: str, magento_sku: str) -> Listing | None:
        item = self._get(f"LISTING#{shop_id}", f"PRODUCT#{magento_sku}")
        return _to_listing(item) if item else None

    def by_tiktok_product(self, shop_id: str, tiktok_product_id: str) -> Listing | None:
        item = self._get(f"TTPRODUCT#{shop_id}#{tiktok_product_id}", "PRODUCT")
        return self.get(shop_id, str(item["magento_sku"])) if item else None

    def sku_by_magento(self, shop_id: str, magento_sku: str) -> SkuLink | None:
        item = self._get(f"SKU#{shop_id}#{magento_sku}", "SKU")
        return _to_link(item) if item else None

    def sku_by_tiktok(self, shop_id: str, tiktok_sku_id: str) -> SkuLink | None:
        item = self._get(f"TTSKU#{shop_id}#{tiktok_sku_id}", "SKU")
        return _to_link(item) if item else None

    def iter_listings(self, shop_id: str, after: str | None = None) -> Iterator[Listing]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(f"LISTING#{shop_id}") & Key("sk").begins_with("PRODUCT#"),
            "ConsistentRead": True,
        }
        if after is not None:
            # A cursor (reconciliation resumes after the last listing it checked).
            kwargs["ExclusiveStartKey"] = {"pk": f"LISTING#{shop_id}", "sk": f"PRODUCT#{after}"}
        while True:
            page = self._table.query(**kwargs)
            for item in page.get("Items", []):
                yield _to_listing(item)
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def get_many(self, shop_id: str, magento_skus: list[str]) -> dict[str, Listing]:
        found: dict[str, Listing] = {}
        keys = [{"pk": f"LISTING#{shop_id}", "sk": f"PRODUCT#{sku}"} for sku in dict.fromkeys(magento_skus)]
        client = self._table.meta.client
        for start in range(0, len(keys), 100):
            request: dict[str, Any] = {self._table.name: {"Keys": keys[start : start + 100], "ConsistentRead": True}}
            while request:
                answer = client.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table.name, []):
                    listing = _to_listing(item)
                    found[listing.magento_sku] = listing
                request = answer.get("UnprocessedKeys") or {}
        return found

    # ---------- internals ----------
    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self._table.get_item(Key={"pk": pk, "sk": sk}, ConsistentRead=True).get("Item")
        return item


def _no_nulls(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if v is not None}


def _listing_item(listing: Listing) -> dict[str, Any]:
    data = listing.model_dump(mode="json")
    return {"pk": f"LISTING#{listing.shop_id}", "sk": f"PRODUCT#{listing.magento_sku}", **data}


def _product_lookup(listing: Listing) -> dict[str, Any]:
    return {
        "pk": f"TTPRODUCT#{listing.shop_id}#{listing.tiktok_product_id}",
        "sk": "PRODUCT",
        "magento_sku": listing.magento_sku,
    }


def _sku_lookups(link: SkuLink) -> list[dict[str, Any]]:
    data = link.model_dump(mode="json")
    return [
        {"pk": f"SKU#{link.shop_id}#{link.magento_sku}", "sk": "SKU", **data},
        {"pk": f"TTSKU#{link.shop_id}#{link.tiktok_sku_id}", "sk": "SKU", **data},
    ]


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB numbers come back as Decimal; the records hold ints."""
    return {k: _from_dynamodb(v) for k, v in item.items() if k not in ("pk", "sk")}


def _from_dynamodb(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_from_dynamodb(v) for v in value]
    if isinstance(value, dict):
        return {k: _from_dynamodb(v) for k, v in value.items()}
    return value


def _to_listing(item: dict[str, Any]) -> Listing:
    return Listing.model_validate(_plain(item))


def _to_link(item: dict[str, Any]) -> SkuLink:
    return SkuLink.model_validate(_plain(item))
