"""What a REST handler receives, and how handlers declare the routes they serve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from magento_sandbox.config import SandboxConfig
from magento_sandbox.state import SandboxState


@dataclass
class RequestContext:
    state: SandboxState
    config: SandboxConfig
    params: dict[str, str]
    args: list[tuple[str, str]]
    body: Any
    store_code: str
    base_url: str

    def arg(self, name: str) -> str | None:
        return next((v for k, v in self.args if k == name), None)

    def media_base_url(self) -> str:
        return f"{self.base_url}/media/"


Handler = Callable[[RequestContext], Any]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    # ACL resource the integration needs; None for Magento's anonymous routes (guest carts).
    resource: str | None
