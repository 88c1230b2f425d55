"""Which shop an admin call or a push is for: the one named, or the only shop the connector serves."""

from __future__ import annotations

from tts_connector.connect.records import Shop, ShopStatus
from tts_connector.connect.store import ConnectStore
from tts_connector.errors import InvalidInputError, NotFoundError


def resolve_shop(store: ConnectStore, shop_id: str | None) -> Shop:
    if shop_id:
        shop = store.get_shop(shop_id)
        if shop is None:
            raise NotFoundError(f"Shop {shop_id} is not authorized for this connector", hint="Run `ttsc shops list`")
        return shop
    served = [s for s in store.list_shops() if s.selected and s.status is ShopStatus.CONNECTED]
    if not served:
        raise InvalidInputError(
            "No shop is served yet, so there is no default shop",
            hint="Choose one with `ttsc shops select SHOP_ID`, or pass --shop",
        )
    if len(served) > 1:
        raise InvalidInputError(
            f"The connector serves several shops ({', '.join(s.shop_id for s in served)}): say which",
            hint="Pass --shop SHOP_ID",
        )
    return served[0]
