"""Catalog mapping: Magento categories to TikTok leaf categories, Magento attributes to TikTok attributes.

TikTok's category trees (v1 or v2 per shop region), attributes, rules and brands are read from TikTok and
cached with their version (`tiktok_metadata`); Magento's category tree and attribute sets are read in bulk
(`magento_metadata`). Mappings live in MappingsTable (`store`); every change is validated against TikTok's
metadata (`service`). Product push resolves a product's category and attributes with `categories` and
`attributes`, and `report` says what a mapped category still lacks.
"""
