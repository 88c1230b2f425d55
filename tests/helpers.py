"""Builders used by several test modules."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
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


def template_variant(template: Path, directory: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of `template` changed by `change(raw)`, written to `directory`.

    CodeUri and ContentUri are relative to the template's folder, so the copy gets them as absolute paths.
    """
    from samcli.yamlhelper import yaml_parse  # SAM CLI loads slowly; only the tests that need it pay

    raw = yaml_parse(template.read_text())
    for resource in raw["Resources"].values():
        for key in ("CodeUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = str((template.parent / resource["Properties"][key]).resolve())
    change(raw)
    path = directory / f"variant-{template.name}"
    path.write_text(json.dumps(raw, indent=1))  # JSON is YAML, and the intrinsics are in their long form
    return path
