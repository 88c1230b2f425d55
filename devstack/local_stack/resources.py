"""Creating the template's AWS resources in the moto backend.

Names follow CloudFormation's pattern (stack-LogicalId) so logs and the console-like listings read the
same as in AWS. Queue visibility timeouts can be scaled down so retry and redrive behaviour is
observable in seconds; everything else is created as declared.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from local_stack.template import ACCOUNT_ID, REGION, SamTemplate

_TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "StreamSpecification",
)
_QUEUE_ATTRIBUTES = (
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "VisibilityTimeout",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "MaximumMessageSize",
    "SqsManagedSseEnabled",
)


@dataclass
class CreatedResources:
    physical: dict[str, Any]  # logical id -> {"Ref": ..., "Arn": ..., ...} for intrinsic resolution
    queue_urls: dict[str, str]


def boto_client(service: str, endpoint_url: str, read_timeout: float = 60) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(read_timeout=read_timeout),
    )


def create_resources(
    template: SamTemplate, endpoint_url: str, stack_name: str, visibility_scale: float
) -> CreatedResources:
    physical: dict[str, Any] = {"AWS::StackName": stack_name}
    queue_urls: dict[str, str] = {}

    kms = boto_client("kms", endpoint_url)
    for logical_id, res in template.of_type("AWS::KMS::Key").items():
        key = kms.create_key(Description=str(res["Properties"].get("Description", logical_id)))["KeyMetadata"]
        physical[logical_id] = {"Ref": key["KeyId"], "Arn": key["Arn"], "KeyId": key["KeyId"]}

    sns = boto_client("sns", endpoint_url)
    for logical_id in template.of_type("AWS::SNS::Topic"):
        arn = sns.create_topic(Name=f"{stack_name}-{logical_id}")["TopicArn"]
        physical[logical_id] = {"Ref": arn, "TopicArn": arn, "TopicName": arn.rsplit(":", 1)[1]}

    dynamodb = boto_client("dynamodb", endpoint_url)
    for logical_id, res in template.of_type("AWS::DynamoDB::Table").items():
        props = res["Properties"]
        name = f"{stack_name}-{logical_id}"
        table = dynamodb.create_table(TableName=name, **table_arguments(props))["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        physical[logical_id] = {"Ref": name, "Arn": table["TableArn"]}

    sqs = boto_client("sqs", endpoint_url)
    queues = template.of_type("AWS::SQS::Queue")
    # DLQs first: a queue's redrive policy names its DLQ's ARN.
    ordered = sorted(queues, key=lambda lid: "RedrivePolicy" in queues[lid].get("Properties", {}))
    for logical_id in ordered:
        props = queues[logical_id].get("Properties", {})
        fifo = bool(props.get("FifoQueue"))
        name = f"{stack_name}-{logical_id}" + (".fifo" if fifo else "")
        attributes = {k: _attr(props[k]) for k in _QUEUE_ATTRIBUTES if k in props}
        if "VisibilityTimeout" in props:
            attributes["VisibilityTimeout"] = str(max(1, math.ceil(int(props["VisibilityTimeout"]) * visibility_scale)))
        if "RedrivePolicy" in props:
            attributes["RedrivePolicy"] = json.dumps(template.resolve(props["RedrivePolicy"], physical))
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"
        queue_urls[logical_id] = url
        physical[logical_id] = {"Ref": url, "Arn": arn, "QueueName": name, "QueueUrl": url}

    # Functions before alarms: an alarm on a function's Errors names it (FunctionName: !Ref TheFunction).
    for logical_id in template.of_type("AWS::Serverless::Function"):
        name = f"{stack_name}-{logical_id}"
        physical[logical_id] = {"Ref": name, "Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"}

    cloudwatch = boto_client("cloudwatch", endpoint_url)
    for logical_id, res in template.of_type("AWS::CloudWatch::Alarm").items():
        props = template.resolve(res["Properties"], physical)
        cloudwatch.put_metric_alarm(AlarmName=f"{stack_name}-{logical_id}", **_alarm_kwargs(props))
        physical[logical_id] = {"Ref": f"{stack_name}-{logical_id}"}
    for logical_id in template.of_type("AWS::Serverless::Api"):
        physical[logical_id] = {"Ref": "local", "RootResourceId": "local"}
    for logical_id in template.of_type("AWS::Serverless::LayerVersion"):
        physical[logical_id] = {"Ref": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:layer:{stack_name}-{logical_id}:1"}

    events = boto_client("events", endpoint_url)
    for schedule in template.schedules():
        rule = f"{stack_name}-{schedule.name.replace('.', '-')}"
        events.put_rule(
            Name=rule,
            ScheduleExpression=schedule.expression,
            State="ENABLED" if schedule.enabled else "DISABLED",
        )
        events.put_targets(Rule=rule, Targets=[{"Id": "Function", "Arn": physical[schedule.function]["Arn"]}])
    return CreatedResources(physical=physical, queue_urls=queue_urls)


def table_arguments(props: dict[str, Any]) -> dict[str, Any]:
    """CreateTable arguments from a template's table properties (keys, indexes, billing, streams)."""
    return {k: props[k] for k in _TABLE_KEYS if k in props}


def create_secret(endpoint_url: str, name: str, value: dict[str, Any]) -> None:
    boto_client("secretsmanager", endpoint_url).create_secret(Name=name, SecretString=json.dumps(value))


def _attr(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _alarm_kwargs(props: dict[str, Any]) -> dict[str, Any]:
    allowed = (
        "AlarmDescription",
        "Namespace",
        "MetricName",
        "Dimensions",
        "Statistic",
        "Period",
        "EvaluationPeriods",
        "Threshold",
        "ComparisonOperator",
        "TreatMissingData",
        "AlarmActions",
    )
    return {k: props[k] for k in allowed if k in props}
