"""An Overview slot: one number per shop that a capability fills, linking to its filtered list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SlotValue:
    value: str
    detail: str = ""
    link: str = ""


@dataclass(frozen=True)
class ShopSlot:
    key: str
    title: str
    comes_with: str
    provider: Callable[[str], SlotValue] | None = None
