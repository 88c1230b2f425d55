"""TikTok topics about the authorization itself: 6 (seller deauthorized the app), 7 (authorization expiring).

Both change what the connector believes about a shop, so a notification older than the shop's latest
authorization (a TikTok retry or a replay arriving after the seller authorized again) is recorded as
stale instead of undoing the newer grant.
"""

from __future__ import annotations

from tts_connector.alerts import AlertPublisher
from tts_connector.connect.records import Shop, ShopStatus
from tts_connector.connect.store import ConnectStore
from tts_connector.events.models import EventOutcome, EventStatus
from tts_connector.tiktok.webhook import TikTokNotification


def stopped_reason(store: ConnectStore, shop_id: str) -> str | None:
    """Why the connector does no work for this shop, or None when it may."""
    shop = store.get_shop(shop_id)
    if shop is None:
        return None
    if shop.status is ShopStatus.DISCONNECTED:
        return shop.status_reason or "the shop is disconnected"
    seller = store.get_seller(shop.open_id)
    if seller is not None and seller.needs_reauthorization:
        return f"the seller must re-authorize the app ({seller.reauthorization_reason or 'token refresh failed'})"
    return None


def _current_shop(store: ConnectStore, notification: TikTokNotification) -> Shop | EventOutcome:
    """The shop the notification is about, or the outcome to record when it does not apply."""
    shop = store.get_shop(notification.shop_id)
    if shop is None:
        return EventOutcome(status=EventStatus.IGNORED, detail=f"Shop {notification.shop_id} is not known here")
    if shop.authorized_at is not None and notification.timestamp < shop.authorized_at:
        return EventOutcome(
            status=EventStatus.IGNORED,
            detail=f"Stale: sent at {notification.timestamp}, before the shop's latest authorization at "
            f"{shop.authorized_at}",
        )
    return shop


def handle_deauthorization(
    notification: TikTokNotification, *, store: ConnectStore, alerts: AlertPublisher
) -> EventOutcome:
    shop = _current_shop(store, notification)
    if isinstance(shop, EventOutcome):
        return shop
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
    shop = _current_shop(store, notification)
    if isinstance(shop, EventOutcome):
        return shop
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
