"""Builders used by several test modules."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any


def tiktok_notification(
    *,
    topic: int = 1,
    shop_id: str = "7494049642642441621",
    data: dict[str, Any] | None = None,
    notification_id: str | None = None,
) -> dict[str, Any]:
    return {
        "type": topic,
        "tts_notification_id": notification_id or str(uuid.uuid4().int)[:19],
        "shop_id": shop_id,
        "timestamp": int(time.time()),
        "data": data
        if data is not None
        else {
            "order_id": "576486316948490001",
            "order_status": "AWAITING_SHIPMENT",
            "update_time": int(time.time()),
        },
    }


def sign_tiktok_webhook(app_key: str, app_secret: str, body: bytes) -> str:
    """TikTok's webhook signature, written out independently of the connector's code."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()
