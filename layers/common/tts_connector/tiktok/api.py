"""One object bundling every TikTok Shop API group over a single transport."""

from __future__ import annotations

from tts_connector.tiktok.catalog import CatalogApi
from tts_connector.tiktok.client import TikTokShopClient
from tts_connector.tiktok.fulfillment import FulfillmentApi
from tts_connector.tiktok.logistics import LogisticsApi
from tts_connector.tiktok.orders import OrdersApi
from tts_connector.tiktok.products import ProductsApi
from tts_connector.tiktok.returns import ReturnsApi
from tts_connector.tiktok.shops import ShopsApi


class TikTokShopApi:
    def __init__(self, client: TikTokShopClient):
        self.client = client
        self.shops = ShopsApi(client)
        self.catalog = CatalogApi(client)
        self.products = ProductsApi(client)
        self.logistics = LogisticsApi(client)
        self.orders = OrdersApi(client)
        self.fulfillment = FulfillmentApi(client)
        self.returns = ReturnsApi(client)
