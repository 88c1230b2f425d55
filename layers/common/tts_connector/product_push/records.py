"""What a push carries: the merchant's selection, the queue messages, and the records kept beside listings."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tts_connector.product_push.snapshot import ProductSnapshot

JOB_KIND = "product_push"
MAX_SKUS_PER_REQUEST = 5000


class PushSelection(BaseModel):
    """The guide's product grid selection: checked SKUs, or one filter (category, attribute set, updated
    since), or "Select All"."""

    model_config = ConfigDict(extra="forbid", strict=True)

    skus: list[str] = Field(default_factory=list, max_length=MAX_SKUS_PER_REQUEST)
    category_id: int | None = Field(default=None, ge=1)
    attribute_set_id: int | None = Field(default=None, ge=1)
    # Magento's updated_at, UTC: "2025-01-31 12:00:00" (or ISO 8601).
    updated_since: str | None = None
    all: bool = False

    @field_validator("skus")
    @classmethod
    def _clean_skus(cls, skus: list[str]) -> list[str]:
        cleaned = [s for s in (sku.strip() for sku in skus) if s]
        if len(cleaned) != len(skus):
            raise ValueError("SKUs must not be empty")
        if any(len(s) > 64 for s in cleaned):
            raise ValueError("Magento SKUs have at most 64 characters")
        return list(dict.fromkeys(cleaned))

    @field_validator("updated_since")
    @classmethod
    def _magento_time(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("updated_since must be a date and time, e.g. 2025-01-31 12:00:00 (UTC)") from None
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    @model_validator(mode="after")
    def _exactly_one(self) -> PushSelection:
        chosen = [bool(self.skus), self.category_id is not None, self.attribute_set_id is not None]
        chosen += [self.updated_since is not None, self.all]
        if sum(chosen) != 1:
            raise ValueError("choose exactly one of: skus, category_id, attribute_set_id, updated_since, all")
        return self

    def describe(self) -> str:
        if self.skus:
            return f"{len(self.skus)} SKU(s)"
        if self.category_id is not None:
            return f"category {self.category_id}"
        if self.attribute_set_id is not None:
            return f"attribute set {self.attribute_set_id}"
        if self.updated_since is not None:
            return f"updated since {self.updated_since}"
        return "all products"


class PlanMessage(BaseModel):
    """Read one page of the selection and send its products; the next page is a message of its own."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["plan"] = "plan"
    job_id: str
    shop_id: str
    warehouse_id: str
    selection: PushSelection
    # Where the page starts: the last Magento entity id of the previous page (filters) or an offset (SKUs).
    cursor: str | None = None
    # A retry: read these SKUs again and send them; the job's items exist already.
    retry_skus: list[str] = Field(default_factory=list)
    # When the push (or the retry) was started; its product messages carry it (`ProductMessage.planned_at`).
    started_at: float = 0.0


class ProductMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["product"] = "product"
    job_id: str
    shop_id: str
    warehouse_id: str
    sku: str
    # When the page was planned: the worker reads the job's mappings once per planning run (a retry planned
    # after a fix reads them again).
    planned_at: float = 0.0
    # What the planner read from Magento (None when too big for a message: the worker reads it itself).
    snapshot: ProductSnapshot | None = None


class WriteBackMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shop_id: str
    sku: str
    tiktok_product_id: str
    job_id: str | None = None


def parse_push_message(body: str) -> PlanMessage | ProductMessage:
    import json

    raw: Any = json.loads(body)
    if isinstance(raw, dict) and raw.get("kind") == "plan":
        return PlanMessage.model_validate(raw)
    return ProductMessage.model_validate(raw)


class WriteBackState(BaseModel):
    """The last write-back of a TikTok product id to a Magento product."""

    shop_id: str
    sku: str
    tiktok_product_id: str
    status: Literal["DONE", "FAILED"]
    message: str = ""
    hint: str | None = None
    at: int = 0
