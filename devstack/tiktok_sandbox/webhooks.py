"""Webhook delivery as TikTok does it: signed POSTs, 3 s acknowledgement, retries on TikTok's schedule.

A delivery succeeds only on HTTP 200 within `webhook_timeout`. Failures are retried after each step of the
schedule (2 min, 30 min, 3 h, 12 h, times `webhook_retry_scale`), then abandoned. Tests can hold deliveries,
release them shuffled, and ask for duplicates, because TikTok gives no ordering or exactly-once guarantee.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

from tiktok_sandbox.config import SandboxConfig
from tiktok_sandbox.verification import webhook_authorization

EVENT_NAMES = {
    1: "ORDER_STATUS_CHANGE",
    3: "RECIPIENT_ADDRESS_UPDATE",
    4: "PACKAGE_UPDATE",
    5: "PRODUCT_STATUS_CHANGE",
    6: "SELLER_DEAUTHORIZATION",
    7: "UPCOMING_AUTHORIZATION_EXPIRATION",
    11: "CANCELLATION_STATUS_CHANGE",
    12: "RETURN_STATUS_CHANGE",
    37: "PRODUCT_AUDIT_STATUS_CHANGE",
}


@dataclass
class Attempt:
    at: float
    status: int | None
    error: str | None = None


@dataclass
class Delivery:
    id: str
    type: int
    shop_id: str
    url: str
    body: bytes
    next_attempt_at: float
    attempts: list[Attempt] = field(default_factory=list)
    state: str = "pending"  # pending, delivered, failed, held

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "event": EVENT_NAMES.get(self.type),
            "shop_id": self.shop_id,
            "url": self.url,
            "state": self.state,
            "payload": json.loads(self.body),
            "attempts": [{"at": a.at, "status": a.status, "error": a.error} for a in self.attempts],
        }


class WebhookDispatcher:
    def __init__(self, config: SandboxConfig):
        self._config = config
        self._lock = threading.Condition()
        self._deliveries: list[Delivery] = []
        self._held = False
        self._duplicates = 0  # how many upcoming events to send twice
        self._stop = False
        self._session = requests.Session()
        self._rng = random.Random()
        self._thread = threading.Thread(target=self._run, name="tiktok-sandbox-webhooks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify_all()
        self._thread.join(timeout=self._config.webhook_timeout + 1)

    def emit(self, event_type: int, shop_id: str, data: dict[str, Any]) -> list[str]:
        """Queue one event (twice when duplicates were requested); returns the delivery ids."""
        url = self._config.webhook_urls.get(event_type) or self._config.webhook_url
        if not url:
            return []
        payload = {
            "type": event_type,
            "tts_notification_id": str(uuid.uuid4().int % 10**19),
            "shop_id": shop_id,
            "timestamp": int(time.time()),
            "data": data,
        }
        # Compact JSON like TikTok; the signature is over exactly these bytes.
        body = json.dumps(payload, separators=(",", ":")).encode()
        with self._lock:
            copies = 1
            if self._duplicates > 0:
                self._duplicates -= 1
                copies = 2
            ids = []
            for _ in range(copies):
                delivery = Delivery(
                    id=uuid.uuid4().hex,
                    type=event_type,
                    shop_id=shop_id,
                    url=url,
                    body=body,
                    next_attempt_at=time.monotonic(),
                    state="held" if self._held else "pending",
                )
                self._deliveries.append(delivery)
                ids.append(delivery.id)
            self._lock.notify_all()
        return ids

    def send_duplicates(self, count: int) -> None:
        """Deliver each of the next `count` events twice (same notification id), as TikTok sometimes does."""
        with self._lock:
            self._duplicates = count

    def hold(self) -> None:
        """Queue new events without sending them until `release`."""
        with self._lock:
            self._held = True

    def release(self, *, shuffle: bool = False) -> None:
        """Send held events, optionally in random order (TikTok does not guarantee ordering)."""
        with self._lock:
            self._held = False
            held = [d for d in self._deliveries if d.state == "held"]
            if shuffle:
                self._rng.shuffle(held)
            others = [d for d in self._deliveries if d.state != "held"]
            now = time.monotonic()
            for offset, delivery in enumerate(held):
                delivery.state = "pending"
                # Keep the release order: earlier in the list goes out first.
                delivery.next_attempt_at = now + offset * 1e-6
            self._deliveries = others + held
            self._lock.notify_all()

    def log(self) -> list[dict[str, Any]]:
        with self._lock:
            return [d.to_json() for d in self._deliveries]

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no delivery is pending (delivered, failed or held); True if reached in time."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while any(d.state == "pending" for d in self._deliveries):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(min(remaining, 0.05))
        return True

    def _next_due(self) -> Delivery | None:
        pending = [d for d in self._deliveries if d.state == "pending"]
        if not pending:
            return None
        return min(pending, key=lambda d: d.next_attempt_at)

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._stop:
                    return
                delivery = self._next_due()
                if delivery is None:
                    self._lock.wait(0.5)
                    continue
                wait = delivery.next_attempt_at - time.monotonic()
                if wait > 0:
                    self._lock.wait(min(wait, 0.5))
                    continue
            self._attempt(delivery)

    def _attempt(self, delivery: Delivery) -> None:
        headers = {
            "Authorization": webhook_authorization(self._config.app_key, self._config.app_secret, delivery.body),
            "Content-Type": "application/json",
        }
        status: int | None = None
        error: str | None = None
        try:
            response = self._session.post(
                delivery.url, data=delivery.body, headers=headers, timeout=self._config.webhook_timeout
            )
            status = response.status_code
        except requests.RequestException as exc:
            error = type(exc).__name__
        with self._lock:
            delivery.attempts.append(Attempt(at=time.time(), status=status, error=error))
            if status == 200:
                delivery.state = "delivered"
            else:
                retries_done = len(delivery.attempts) - 1
                schedule = self._config.webhook_retry_schedule
                if retries_done >= len(schedule):
                    delivery.state = "failed"
                else:
                    delay = schedule[retries_done] * self._config.webhook_retry_scale
                    delivery.next_attempt_at = time.monotonic() + delay
            self._lock.notify_all()
