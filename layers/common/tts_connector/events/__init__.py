"""Inbound event pipeline: intake (store, then enqueue), routing to capability handlers, and the outbox sweep."""
