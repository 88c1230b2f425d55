"""Buyer addresses for seeded orders, shaped like TikTok's recipient_address per market."""

from __future__ import annotations

from typing import Any


def seeded_address(region: str) -> dict[str, Any]:
    if region == "US":
        return {
            "name": "Jane Doe",
            "first_name": "Jane",
            "last_name": "Doe",
            "phone_number": "(+1)213-***-1234",
            "full_address": "1199 Coleman Ave, San Jose, California, United States, 95110",
            "address_detail": "Suite 100",
            "address_line1": "1199 Coleman Ave",
            "address_line2": "Suite 100",
            "postal_code": "95110",
            "region_code": "US",
            "district_info": [
                {"address_level": "L0", "address_level_name": "Country", "address_name": "United States"},
                {"address_level": "L1", "address_level_name": "State", "address_name": "California"},
                {"address_level": "L3", "address_level_name": "City", "address_name": "San Jose"},
            ],
        }
    return {
        "name": "John Smith",
        "first_name": "John",
        "last_name": "Smith",
        "phone_number": "(+44)7700-***-123",
        "full_address": "10 Downing Street, London, SW1A 2AA, United Kingdom",
        "address_line1": "10 Downing Street",
        "postal_code": "SW1A 2AA",
        "post_town": "London",
        "region_code": "GB",
        "district_info": [
            {"address_level": "L0", "address_level_name": "Country", "address_name": "United Kingdom"},
            {"address_level": "L1", "address_level_name": "County", "address_name": "Greater London"},
            {"address_level": "L3", "address_level_name": "Post town", "address_name": "London"},
        ],
    }
