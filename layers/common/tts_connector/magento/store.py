"""Store configuration: where product images live."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tts_connector.errors import NotFoundError
from tts_connector.magento.endpoints import DIRECTORY_COUNTRY, STORE_CONFIGS

if TYPE_CHECKING:
    from tts_connector.magento.client import MagentoClient


class StoreApi:
    def __init__(self, client: MagentoClient) -> None:
        self._client = client
        self._media_base_url: str | None = None
        self._regions: dict[str, list[dict[str, Any]]] = {}

    def store_configs(self) -> list[dict[str, Any]]:
        return list(self._client.call(STORE_CONFIGS) or [])

    def media_base_url(self) -> str:
        """The secure media base URL of the configured store view (cached: it changes only on re-deploys)."""
        if self._media_base_url is None:
            code = self._client.store_code
            config = next((c for c in self.store_configs() if c.get("code") == code), None)
            if config is None:
                known = ", ".join(sorted(str(c.get("code")) for c in self.store_configs())) or "none"
                raise NotFoundError(
                    f"Magento has no store view with code {code!r} (store views: {known})",
                    hint=f"Set {self._client.store_code_setting} to one of the store view codes",
                )
            self._media_base_url = str(config.get("secure_base_media_url") or config["base_media_url"])
        return self._media_base_url

    def country_regions(self, country_id: str) -> list[dict[str, Any]]:
        """The regions Magento knows for a country ({id, code, name}); cached, the directory rarely changes.

        A country Magento does not offer answers 404 (NotFoundError).
        """
        if country_id not in self._regions:
            info = self._client.call(DIRECTORY_COUNTRY, {"countryId": country_id}) or {}
            self._regions[country_id] = list(info.get("available_regions") or [])
        return self._regions[country_id]

    def product_image_url(self, file: str) -> str:
        """Full URL of a media gallery entry's `file` (e.g. "/m/j/mj03.jpg"); Magento gives no URL field."""
        return f"{self.media_base_url().rstrip('/')}/catalog/product/{file.lstrip('/')}"
