"""Magento 2 REST client for the connector (see client.MagentoClient)."""

from tts_connector.magento.client import MagentoClient
from tts_connector.magento.credentials import (
    BearerCredentials,
    MagentoCredentials,
    OAuthCredentials,
    credentials_from_mapping,
)
from tts_connector.magento.errors import OutcomeUnknownError
from tts_connector.magento.models import (
    Address,
    BasePrice,
    ItemQty,
    PriceUpdateFailure,
    Refund,
    SourceItem,
    Track,
)
from tts_connector.magento.search_criteria import Filter, SearchCriteria, SearchResult

__all__ = [
    "Address",
    "BasePrice",
    "BearerCredentials",
    "Filter",
    "ItemQty",
    "MagentoClient",
    "MagentoCredentials",
    "OAuthCredentials",
    "OutcomeUnknownError",
    "PriceUpdateFailure",
    "Refund",
    "SearchCriteria",
    "SearchResult",
    "SourceItem",
    "Track",
    "credentials_from_mapping",
]
