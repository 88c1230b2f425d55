"""Writing the TikTok product id back to Magento, off the push's path (Magento saves take about a second).

`PUT /V1/products/{sku}` under `/rest/all` sets `tiktok_product_id` and `tiktok_shop_synced` = Yes (1)
globally; the answer is checked, because Magento drops, without an error, values of attributes that are not
in the product's attribute set (magento2 Catalog/Model/ResourceModel/AbstractResource.php,
`_isApplicableAttribute`). That failure is recorded with its fix (`ttsc setup magento`) and shown by
`ttsc products show`; a Magento outage is retried by the queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tts_connector.errors import ConnectorError, NotFoundError
from tts_connector.magento.client import MagentoClient
from tts_connector.observability import logger
from tts_connector.product_push.records import WriteBackMessage, WriteBackState
from tts_connector.product_push.store import PushStore

SETUP_HINT = "Run `ttsc setup magento` (it adds the attributes to every attribute set in use), then `ttsc jobs retry`"


class WriteBackDropped(ConnectorError):
    code = "write_back_dropped"


def write_back(
    message: WriteBackMessage, *, magento: MagentoClient, store: PushStore, clock: Callable[[], float] = time.time
) -> WriteBackState:
    values = {"tiktok_product_id": message.tiktok_product_id, "tiktok_shop_synced": "1"}
    try:
        answer = magento.catalog.update_custom_attributes(message.sku, values)
    except NotFoundError:
        state = WriteBackState(
            shop_id=message.shop_id,
            sku=message.sku,
            tiktok_product_id=message.tiktok_product_id,
            status="FAILED",
            message=f"Magento product {message.sku} no longer exists; the TikTok id was not written back",
            at=int(clock()),
        )
        store.save_write_back(state)
        return state
    stored = {str(c["attribute_code"]): str(c.get("value")) for c in answer.get("custom_attributes") or []}
    dropped = [code for code, value in values.items() if stored.get(code) != value]
    if dropped:
        state = WriteBackState(
            shop_id=message.shop_id,
            sku=message.sku,
            tiktok_product_id=message.tiktok_product_id,
            status="FAILED",
            message=f"Magento dropped {', '.join(dropped)} of product {message.sku}: the attributes are not in its "
            f"attribute set {answer.get('attribute_set_id')}",
            hint=SETUP_HINT,
            at=int(clock()),
        )
        logger.warning("Write-back dropped by Magento", extra={"sku": message.sku, "dropped": dropped})
    else:
        state = WriteBackState(
            shop_id=message.shop_id,
            sku=message.sku,
            tiktok_product_id=message.tiktok_product_id,
            status="DONE",
            message="tiktok_product_id and tiktok_shop_synced written to Magento",
            at=int(clock()),
        )
    store.save_write_back(state)
    return state
