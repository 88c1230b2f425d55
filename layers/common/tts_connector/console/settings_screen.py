"""Settings: the connector's settings, one section per capability (each adds its `SettingsSection`)."""

# No `from __future__ import annotations`: Powertools reads route annotations at runtime.
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ValidationError

from tts_connector import wiring
from tts_connector.connect.records import ConnectorSettings
from tts_connector.console.auth import ConsoleUser, require_operator
from tts_connector.console.responses import current_user, form, fragment
from tts_connector.errors import InvalidInputError, NotFoundError

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


def _parse_connector(fields: dict[str, str]) -> BaseModel:
    unknown = sorted(set(fields) - {"allow_app_store_installs"})
    if unknown:
        raise InvalidInputError(f"Unknown setting {unknown[0]}")
    value = fields.get("allow_app_store_installs", "false")
    if value not in ("true", "false"):
        raise InvalidInputError("allow_app_store_installs must be true or false")
    try:
        return ConnectorSettings(allow_app_store_installs=value == "true")
    except ValidationError as exc:  # pragma: no cover - the checks above leave nothing to refuse
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


def _section(key: str) -> SettingsSection:
    for section in SECTIONS:
        if section.key == key:
            return section
    raise NotFoundError(f"There is no settings section {key!r}")


def render_settings(user: ConsoleUser, saved: str = "") -> Response[str]:
    sections: list[dict[str, Any]] = [{"section": s, "value": s.load()} for s in SECTIONS]
    return fragment("settings.html", user=user, sections=sections, saved=saved)


@router.get("/console/ui/settings")
def settings() -> Response[str]:
    return render_settings(current_user(router.current_event))


@router.post("/console/ui/settings/<key>")
def save_settings(key: str) -> Response[str]:
    """Saves the whole section as submitted: repeating the same POST leaves the same settings."""
    user = current_user(router.current_event)
    require_operator(user)
    section = _section(key)
    section.save(section.parse(form(router.current_event)))
    return render_settings(user, saved=section.title)
