"""Connect data in the tokens table: one-time OAuth states, seller token pairs, shops, connector settings.

Key design (pk / sk):
  STATE#<state>    / STATE      single-use OAuth state, TTL `expires_at`
  SELLER#<open_id> / TOKENS     KMS-encrypted token pair, expiries, `version` and a refresh lease
  SHOP#<shop_id>   / SHOP       shop id, cipher, selection, default warehouse, connection status
  SETTINGS         / CONNECTOR  merchant-chosen connection settings
  MAGENTO          / SETUP      what the last Magento setup found (media URL, sources, attribute sets)
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from tts_connector.connect.records import ConnectorSettings, SellerTokens, Shop, ShopStatus
from tts_connector.connect.token_cipher import TokenCipher
from tts_connector.errors import ConflictError, NotFoundError


class ConnectStore(Protocol):
    def put_state(self, state: str, expires_at: int) -> None: ...
    def consume_state(self, state: str, now: int) -> bool: ...
    def get_seller(self, open_id: str) -> SellerTokens | None: ...
    def list_sellers(self) -> list[SellerTokens]: ...
    def save_new_authorization(self, tokens: SellerTokens) -> SellerTokens: ...
    def try_lease(self, open_id: str, version: int, now: int, seconds: int) -> bool: ...
    def release_lease(self, open_id: str) -> None: ...
    def save_refreshed(self, tokens: SellerTokens, expected_version: int) -> SellerTokens: ...
    def record_refresh_failure(self, open_id: str, reason: str, *, needs_reauthorization: bool) -> SellerTokens: ...
    def mark_reauthorization_alerted(self, open_id: str) -> None: ...
    def get_shop(self, shop_id: str) -> Shop | None: ...
    def list_shops(self) -> list[Shop]: ...
    def upsert_authorized_shop(self, shop: Shop) -> Shop: ...
    def update_shop(self, shop_id: str, **changes: Any) -> Shop: ...
    def get_settings(self) -> ConnectorSettings: ...
    def save_settings(self, settings: ConnectorSettings) -> ConnectorSettings: ...
    def get_magento_setup(self) -> dict[str, Any] | None: ...
    def save_magento_setup(self, report: dict[str, Any]) -> None: ...


def _conditional_failed(exc: ClientError) -> bool:
    return bool(exc.response["Error"]["Code"] == "ConditionalCheckFailedException")


class DynamoDBConnectStore:
    def __init__(self, table: Any, cipher: TokenCipher, clock: Any = time.time):
        self._table = table
        self._cipher = cipher
        self._clock = clock

    # ---------- OAuth state ----------
    def put_state(self, state: str, expires_at: int) -> None:
        self._table.put_item(
            Item={"pk": f"STATE#{state}", "sk": "STATE", "expires_at": expires_at, "created_at": int(self._clock())},
            ConditionExpression=Attr("pk").not_exists(),
        )

    def consume_state(self, state: str, now: int) -> bool:
        """Delete the state if it exists and is unexpired: the atomic delete makes it single-use."""
        try:
            self._table.delete_item(
                Key={"pk": f"STATE#{state}", "sk": "STATE"},
                ConditionExpression=Attr("pk").exists() & Attr("expires_at").gt(now),
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    # ---------- sellers ----------
    def get_seller(self, open_id: str) -> SellerTokens | None:
        item = self._table.get_item(Key={"pk": f"SELLER#{open_id}", "sk": "TOKENS"}, ConsistentRead=True).get("Item")
        return self._to_seller(item) if item else None

    def list_sellers(self) -> list[SellerTokens]:
        return [self._to_seller(i) for i in self._scan_prefix("SELLER#")]

    def save_new_authorization(self, tokens: SellerTokens) -> SellerTokens:
        """Store a fresh authorization; a re-authorization replaces the old pair and bumps the version."""
        current = self.get_seller(tokens.open_id)
        version = (current.version + 1) if current else 1
        saved = tokens.model_copy(update={"version": version, "updated_at": int(self._clock())})
        self._table.put_item(Item=self._seller_item(saved))
        return saved

    def try_lease(self, open_id: str, version: int, now: int, seconds: int) -> bool:
        try:
            self._table.update_item(
                Key={"pk": f"SELLER#{open_id}", "sk": "TOKENS"},
                UpdateExpression="SET lease_until = :until",
                ConditionExpression=Attr("version").eq(version)
                & (Attr("lease_until").not_exists() | Attr("lease_until").lt(now)),
                ExpressionAttributeValues={":until": now + seconds},
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    def release_lease(self, open_id: str) -> None:
        self._table.update_item(Key={"pk": f"SELLER#{open_id}", "sk": "TOKENS"}, UpdateExpression="REMOVE lease_until")

    def record_refresh_failure(self, open_id: str, reason: str, *, needs_reauthorization: bool) -> SellerTokens:
        """Count a failed refresh (the pair itself is untouched); optionally block the seller until re-authorized."""
        expression = "ADD refresh_failures :one SET reauthorization_reason = :r"
        values: dict[str, Any] = {":one": 1, ":r": reason[:500]}
        if needs_reauthorization:
            expression += ", needs_reauthorization = :t"
            values[":t"] = True
        self._table.update_item(
            Key={"pk": f"SELLER#{open_id}", "sk": "TOKENS"},
            UpdateExpression=expression,
            ConditionExpression=Attr("pk").exists(),
            ExpressionAttributeValues=values,
        )
        seller = self.get_seller(open_id)
        if seller is None:  # pragma: no cover - the condition above guarantees it exists
            raise NotFoundError(f"Seller {open_id} is not authorized")
        return seller

    def mark_reauthorization_alerted(self, open_id: str) -> None:
        self._table.update_item(
            Key={"pk": f"SELLER#{open_id}", "sk": "TOKENS"},
            UpdateExpression="SET reauthorization_alerted = :t",
            ExpressionAttributeValues={":t": True},
        )

    def save_refreshed(self, tokens: SellerTokens, expected_version: int) -> SellerTokens:
        saved = tokens.model_copy(update={"version": expected_version + 1, "updated_at": int(self._clock())})
        try:
            self._table.put_item(
                Item=self._seller_item(saved), ConditionExpression=Attr("version").eq(expected_version)
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                raise ConflictError(f"Tokens of seller {tokens.open_id} changed during the refresh") from exc
            raise
        return saved

    # ---------- shops ----------
    def get_shop(self, shop_id: str) -> Shop | None:
        item = self._table.get_item(Key={"pk": f"SHOP#{shop_id}", "sk": "SHOP"}, ConsistentRead=True).get("Item")
        return _to_shop(item) if item else None

    def list_shops(self) -> list[Shop]:
        return sorted((_to_shop(i) for i in self._scan_prefix("SHOP#")), key=lambda s: s.shop_id)

    def upsert_authorized_shop(self, shop: Shop) -> Shop:
        """Record a shop from Get Authorized Shops, keeping the merchant's selection and warehouse."""
        current = self.get_shop(shop.shop_id)
        merged = shop.model_copy(
            update={
                "selected": current.selected if current else False,
                "warehouse_id": current.warehouse_id if current else None,
                "status": ShopStatus.CONNECTED,
                "status_reason": None,
                "authorized_at": int(self._clock()),
                "updated_at": int(self._clock()),
            }
        )
        self._table.put_item(Item=_shop_item(merged))
        return merged

    def update_shop(self, shop_id: str, **changes: Any) -> Shop:
        current = self.get_shop(shop_id)
        if current is None:
            raise NotFoundError(
                f"Shop {shop_id} is not authorized for this connector", hint="Run `ttsc shops list` to see the shops"
            )
        updated = current.model_copy(update={**changes, "updated_at": int(self._clock())})
        self._table.put_item(Item=_shop_item(Shop.model_validate(updated.model_dump())))
        return updated

    # ---------- settings ----------
    def get_settings(self) -> ConnectorSettings:
        item = self._table.get_item(Key={"pk": "SETTINGS", "sk": "CONNECTOR"}, ConsistentRead=True).get("Item")
        return ConnectorSettings.model_validate(item.get("settings", {})) if item else ConnectorSettings()

    def save_settings(self, settings: ConnectorSettings) -> ConnectorSettings:
        self._table.put_item(Item={"pk": "SETTINGS", "sk": "CONNECTOR", "settings": settings.model_dump()})
        return settings

    # ---------- Magento setup ----------
    def get_magento_setup(self) -> dict[str, Any] | None:
        item = self._table.get_item(Key={"pk": "MAGENTO", "sk": "SETUP"}, ConsistentRead=True).get("Item")
        return dict(item["report"]) if item else None

    def save_magento_setup(self, report: dict[str, Any]) -> None:
        self._table.put_item(Item={"pk": "MAGENTO", "sk": "SETUP", "report": report, "updated_at": int(self._clock())})

    # ---------- internals ----------
    def _scan_prefix(self, prefix: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"FilterExpression": Attr("pk").begins_with(prefix), "ConsistentRead": True}
        while True:
            page = self._table.scan(**kwargs)
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _seller_item(self, tokens: SellerTokens) -> dict[str, Any]:
        owner = f"seller:{tokens.open_id}"
        return {
            "pk": f"SELLER#{tokens.open_id}",
            "sk": "TOKENS",
            "open_id": tokens.open_id,
            "seller_name": tokens.seller_name,
            "region": tokens.region,
            "access_token": self._cipher.encrypt(tokens.access_token, owner),
            "refresh_token": self._cipher.encrypt(tokens.refresh_token, owner),
            "access_expires_at": tokens.access_expires_at,
            "refresh_expires_at": tokens.refresh_expires_at,
            "granted_scopes": tokens.granted_scopes,
            "version": tokens.version,
            "updated_at": tokens.updated_at,
            "needs_reauthorization": tokens.needs_reauthorization,
            "reauthorization_reason": tokens.reauthorization_reason,
            "refresh_failures": tokens.refresh_failures,
            "reauthorization_alerted": tokens.reauthorization_alerted,
        }

    def _to_seller(self, item: dict[str, Any]) -> SellerTokens:
        owner = f"seller:{item['open_id']}"
        return SellerTokens(
            open_id=str(item["open_id"]),
            seller_name=item.get("seller_name"),
            region=item.get("region"),
            access_token=self._cipher.decrypt(bytes(item["access_token"]), owner),
            refresh_token=self._cipher.decrypt(bytes(item["refresh_token"]), owner),
            access_expires_at=int(item["access_expires_at"]),
            refresh_expires_at=int(item["refresh_expires_at"]),
            granted_scopes=list(item.get("granted_scopes") or []),
            version=int(item["version"]),
            updated_at=int(item.get("updated_at", 0)),
            needs_reauthorization=bool(item.get("needs_reauthorization", False)),
            reauthorization_reason=item.get("reauthorization_reason"),
            refresh_failures=int(item.get("refresh_failures", 0)),
            reauthorization_alerted=bool(item.get("reauthorization_alerted", False)),
        )


def _shop_item(shop: Shop) -> dict[str, Any]:
    data = shop.model_dump(mode="json")
    return {"pk": f"SHOP#{shop.shop_id}", "sk": "SHOP", **{k: v for k, v in data.items() if v is not None}}


def _to_shop(item: dict[str, Any]) -> Shop:
    fields = {k: v for k, v in item.items() if k not in ("pk", "sk")}
    for key in ("authorization_expires_at", "authorized_at", "updated_at"):
        if key in fields:
            fields[key] = int(fields[key])
    return Shop.model_validate(fields)
