"""Inbound webhooks: authenticity checks and envelope models."""
