"""The small HTML page the merchant's browser sees after TikTok redirects back to the connector."""

from __future__ import annotations

import base64
import hashlib
from html import escape

from tts_connector.connect.oauth import CallbackOutcome

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}"
    "h1{font-size:1.4rem}.ok{color:#0a7d32}.fail{color:#b00020}table{border-collapse:collapse;width:100%}"
    "td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}code{background:#f3f3f3;padding:0 .2rem}"
)


# The page has no script and one inline style block, allowed by its hash; nothing may frame it.
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}


def render_callback_page(outcome: CallbackOutcome) -> str:
    rows = "".join(
        f"<tr><td>{escape(s.name)}</td><td><code>{escape(s.shop_id)}</code></td><td>{escape(s.region)}</td>"
        f"<td>{escape(s.seller_type or '')}</td></tr>"
        for s in outcome.shops
    )
    table = (
        f"<table><tr><th>Shop</th><th>Shop id</th><th>Region</th><th>Seller type</th></tr>{rows}</table>"
        if outcome.shops
        else ""
    )
    css_class = "ok" if outcome.ok else "fail"
    action = f"<p><strong>Next:</strong> {escape(outcome.action)}</p>" if outcome.action else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(outcome.title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1 class={css_class}>{escape(outcome.title)}</h1><p>{escape(outcome.message)}</p>{table}{action}"
        "</body></html>"
    )
