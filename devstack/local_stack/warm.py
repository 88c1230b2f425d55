"""Starting function workers ahead of traffic, as Lambda keeps warm sandboxes for a busy function.

The local runtime counts a worker's imports against its first invocation, so on a busy machine a cold webhook
function can miss TikTok's 3 s (TikTok, and the sandbox, retry only minutes later) and several cold starts at
once can exceed the function's timeout. Warming adds one worker at a time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from local_stack.stack import LocalStack


def warm_webhook_workers(stack: LocalStack, shop_id: str, workers: int = 1) -> None:
    """Post a signed notification of a topic nobody handles until `workers` webhook workers answered it."""
    sandbox = stack.sandboxes["tiktok"]
    body = json.dumps(
        {"type": 99, "tts_notification_id": "warm-up", "shop_id": shop_id, "timestamp": int(time.time()), "data": {}}
    ).encode()
    config = sandbox.config
    signature = hmac.new(config.app_secret.encode(), config.app_key.encode() + body, hashlib.sha256).hexdigest()

    def post(_: int) -> None:
        answer = ""
        for _attempt in range(5):
            response = requests.post(
                f"{stack.url}/webhooks/tiktok", data=body, headers={"Authorization": signature}, timeout=60
            )
            if response.status_code == 200:
                return
            answer = f"{response.status_code} {response.text[:200]}"
        raise RuntimeError(f"the webhook function does not answer: {answer}")

    with ThreadPoolExecutor(workers) as pool:
        for concurrent in range(1, workers + 1):
            list(pool.map(post, range(concurrent)))
