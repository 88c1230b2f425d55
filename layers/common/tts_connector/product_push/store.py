"""Product push's own records in MappingsTable, beside the shared listings.

Keys (pk / sk):
  PUSHINTENT#<shop>  / <magento sku>        a create in progress: its TikTok idempotency key, then its result
  AUDITSEEN#<shop>   / <tiktok product id>  an audit result that arrived before its listing was saved
  WRITEBACK#<shop>   / <magento sku>        the last write-back of the TikTok id to Magento
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.exceptions import ClientError

from tts_connector.listings.records import ListingStatus
from tts_connector.product_push.records import WriteBackState


@dataclass(frozen=True)
class PushIntent:
    """A create that may have reached TikTok: retried with the same idempotency key, never as a new create."""

    shop_id: str
    sku: str
    idempotency_key: str
    job_id: str
    started_at: int
    product_id: str | None = None
    skus: list[dict[str, Any]] = field(default_factory=list)
    fresh: bool = True  # False: an earlier attempt wrote it (a retry after a crash or a lost answer)


@dataclass(frozen=True)
class SeenAudit:
    status: ListingStatus
    reasons: list[str]
    at: int


class PushStore(Protocol):
    def begin_create(self, shop_id: str, sku: str, job_id: str) -> PushIntent: ...

    def created(self, intent: PushIntent, product_id: str, skus: list[dict[str, Any]]) -> None: ...

    def finish_create(self, shop_id: str, sku: str) -> None: ...

    def remember_audit(self, shop_id: str, product_id: str, audit: SeenAudit) -> None: ...

    def take_audit(self, shop_id: str, product_id: str) -> SeenAudit | None: ...

    def save_write_back(self, state: WriteBackState) -> None: ...

    def write_back(self, shop_id: str, sku: str) -> WriteBackState | None: ...


class DynamoDBPushStore:
    def __init__(self, table: Any, clock: Callable[[], float] = time.time):
        self._table = table
        self._clock = clock

    def begin_create(self, shop_id: str, sku: str, job_id: str) -> PushIntent:
        key = {"pk": f"PUSHINTENT#{shop_id}", "sk": sku}
        # UUIDv4, as TikTok recommends for idempotency keys (create-product spec).
        intent = PushIntent(shop_id, sku, str(uuid.uuid4()), job_id, int(self._clock()))
        try:
            self._table.put_item(
                Item={
                    **key,
                    "idempotency_key": intent.idempotency_key,
                    "job_id": job_id,
                    "started_at": intent.started_at,
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            item = self._table.get_item(Key=key, ConsistentRead=True)["Item"]
            return PushIntent(
                shop_id,
                sku,
                str(item["idempotency_key"]),
                str(item.get("job_id", job_id)),
                int(item.get("started_at", 0)),
                product_id=str(item["product_id"]) if item.get("product_id") else None,
                skus=json.loads(str(item.get("skus", "[]"))),
                fresh=False,
            )
        return intent

    def created(self, intent: PushIntent, product_id: str, skus: list[dict[str, Any]]) -> None:
        self._table.update_item(
            Key={"pk": f"PUSHINTENT#{intent.shop_id}", "sk": intent.sku},
            UpdateExpression="SET product_id = :p, skus = :s",
            ExpressionAttributeValues={":p": product_id, ":s": json.dumps(skus)},
        )

    def finish_create(self, shop_id: str, sku: str) -> None:
        self._table.delete_item(Key={"pk": f"PUSHINTENT#{shop_id}", "sk": sku})

    def remember_audit(self, shop_id: str, product_id: str, audit: SeenAudit) -> None:
        self._table.put_item(
            Item={
                "pk": f"AUDITSEEN#{shop_id}",
                "sk": product_id,
                "status": audit.status.value,
                "reasons": json.dumps(audit.reasons),
                "at": audit.at,
                # Kept a day: only a listing saved in the next seconds needs it.
                "expires_at": int(self._clock()) + 86400,
            }
        )

    def take_audit(self, shop_id: str, product_id: str) -> SeenAudit | None:
        answer = self._table.delete_item(Key={"pk": f"AUDITSEEN#{shop_id}", "sk": product_id}, ReturnValues="ALL_OLD")
        item = answer.get("Attributes")
        if not item:
            return None
        return SeenAudit(ListingStatus(str(item["status"])), json.loads(str(item["reasons"])), int(item["at"]))

    def save_write_back(self, state: WriteBackState) -> None:
        self._table.put_item(
            Item={"pk": f"WRITEBACK#{state.shop_id}", "sk": state.sku, "value": state.model_dump_json()}
        )

    def write_back(self, shop_id: str, sku: str) -> WriteBackState | None:
        item = self._table.get_item(Key={"pk": f"WRITEBACK#{shop_id}", "sk": sku}, ConsistentRead=True).get("Item")
        return WriteBackState.model_validate_json(str(item["value"])) if item else None
