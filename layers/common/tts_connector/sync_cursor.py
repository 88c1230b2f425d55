"""Where a reconciliation run starts: the changes since its stored cursor, overlapping the previous run.

Order import (TikTok orders, Magento shipments) and refunds (TikTok returns and cancellations) sweep search
APIs from a cursor, so a lost webhook or event is found again. The cursor is overlapped by `OVERLAP_SECONDS`:
TikTok's search is not promised to show a change the second its update_time is set, and Magento's `created_at`
has second resolution; what a run finds twice it queues once (its key). When the cursor advances, and how far,
stays each capability's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

OVERLAP_SECONDS = 600


class CursorStore(Protocol):
    def get_cursor(self, name: str) -> int | None: ...

    def set_cursor(self, name: str, value: int) -> None: ...


# Reconcile now (order import's and refunds' admin `sync`): one shop or all served, from a time or the cursors.
# No docstring: it would become the request's description in docs/admin-openapi.json.
class SyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    shop_id: str | None = Field(default=None, min_length=1, max_length=64)
    # Unix seconds; unset continues from each shop's cursor (with overlap).
    since: int | None = Field(default=None, ge=0)


def sync_since(store: CursorStore, name: str, first_lookback_seconds: Callable[[], int], now: int) -> int:
    """The stored cursor `name` minus the overlap; on the first run, `first_lookback_seconds()` before `now`
    (a callable: it may read the shop's settings, which a run with a cursor does not need)."""
    stored = store.get_cursor(name)
    if stored is None:
        return now - first_lookback_seconds()
    return stored - OVERLAP_SECONDS
