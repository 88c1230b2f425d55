"""Job and item records."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class JobStatus(StrEnum):
    # Items are still being added (a selection read page by page); the job cannot complete yet.
    PLANNING = "PLANNING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"  # every item finished; `failed` says how many did not succeed


class ItemStatus(StrEnum):
    QUEUED = "QUEUED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"

    @property
    def finished(self) -> bool:
        return self is not ItemStatus.QUEUED


class Job(BaseModel):
    model_config = ConfigDict(frozen=True)

    job_id: str
    kind: str  # the capability's name for it: "product_push", "price_push", "stock_push", ...
    shop_id: str
    warehouse_id: str | None = None
    # What the merchant asked for (SKUs or the filter), shown back in `ttsc jobs show`.
    selection: dict[str, Any] = Field(default_factory=dict)
    status: JobStatus = JobStatus.RUNNING
    total: int = 0
    succeeded: int = 0
    failed: int = 0
    created_at: int = 0
    finished_at: int | None = None
    # While PLANNING: how far the planner got (its own cursor, e.g. the last Magento entity id read).
    plan_cursor: str | None = None

    @property
    def done(self) -> int:
        return self.succeeded + self.failed


class ItemFailure(BaseModel):
    """Why an item failed, for the merchant: what to fix, and TikTok's or Magento's own words."""

    model_config = ConfigDict(frozen=True)

    code: str  # the connector's error code (e.g. "preflight_failed", "tiktok_api_error")
    message: str
    hint: str | None = None
    # The Magento attribute (or mapping) the merchant changes to fix it, when there is one.
    magento_attribute: str | None = None
    tiktok_code: int | None = None
    request_id: str | None = None
    retryable: bool = False


class JobItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    job_id: str
    item_key: str  # the Magento SKU (or other business key) the item is about
    status: ItemStatus = ItemStatus.QUEUED
    attempts: int = 0
    failure: ItemFailure | None = None
    # What succeeded produced (e.g. the TikTok product id), shown in the job's details.
    result: dict[str, Any] = Field(default_factory=dict)
    updated_at: int = 0
