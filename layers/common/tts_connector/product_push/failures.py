"""Turning what went wrong into the item failure a merchant reads: what, why, and what to change.

TikTok's refusals keep TikTok's code and request id (support asks for them) and, for the codes the
connector knows, name the Magento attribute or mapping behind them.
"""

from __future__ import annotations

from tts_connector.errors import ConnectorError
from tts_connector.jobs.records import ItemFailure
from tts_connector.tiktok.errors import TikTokApiError

# TikTok code -> (Magento attribute or mapping, what to do). Codes from the reference (§4, §8.2) and the
# Create Product error table; the sandbox's own numbers (SANDBOX in its codes.py) are included so the same
# hints show locally.
KNOWN_CODES: dict[int, tuple[str | None, str]] = {
    12052024: ("category mapping", "Map the Magento category to a TikTok leaf category (`ttsc categories map`)"),
    12052217: ("category mapping", "Map the category again: US shops use TikTok's v2 categories"),
    12052181: ("weight", "Set a weight above 0 in Magento"),
    12052208: ("brand", "The shop needs TikTok's authorization for this brand, or clear the brand in Magento"),
    12052230: ("identifier code", "Check the identifier code; TikTok keeps it once the product left DRAFT"),
    12052240: ("attribute mapping", "Map the required TikTok attribute: `ttsc attributes show CATEGORY`"),
    12052210: ("configurable attributes", "Check the variants' configurable attributes (at most 3, all set)"),
    12052220: ("sku", "Seller SKUs must be unique within the product"),
    12052290: ("warehouse", "Push to one of the shop's sales warehouses (`ttsc warehouses list`)"),
}


def failure_for(exc: Exception, sku: str, *, attempts: int | None = None) -> ItemFailure:
    if isinstance(exc, TikTokApiError):
        attribute, hint = KNOWN_CODES.get(
            exc.tiktok_code or 0, (None, exc.hint or "Fix the product in Magento and retry")
        )
        return ItemFailure(
            code=exc.code,
            message=f"Magento product {sku}: TikTok refused it: {exc.tiktok_message or exc.message} "
            f"(TikTok code {exc.tiktok_code})",
            hint=hint,
            magento_attribute=attribute,
            tiktok_code=exc.tiktok_code,
            request_id=exc.request_id,
            retryable=False,
        )
    if isinstance(exc, ConnectorError):
        tries = f" after {attempts} attempts" if attempts and exc.retryable else ""
        details = exc.details or {}
        code = details.get("tiktok_code")
        request_id = details.get("request_id")
        return ItemFailure(
            code=exc.code,
            message=f"Magento product {sku}: {exc.message}{tries}",
            hint=exc.hint or ("Retry it with `ttsc jobs retry`" if exc.retryable else None),
            tiktok_code=code if isinstance(code, int) else None,
            request_id=request_id if isinstance(request_id, str) else None,
            retryable=exc.retryable,
        )
    return ItemFailure(
        code="internal_error",
        message=f"Magento product {sku}: the connector failed unexpectedly ({type(exc).__name__})",
        hint="See the ProductPushFunction log; retry with `ttsc jobs retry`",
        retryable=True,
    )
