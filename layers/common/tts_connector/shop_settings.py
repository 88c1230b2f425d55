"""Per-shop settings of each capability (price rule, stock buffer, order import options, ...).

One item per shop and section in MappingsTable (`pk` = `SETTINGS#<shop>`, `sk` = the section name); the
section's pydantic model gives the defaults, so an unset section reads as its defaults.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

M = TypeVar("M", bound=BaseModel)


class ShopSettingsStore(Protocol):
    def get(self, shop_id: str, section: str, model: type[M]) -> M: ...

    def save(self, shop_id: str, section: str, value: BaseModel) -> None: ...


class DynamoDBShopSettingsStore:
    def __init__(self, table: Any, clock: Callable[[], float] = time.time):
        self._table = table
        self._clock = clock

    def get(self, shop_id: str, section: str, model: type[M]) -> M:
        item = self._table.get_item(Key={"pk": f"SETTINGS#{shop_id}", "sk": section}, ConsistentRead=True).get("Item")
        return model.model_validate_json(str(item["value"])) if item else model()

    def save(self, shop_id: str, section: str, value: BaseModel) -> None:
        # Stored as JSON text: DynamoDB would turn floats into Decimals and back inexactly.
        self._table.put_item(
            Item={
                "pk": f"SETTINGS#{shop_id}",
                "sk": section,
                "value": value.model_dump_json(),
                "updated_at": int(self._clock()),
            }
        )


# ---------- Inventory: which Magento MSI sources feed each TikTok warehouse ----------
INVENTORY_SECTION = "inventory"


class InventorySettings(BaseModel):
    """Stock pushed to a TikTok warehouse is the sum over the Magento sources listed for it.

    Used by product push and price/stock sync. A warehouse not listed is fed by every enabled source.
    """

    model_config = ConfigDict(extra="forbid")

    sources_by_warehouse: dict[str, list[str]] = Field(default_factory=dict)

    def sources_for(self, warehouse_id: str, enabled_sources: list[str]) -> list[str]:
        chosen = self.sources_by_warehouse.get(warehouse_id)
        return list(chosen) if chosen else list(enabled_sources)
