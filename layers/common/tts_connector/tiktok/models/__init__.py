"""Pydantic models for the TikTok Shop requests and responses the connector uses.

IDs are strings (TikTok ids exceed 2**53 and some webhooks send them as JSON numbers), money is Decimal
serialised as a string, and unknown response fields are ignored so TikTok can add fields without breaking us.
"""
