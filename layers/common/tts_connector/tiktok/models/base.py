"""Base classes shared by all TikTok models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class TikTokResponseModel(BaseModel):
    """Lenient reader for TikTok answers: extra fields ignored, numeric ids coerced to str."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, coerce_numbers_to_str=True)


class TikTokRequestModel(BaseModel):
    """Strict writer for request bodies: unknown fields are a programming error."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_body(self) -> dict[str, Any]:
        """JSON-ready dict without unset/None fields (TikTok rejects some empty values)."""
        return self.model_dump(mode="json", exclude_none=True)


class Envelope(TikTokResponseModel):
    """TikTok's response envelope: success is `code == 0`, whatever the HTTP status."""

    code: int
    message: str = ""
    request_id: str | None = None
    data: Any = None
