"""Magento 2 REST client for the connector (see client.MagentoClient)."""

from tts_connector.magento.client import MagentoClient
from tts_connector.magento.credentials import (
    BearerCredentials,
    MagentoCredentials,
    OAuthCredentials,
    credentials_from_mapping,
)
from tts_connector.magento.errors import OutcomeUnknownError
from tts_connector.magento.models import Address, ItemQty, Refund, SourceItem, Track
from tts_connector.magento.search_criteria import Filter, SearchCriteria, SearchResult

__all__ = [
    "Address",
    "BearerCredentials",
    "Filter",
    "ItemQty",
    "MagentoClient",
    "MagentoCredentials",
    "OAuthCredentials",
    "OutcomeUnknownError",
    "Refund",
    "SearchCriteria",
    "SearchResult",
    "SourceItem",
    "Track",
    "credentials_from_mapping",
]
