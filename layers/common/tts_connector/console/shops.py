"""Shops: region, warehouse, expiries, Authorize / Re-authorize, the deauthorized banner, shop selection.

Every action is what the admin API does: `start_authorization` (GET /tts/authorization/start),
`admin.select_shop` (PUT /admin/shops/{id}), the shop's warehouses (GET /admin/shops/{id}/warehouses).
"""

# No `from __future__ import annotations`: Powertools reads route annotations at runtime.
import time
from dataclasses import dataclass

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tts_connector import wiring
from tts_connector.connect import admin
from tts_connector.connect.oauth import start_authorization
from tts_connector.connect.records import ShopStatus
from tts_connector.connect.store import ConnectStore
from tts_connector.console.auth import ConsoleUser, require_operator
from tts_connector.console.badges import Badge, expiry_badge, shop_badge
from tts_connector.console.overview import authorization_expiry
from tts_connector.console.responses import current_user, form, fragment
from tts_connector.errors import InvalidInputError
from tts_connector.settings import get_settings
from tts_connector.tiktok.models.logistics import Warehouse

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class ShopRow:
    view: admin.ShopView
    badge: Badge
    authorization_expires_at: int | None
    authorization_badge: Badge
    needs_authorization: bool


@dataclass(frozen=True)
class ShopsModel:
    user: ConsoleUser
    rows: list[ShopRow]
    now: int

    @property
    def banners(self) -> list[ShopRow]:
        return [r for r in self.rows if r.needs_authorization]


def build_shops(user: ConsoleUser, store: ConnectStore, *, now: int, warn_ahead_seconds: int) -> ShopsModel:
    status = admin.connection_status(store)
    refresh_by_seller = {s.open_id: s.refresh_expires_at for s in status.sellers}
    seller_of = {shop.shop_id: shop.open_id for shop in store.list_shops()}
    rows = []
    for view in status.shops:
        expires = authorization_expiry(view, refresh_by_seller.get(seller_of.get(view.shop_id, "")))
        rows.append(
            ShopRow(
                view=view,
                badge=shop_badge(view.status, view.status_reason),
                authorization_expires_at=expires,
                authorization_badge=expiry_badge(expires, now, warn_ahead_seconds),
                needs_authorization=view.status is not ShopStatus.CONNECTED,
            )
        )
    return ShopsModel(user=user, rows=rows, now=now)


class SelectionForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    selected: bool
    warehouse_id: str | None = Field(default=None, min_length=1, max_length=64)


def parse_selection(fields: dict[str, str]) -> admin.ShopSelection:
    """A checkbox `selected` (sent as "true" when ticked, absent otherwise) and an optional `warehouse_id`."""
    values = {k: v for k, v in fields.items() if v != ""}
    values.setdefault("selected", "false")
    if values["selected"] not in ("true", "false"):
        raise InvalidInputError("selected must be true or false")
    try:
        parsed = SelectionForm.model_validate({**values, "selected": values["selected"] == "true"})
    except ValidationError as exc:
        problem = exc.errors(include_url=False)[0]
        raise InvalidInputError(f"{'.'.join(str(p) for p in problem['loc'])}: {problem['msg']}") from exc
    return admin.ShopSelection(selected=parsed.selected, warehouse_id=parsed.warehouse_id)


def _shops_fragment(user: ConsoleUser, notice: str = "", status: int = 200) -> Response[str]:
    model = build_shops(
        user,
        wiring.connect_store(),
        now=int(time.time()),
        warn_ahead_seconds=get_settings().authorization_warn_ahead_seconds,
    )
    return fragment("shops.html", status=status, model=model, user=user, notice=notice)


@router.get("/console/ui/shops")
def shops() -> Response[str]:
    return _shops_fragment(current_user(router.current_event))


@router.post("/console/ui/shops/authorize")
def authorize() -> Response[str]:
    """A fresh single-use link to TikTok's authorization page, exactly as `ttsc connect` gets one."""
    user = current_user(router.current_event)
    require_operator(user)
    start = start_authorization(
        wiring.connect_store(),
        authorize_url=str(get_settings().tiktok_authorize_url),
        service_id=wiring.tiktok_app().service_id,
        now=int(time.time()),
    )
    return fragment("authorize_link.html", start=start)


@router.get("/console/ui/shops/<shop_id>/warehouses")
def warehouse_form(shop_id: str) -> Response[str]:
    user = current_user(router.current_event)
    require_operator(user)
    store = wiring.connect_store()
    warehouses: list[Warehouse] = wiring.tiktok_api().logistics.warehouses(admin.shop_ref(store, shop_id))
    shop = store.get_shop(shop_id)
    return fragment(
        "shop_selection_form.html",
        shop_id=shop_id,
        selected=bool(shop and shop.selected),
        current=shop.warehouse_id if shop else None,
        warehouses=warehouses,
    )


@router.post("/console/ui/shops/<shop_id>/selection")
def select(shop_id: str) -> Response[str]:
    """Serve the shop (or stop) with a warehouse: idempotent, it sets the state the form shows."""
    user = current_user(router.current_event)
    require_operator(user)
    selection = parse_selection(form(router.current_event))
    store = wiring.connect_store()
    view = admin.select_shop(store, shop_id, selection, wiring.tiktok_api().logistics.warehouses)
    notice = (
        f"The connector serves {view.name} with warehouse {view.warehouse_id or 'none'}."
        if view.selected
        else f"The connector no longer serves {view.name}."
    )
    return _shops_fragment(user, notice)
