"""The inbound event pipeline, source- and capability-neutral.

intake (record once, then send to the subscribed capability's queue) → queue → processing (exactly once
per event key, through the router of that queue's subscriptions) → status in the events table; the outbox
sweep and the DLQ replay close the gaps. Capabilities subscribe through `EventRegistry`; sources
(`tiktok.webhook`, Magento change events) turn what they receive into `InboundEvent`s. Nothing here
imports a capability or a source.
"""
