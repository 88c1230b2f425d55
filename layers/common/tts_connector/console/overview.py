"""Overview: per shop, the connection's expiries, the last webhook, failures; the pipeline's parked events.

Capabilities fill their slot in `SHOP_SLOTS` (a function of the shop id returning a `SlotValue`, defined in
the capability's screen module); until then the slot reads "not available yet" with the capability it comes
with, never a made-up number.
"""

# No `from __future__ import annotations`: Powertools reads route annotations at runtime.
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from tts_connector import wiring
from tts_connector.connect import admin
from tts_connector.connect.store import ConnectStore
from tts_connector.console.auth import ConsoleUser
from tts_connector.console.badges import Badge, expiry_badge, shop_badge
from tts_connector.console.jobs import running_jobs_slot
from tts_connector.console.listings import listings_slot
from tts_connector.console.orders import failed_orders_slot
from tts_connector.console.responses import current_user, fragment
from tts_connector.console.slots import ShopSlot, SlotValue
from tts_connector.events.activity import EventActivity
from tts_connector.events.models import EventStatus, StoredEvent
from tts_connector.events.store import RETENTION_SECONDS
from tts_connector.settings import get_settings

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


# Filled by the capabilities' screens.
SHOP_SLOTS: list[ShopSlot] = [
    ShopSlot(
        "failed_orders_24h",
        "Failed orders (24 h)",
        "order import",
        lambda shop_id: failed_orders_slot(wiring.order_store(), shop_id, int(time.time())),
    ),
    ShopSlot(
        "listings_by_status",
        "Listings by status",
        "product push",
        lambda shop_id: listings_slot(wiring.listing_store(), wiring.job_store(), shop_id),
    ),
    ShopSlot(
        "running_jobs", "Running jobs", "product push", lambda shop_id: running_jobs_slot(wiring.job_store(), shop_id)
    ),
]


@dataclass(frozen=True)
class FilledSlot:
    title: str
    value: SlotValue | None
    comes_with: str


@dataclass(frozen=True)
class ShopHealth:
    view: admin.ShopView
    badge: Badge
    token_expires_at: int | None
    authorization_expires_at: int | None
    authorization_badge: Badge
    last_webhook_at: int | None
    failed_events: int
    slots: list[FilledSlot]


@dataclass(frozen=True)
class DeadLetterDepth:
    name: str
    depth: int | None
    error: str = ""


@dataclass(frozen=True)
class OverviewModel:
    user: ConsoleUser
    shops: list[ShopHealth]
    dead_letters: list[DeadLetterDepth]
    failed_unattributed: int
    now: int
    magento_ready: bool
    notes: list[str] = field(default_factory=list)


def authorization_expiry(shop_view: admin.ShopView, seller_refresh_expiry: int | None) -> int | None:
    """The earlier of TikTok's notice (webhook 7) and the refresh token's end: the authorization ends then."""
    known = [t for t in (shop_view.authorization_expires_at, seller_refresh_expiry) if t]
    return min(known) if known else None


def build_overview(
    user: ConsoleUser,
    store: ConnectStore,
    activity: EventActivity,
    dead_letter_depths: Callable[[], list[DeadLetterDepth]],
    *,
    now: int,
    warn_ahead_seconds: int,
) -> OverviewModel:
    status = admin.connection_status(store)
    refresh_by_seller = {s.open_id: s.refresh_expires_at for s in status.sellers}
    seller_of = {shop.shop_id: shop.open_id for shop in store.list_shops()}
    since = now - RETENTION_SECONDS
    failed = activity.recent([EventStatus.FAILED], since=since, until=now + 1, limit=1000)
    failed_by_shop: dict[str, int] = {}
    for event in failed:
        shop_id = event.shop_id if isinstance(event, StoredEvent) else None
        failed_by_shop[shop_id or ""] = failed_by_shop.get(shop_id or "", 0) + 1
    shops = []
    for view in status.shops:
        expires = authorization_expiry(view, refresh_by_seller.get(seller_of.get(view.shop_id, "")))
        shops.append(
            ShopHealth(
                view=view,
                badge=shop_badge(view.status, view.status_reason),
                token_expires_at=view.access_expires_at,
                authorization_expires_at=expires,
                authorization_badge=expiry_badge(expires, now, warn_ahead_seconds),
                last_webhook_at=activity.last_seen(view.shop_id, since=since, until=now + 1),
                failed_events=failed_by_shop.get(view.shop_id, 0),
                slots=[
                    FilledSlot(s.title, s.provider(view.shop_id) if s.provider else None, s.comes_with)
                    for s in SHOP_SLOTS
                ],
            )
        )
    return OverviewModel(
        user=user,
        shops=shops,
        dead_letters=dead_letter_depths(),
        failed_unattributed=failed_by_shop.get("", 0),
        now=now,
        magento_ready=status.magento is not None,
    )


def dead_letter_depths() -> list[DeadLetterDepth]:
    depths = []
    for queue in wiring.dead_letter_queues():
        try:
            depths.append(DeadLetterDepth(queue.name, queue.approximate_depth()))
        except Exception as exc:  # one unreadable queue must not hide the rest of the overview
            depths.append(DeadLetterDepth(queue.name, None, type(exc).__name__))
    return depths


@router.get("/console/ui/overview")
def overview() -> Response[str]:
    user = current_user(router.current_event)
    model = build_overview(
        user,
        wiring.connect_store(),
        wiring.event_activity(),
        dead_letter_depths,
        now=int(time.time()),
        warn_ahead_seconds=get_settings().authorization_warn_ahead_seconds,
    )
    return fragment("overview.html", model=model, user=user)
