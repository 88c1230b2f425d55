"""What a handler receives after the gateway checks passed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import FileStorage

from tiktok_sandbox import codes
from tiktok_sandbox.codes import ApiError
from tiktok_sandbox.config import ShopSeed
from tiktok_sandbox.state import Grant, SandboxState
from tiktok_sandbox.webhooks import WebhookDispatcher


@dataclass
class Ctx:
    state: SandboxState
    webhooks: WebhookDispatcher
    grant: Grant
    shop_or_none: ShopSeed | None
    query: dict[str, str]
    body: dict[str, Any]
    form: dict[str, str]
    files: dict[str, FileStorage]
    params: dict[str, str]
    base_url: str

    @property
    def shop(self) -> ShopSeed:
        assert self.shop_or_none is not None, "route declared shop-scoped"
        return self.shop_or_none

    def page_size(self, low: int, high: int, *, required: bool = True, default: int = 20) -> int:
        raw = self.query.get("page_size")
        if raw is None:
            if required:
                raise ApiError(codes.INVALID_CREDENTIAL, "param page_size is missing", 400)
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise ApiError(codes.INVALID_CREDENTIAL, f"param page_size must be between {low} and {high}", 400)
        return int(raw)


def paginate(items: list[Any], page_size: int, page_token: str | None) -> tuple[list[Any], str]:
    """Offset pagination; tokens hold `/` and `+` like TikTok's, to exercise URL encoding."""
    offset = 0
    if page_token:
        try:
            offset = int(page_token.split("/+", 1)[1])
        except (IndexError, ValueError):
            raise ApiError(codes.INVALID_CREDENTIAL, "param page_token is invalid", 400) from None
    page = items[offset : offset + page_size]
    next_offset = offset + page_size
    token = f"pg/+{next_offset}" if next_offset < len(items) else ""
    return page, token
