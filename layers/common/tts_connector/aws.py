"""boto3 clients and resources, created once per process.

boto3 reads AWS_ENDPOINT_URL itself, which is how the local stack points the same code at moto; nothing
here knows whether it runs in AWS or locally.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource
    from mypy_boto3_sqs.client import SQSClient

# Standard retry mode adds jittered backoff for throttling, which Lambda bursts trigger on DynamoDB/SQS.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10)


@cache
def dynamodb() -> DynamoDBServiceResource:
    return boto3.resource("dynamodb", config=_CONFIG)


@cache
def sqs() -> SQSClient:
    return boto3.client("sqs", config=_CONFIG)


@cache
def client(service: str) -> Any:
    return boto3.client(service, config=_CONFIG)  # type: ignore[call-overload]
