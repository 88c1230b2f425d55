"""What the connect tests share: the sandbox's seller and shops, admin calls, and an inbox for the alerts."""

from __future__ import annotations

from typing import Any

import requests

from local_stack import LocalStack

# The TikTok sandbox's seed: one seller authorizing a US and a UK shop.
US_SHOP = "7494049642642441621"
UK_SHOP = "7000714532876273420"
OPEN_ID = "7010736057180325637"


def admin(stack: LocalStack, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{stack.url}{path}", headers=stack.admin_headers, timeout=60, **kwargs)


def subscribe_to_alerts(stack: LocalStack) -> str:
    """An SQS queue subscribed to the alerts topic, standing in for the merchant's e-mail."""
    sqs = stack.client("sqs")
    url = sqs.create_queue(QueueName="alerts-inbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stack.client("sns").subscribe(TopicArn=stack.physical("AlertsTopic"), Protocol="sqs", Endpoint=arn)
    return str(url)


def alerts(stack: LocalStack, url: str) -> list[str]:
    messages = stack.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=2)
    return [m["Body"] for m in messages.get("Messages", [])]
