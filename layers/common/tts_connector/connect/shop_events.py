"""TikTok topics about the authorization itself: 6 (seller deauthorized the app), 7 (authorization expiring)."""

from __future__ import annotations

from tts_connector.alerts import AlertPublisher
from tts_connector.connect.records import ShopStatus
from tts_connector.connect.store import ConnectStore
from tts_connector.events.models import EventOutcome, EventStatus
from tts_connector.webhooks.tiktok import TikTokNotification


def stopped_reason(store: ConnectStore, shop_id: str) -> str | None:
    """Why the connector does no work for this shop, or None when it may."""
    shop = store.get_shop(shop_id)
    if shop is not None and shop.status is ShopStatus.DISCONNECTED:
        return shop.status_reason or "the shop is disconnected"
    return None


def handle_deauthorization(
    notification: TikTokNotification, *, store: ConnectStore, alerts: AlertPublisher
) -> EventOutcome:
    shop = store.get_shop(notification.shop_id)
    if shop is None:
        return EventOutcome(status=EventStatus.IGNORED, detail=f"Shop {notification.shop_id} is not known here")
    reason = str(notification.data.get("message") or "The seller deauthorized the app")
    store.update_shop(shop.shop_id, status=ShopStatus.DISCONNECTED, status_reason=reason)
    alerts.publish(
        f"TikTok Shop {shop.name} disconnected",
        f"{reason}\nThe connector stopped all work for shop {shop.shop_id}. Re-authorize with `ttsc connect`.",
    )
    return EventOutcome(status=EventStatus.PROCESSED, detail=f"Shop {shop.shop_id} marked disconnected")


def handle_authorization_expiring(
    notification: TikTokNotification, *, store: ConnectStore, alerts: AlertPublisher
) -> EventOutcome:
    shop = store.get_shop(notification.shop_id)
    if shop is None:
        return EventOutcome(status=EventStatus.IGNORED, detail=f"Shop {notification.shop_id} is not known here")
    raw = notification.data.get("expiration_time")
    try:
        expires_at = int(str(raw))
    except ValueError:
        expires_at = None
    store.update_shop(shop.shop_id, authorization_expires_at=expires_at)
    alerts.publish(
        f"TikTok Shop {shop.name} authorization expiring",
        f"The authorization of shop {shop.shop_id} expires at {expires_at} (Unix time). "
        "Re-authorize with `ttsc connect` before then, or the connector stops working for this shop.",
    )
    return EventOutcome(status=EventStatus.PROCESSED, detail=f"Authorization expiry {expires_at} recorded")
