"""How Magento stores deliver change events to `POST /magento/events`, one module per delivery format.

Each format verifies its sender and turns a delivery into `MagentoChange` events (`magento/change_events.py`):
`adobe_io` (Adobe I/O Events for Adobe Commerce 2.4.4+), `signed` (the connector's own format, HMAC-signed,
for Magento Open Source stores with their own observer or webhook module) and `shared_secret` (off-the-shelf
webhook extensions that can only add a fixed header). `intake.py` picks the format from the headers.
"""
