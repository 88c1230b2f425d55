"""Alerts to the merchant's on-call channel (the stack's SNS topic)."""

from __future__ import annotations

from typing import Any, Protocol

from tts_connector.observability import logger


class AlertPublisher(Protocol):
    def publish(self, subject: str, message: str) -> None: ...


class SnsAlertPublisher:
    def __init__(self, sns: Any, topic_arn: str):
        self._sns = sns
        self._topic_arn = topic_arn

    def publish(self, subject: str, message: str) -> None:
        # SNS e-mail subjects are limited to 100 characters.
        self._sns.publish(TopicArn=self._topic_arn, Subject=subject[:100], Message=message)
        logger.warning("Alert published", extra={"subject": subject})
