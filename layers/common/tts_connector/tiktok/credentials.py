"""Credentials of the TikTok app, read from Secrets Manager (never from parameters or code)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tts_connector.errors import ConfigurationError
from tts_connector.secrets import get_secret_json
from tts_connector.settings import Settings


@dataclass(frozen=True)
class AppCredentials:
    app_key: str
    app_secret: str = field(repr=False)
    service_id: str = ""


def load_tiktok_app_credentials(settings: Settings) -> AppCredentials:
    name = settings.require("tiktok_app_secret_name")
    secret = get_secret_json(name)
    try:
        return AppCredentials(
            app_key=str(secret["app_key"]),
            app_secret=str(secret["app_secret"]),
            service_id=str(secret.get("service_id", "")),
        )
    except KeyError as exc:
        raise ConfigurationError(
            f"Secret {name!r} lacks the field {exc.args[0]!r}",
            hint='Store {"app_key": "...", "app_secret": "...", "service_id": "..."} from Partner Center > '
            "App details in that secret",
        ) from exc
