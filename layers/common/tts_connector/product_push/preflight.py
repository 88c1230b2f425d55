"""Preflight problems: why a product cannot go to TikTok, said so the merchant knows what to change.

Each problem names the Magento product, the Magento attribute (or mapping) to fix and why - the guide's
"check the product attributes according to the error message" - and is found before any call that creates
or uploads anything on TikTok.
"""

from __future__ import annotations

from dataclasses import dataclass

from tts_connector.errors import ConnectorError
from tts_connector.jobs.records import ItemFailure


@dataclass(frozen=True)
class Problem:
    message: str
    magento_attribute: str | None = None
    hint: str | None = None


class PreflightFailed(ConnectorError):
    code = "preflight_failed"
    http_status = 422

    def __init__(self, sku: str, problems: list[Problem]):
        self.sku = sku
        self.problems = problems
        first = problems[0]
        text = "; ".join(p.message for p in problems)
        super().__init__(f"Magento product {sku}: {text}", hint=first.hint)

    def failure(self) -> ItemFailure:
        hints = list(dict.fromkeys(p.hint for p in self.problems if p.hint))
        return ItemFailure(
            code=self.code,
            message=self.message[:3000],
            hint=" | ".join(hints)[:1000] or None,
            magento_attribute=self.problems[0].magento_attribute,
            retryable=False,
        )
