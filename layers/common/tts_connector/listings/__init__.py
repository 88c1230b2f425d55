"""Listings: which Magento product is which TikTok product and SKU, per shop, and its TikTok status.

Written by product push (and audit webhooks); read by price/stock sync, order import and refunds to map
SKUs both ways. Stored in MappingsTable (`store.py` documents the keys).
"""
