"""Settings: the connector's own settings (`SettingsSection`) and each served shop's, one section per
capability (`ShopSettingsSection`, in `settings_sections`), for the shop chosen on the screen."""

# No `from __future__ import annotations`: Powertools reads route annotations at runtime.
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ValidationError

from tts_connector import wiring
from tts_connector.connect.records import ConnectorSettings
from tts_connector.console import settings_sections as shop_sections
from tts_connector.console.auth import ConsoleUser, require_operator
from tts_connector.console.responses import current_user, form, fragment, query
from tts_connector.errors import ConnectorError, InvalidInputError, NotFoundError

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class SettingsSection:
    """One form on the Settings screen: its template shows `value`, POST saves what `parse` builds."""

    key: str
    title: str
    template: str
    load: Callable[[], BaseModel]
    parse: Callable[[dict[str, str]], BaseModel]
    save: Callable[[BaseModel], BaseModel]


@dataclass(frozen=True)
class ShopSettingsSection:
    """One form per shop: its template shows `load(shop)`; POST hands the form to `save(shop, fields)`, which
    parses it whole (unknown fields refused), saves it as the admin route does and says what happened."""

    key: str
    title: str
    template: str
    load: Callable[[str], Any]
    save: Callable[[str, dict[str, str]], str]


def _parse_connector(fields: dict[str, str]) -> BaseModel:
    values = shop_sections.form_values(fields, known=(), checkboxes=("allow_app_store_installs",))
    try:
        return ConnectorSettings(**values)
    except ValidationError as exc:  # pragma: no cover - form_values leaves nothing to refuse
        raise InvalidInputError(str(exc)) from exc


def _save_connector(value: BaseModel) -> BaseModel:
    assert isinstance(value, ConnectorSettings)
    return wiring.connect_store().save_settings(value)  # what PUT /admin/settings does


SECTIONS: list[SettingsSection] = [
    SettingsSection(
        key="connector",
        title="Connection",
        template="settings_connector.html",
        load=lambda: wiring.connect_store().get_settings(),
        parse=_parse_connector,
        save=_save_connector,
    ),
]


SHOP_SECTIONS: list[ShopSettingsSection] = [
    ShopSettingsSection(
        "sync", "Price and stock sync", "settings_sync.html", shop_sections.load_sync, shop_sections.save_sync
    ),
    ShopSettingsSection(
        "inventory",
        "Magento sources → TikTok warehouses",
        "settings_inventory.html",
        shop_sections.load_inventory,
        shop_sections.save_inventory,
    ),
    ShopSettingsSection(
        "orders", "Order import", "settings_orders.html", shop_sections.load_orders, shop_sections.save_orders
    ),
    ShopSettingsSection(
        "carriers",
        "Carriers → TikTok shipping providers",
        "settings_carriers.html",
        shop_sections.load_carriers,
        shop_sections.save_carrier,
    ),
    ShopSettingsSection(
        "refunds", "Refunds", "settings_refunds.html", shop_sections.load_refunds, shop_sections.save_refunds
    ),
]


def _section(key: str) -> SettingsSection:
    for section in SECTIONS:
        if section.key == key:
            return section
    raise NotFoundError(f"There is no settings section {key!r}")


def _shop_section(key: str) -> ShopSettingsSection:
    for section in SHOP_SECTIONS:
        if section.key == key:
            return section
    raise NotFoundError(f"There is no shop settings section {key!r}")


def served_shops() -> list[str]:
    return [s.shop_id for s in wiring.connect_store().list_shops() if s.selected]


def chosen_shop(requested: str | None, served: list[str]) -> str | None:
    if requested is not None and requested not in served:
        raise InvalidInputError(f"The connector does not serve shop {requested}", hint="Choose one of the shops listed")
    return requested or (served[0] if served else None)


def shop_entries(
    shop_id: str, failed: tuple[str, ConnectorError] | None = None, saved: tuple[str, str] | None = None
) -> list[dict[str, Any]]:
    """Each shop section with its value; a section whose read fails says why, and the others still show."""
    entries: list[dict[str, Any]] = []
    for section in SHOP_SECTIONS:
        entry: dict[str, Any] = {"section": section, "value": None, "error": None, "saved": ""}
        try:
            entry["value"] = section.load(shop_id)
        except ConnectorError as exc:  # e.g. TikTok or Magento unreachable, the shop deauthorized
            entry["error"] = exc
        if failed is not None and failed[0] == section.key:
            entry["error"] = failed[1]
        if saved is not None and saved[0] == section.key:
            entry["saved"] = saved[1]
        entries.append(entry)
    return entries


def render_settings(
    user: ConsoleUser,
    saved: str = "",
    *,
    shop: str | None = None,
    failed: tuple[str, ConnectorError] | None = None,
    shop_saved: tuple[str, str] | None = None,
) -> Response[str]:
    sections: list[dict[str, Any]] = [{"section": s, "value": s.load()} for s in SECTIONS]
    served = served_shops()
    shop_id = chosen_shop(shop, served)
    entries = shop_entries(shop_id, failed, shop_saved) if shop_id else []
    return fragment(
        "settings.html",
        status=failed[1].http_status if failed else 200,
        user=user,
        sections=sections,
        saved=saved,
        shops=served,
        shop_id=shop_id,
        shop_sections=entries,
    )


@router.get("/console/ui/settings")
def settings() -> Response[str]:
    event = router.current_event
    return render_settings(current_user(event), shop=query(event).get("shop") or None)


@router.post("/console/ui/settings/<key>")
def save_settings(key: str) -> Response[str]:
    """Saves the whole section as submitted: repeating the same POST leaves the same settings."""
    user = current_user(router.current_event)
    require_operator(user)
    section = _section(key)
    section.save(section.parse(form(router.current_event)))
    return render_settings(user, saved=section.title)


@router.post("/console/ui/settings/shops/<shop_id>/<key>")
def save_shop_settings(shop_id: str, key: str) -> Response[str]:
    """Saves one shop's section as its admin route does; a refusal is shown in that section with its 4xx."""
    user = current_user(router.current_event)
    require_operator(user)
    section = _shop_section(key)
    shop = chosen_shop(shop_id, served_shops())
    assert shop is not None  # chosen_shop returns the shop asked for
    try:
        what = section.save(shop, form(router.current_event))
    except ConnectorError as exc:
        if exc.http_status >= 500:
            raise
        return render_settings(user, shop=shop, failed=(key, exc))
    return render_settings(user, shop=shop, shop_saved=(key, f"{section.title} saved: {what}."))
