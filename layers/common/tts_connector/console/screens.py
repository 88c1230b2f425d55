"""The console's screens: what the navigation shows, in order. A capability adds its screen here.

A screen is a module with an `APIGatewayRouter` named `router` (mounted by `app.build_console_app`) whose
GET `/console/ui/<slug>` returns the screen's fragment, and an entry in `SCREENS`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Screen:
    slug: str
    title: str
    summary: str


SCREENS: tuple[Screen, ...] = (
    Screen("overview", "Overview", "Every shop's health at a glance"),
    Screen("shops", "Shops", "Authorize shops, choose which to serve and their warehouse"),
    Screen("mappings", "Mappings", "Magento categories beside TikTok's, attributes still missing, conflicts"),
    Screen("listings", "Listings", "Magento products beside their TikTok listings; push failures by error"),
    Screen("jobs", "Jobs", "Product pushes: progress, per-product results, retry of failures"),
    Screen("orders", "Orders", "TikTok orders beside their Magento orders; failures and retry"),
    Screen("refunds", "Returns & refunds", "Returns, cancellations, credit memos; buyer requests to answer"),
    Screen("settings", "Settings", "How the connector behaves"),
    Screen("activity", "Activity", "Every event received, what became of it, and replay"),
)
