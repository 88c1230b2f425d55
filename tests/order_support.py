"""Shared by the order tests and the order benchmark: the sandboxes' seeded ids, TikTok products that sell
Magento SKUs (`local_stack.seller_center`) and their listings.

Until product push lands, tests list the products in the TikTok sandbox through the connector's TikTok client
(as the seller would in Seller Center, with `seller_sku` = the Magento SKU) and save the Listing records product
push would have written.
"""

from __future__ import annotations

from local_stack.seller_center import ListedProduct as ListedProduct
from local_stack.seller_center import list_tiktok_product as list_tiktok_product

US_SHOP_ID = "7494049642642441621"
US_WAREHOUSE = "7068517275539719942"
SELLER_DELIVERY_OPTION = "7129736351366465283"
USPS_ID = "7117858858072016686"
UPS_ID = "7117859084333745966"
# Seeded Magento simples (price 25.00, 10 in the default source) and the tote (39.00, 3 in stock).
TEE_SKUS = ("MS-TEE-S-BLA", "MS-TEE-M-RED", "MS-TEE-L-BLA")
TOTE_SKU = "BAG-TOTE"
SOLD_OUT_SKU = "MUG-SOLDOUT"
