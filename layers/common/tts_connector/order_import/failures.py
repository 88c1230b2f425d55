"""The failures a merchant must see: the order is parked as failed with the reason, and an alert goes out."""

from __future__ import annotations

from tts_connector.errors import ConnectorError


class OrderParked(ConnectorError):
    """Importing or fulfilling the order needs the merchant (a SKU to map, stock, a carrier to map, a setting).

    Retrying by itself cannot help; `ttsc orders retry` runs the order again once the cause is fixed.
    """

    code = "order_parked"


def retry_hint(order_id: str, fix: str) -> str:
    return f"{fix}, then run `ttsc orders retry {order_id}`"
