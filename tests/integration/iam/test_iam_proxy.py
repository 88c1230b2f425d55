"""The IAM proxy over real HTTP in front of a moto server: forwards what a policy allows, answers the
service's own AccessDenied for what it does not, lets other callers through, and logs every decision."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from local_stack.iam_evaluation import statements_from_document
from local_stack.iam_policies import FunctionIdentity
from local_stack.iam_proxy import BackendLookups, IamProxy
from local_stack.resources import boto_client
from local_stack.stack import free_port

pytestmark = pytest.mark.integration

REGION = "us-east-1"
FUNCTION_KEY = "ASIAFUNCTIONKEY00001"


@dataclass
class Backend:
    moto_url: str
    proxy_url: str
    proxy: IamProxy
    table: str
    table_arn: str
    queue_url: str
    queue_arn: str
    topic_arn: str
    plain_topic_arn: str
    key_arn: str
    secret_arn: str
    other_secret_arn: str


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    moto_url = f"http://127.0.0.1:{port}"
    requests.post(f"{moto_url}/moto-api/reset", timeout=10).raise_for_status()
    kms = boto_client("kms", moto_url)
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    dynamodb = boto_client("dynamodb", moto_url)
    table_arn = dynamodb.create_table(
        TableName="T",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["TableArn"]
    sqs = boto_client("sqs", moto_url)
    queue_url = sqs.create_queue(QueueName="Q")["QueueUrl"]
    sns = boto_client("sns", moto_url)
    topic_arn = sns.create_topic(Name="Encrypted", Attributes={"KmsMasterKeyId": key_arn})["TopicArn"]
    plain_topic_arn = sns.create_topic(Name="Plain")["TopicArn"]
    secrets = boto_client("secretsmanager", moto_url)
    secret_arn = secrets.create_secret(Name="app/tiktok", SecretString='{"a": "b"}')["ARN"]
    other_secret_arn = secrets.create_secret(Name="app/magento", SecretString='{"c": "d"}')["ARN"]
    queue_arn = f"arn:aws:sqs:{REGION}:123456789012:Q"
    policy = {
        "Statement": [
            {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:GetItem"], "Resource": table_arn},
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn},
            {"Effect": "Allow", "Action": "sns:Publish", "Resource": [topic_arn, plain_topic_arn]},
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": f"{secret_arn[:-7]}-*"},
        ]
    }
    identity = FunctionIdentity(
        function="RecorderFunction",
        function_name="tts-local-RecorderFunction",
        role_name="tts-local-RecorderFunctionRole",
        access_key_id=FUNCTION_KEY,
        statements=tuple(statements_from_document(policy, "RecorderFunctionRolePolicy0")),
    )
    proxy = IamProxy(
        moto_url,
        [identity],
        {table_arn: key_arn, topic_arn: key_arn},
        BackendLookups(moto_url),
        tmp_path_factory.mktemp("logs") / "iam.log",
    )
    proxy_url = proxy.start("127.0.0.1")
    yield Backend(
        moto_url,
        proxy_url,
        proxy,
        "T",
        table_arn,
        queue_url,
        queue_arn,
        topic_arn,
        plain_topic_arn,
        key_arn,
        secret_arn,
        other_secret_arn,
    )
    proxy.stop()
    moto.stop()


def _as_function(backend: Backend, service: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=backend.proxy_url,
        region_name=REGION,
        aws_access_key_id=FUNCTION_KEY,
        aws_secret_access_key="local",
        config=Config(retries={"max_attempts": 1}),
    )


def _decisions(backend: Backend) -> list[str]:
    return [line.split(" ", 1)[1] for line in backend.proxy.log.path.read_text().splitlines()]


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = exc.value.response["Error"]
    return str(error["Code"]), str(error["Message"])


PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/tts-local-RecorderFunctionRole/tts-local-RecorderFunction"


def test_an_allowed_call_reaches_the_backend_and_its_answer_comes_back_unchanged(backend: Backend) -> None:
    dynamodb = _as_function(backend, "dynamodb")

    dynamodb.put_item(TableName=backend.table, Item={"k": {"S": "allowed"}, "n": {"N": "1"}})
    through_proxy = dynamodb.get_item(TableName=backend.table, Key={"k": {"S": "allowed"}})

    direct = boto_client("dynamodb", backend.moto_url).get_item(TableName=backend.table, Key={"k": {"S": "allowed"}})
    assert through_proxy["Item"] == direct["Item"] == {"k": {"S": "allowed"}, "n": {"N": "1"}}
    assert f"ALLOW RecorderFunction dynamodb:PutItem {backend.table_arn}" in _decisions(backend)
    assert f"ALLOW RecorderFunction kms:Decrypt(via:dynamodb) {backend.key_arn}" in _decisions(backend)


def test_a_denied_dynamodb_call_gets_dynamodbs_access_denied_and_changes_nothing(backend: Backend) -> None:
    dynamodb = _as_function(backend, "dynamodb")

    with pytest.raises(ClientError) as denied:
        dynamodb.update_item(
            TableName=backend.table,
            Key={"k": {"S": "denied"}},
            UpdateExpression="ADD calls :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )

    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert _error(denied) == (
        "AccessDeniedException",
        f"User: {PRINCIPAL} is not authorized to perform: dynamodb:UpdateItem on resource: {backend.table_arn} "
        "because no identity-based policy allows the dynamodb:UpdateItem action",
    )
    assert "Item" not in boto_client("dynamodb", backend.moto_url).get_item(
        TableName=backend.table, Key={"k": {"S": "denied"}}
    )
    assert (
        f"DENY RecorderFunction dynamodb:UpdateItem {backend.table_arn} "
        "because no identity-based policy allows the dynamodb:UpdateItem action"
    ) in _decisions(backend)


def test_a_denied_sqs_call_gets_the_query_compatible_access_denied(backend: Backend) -> None:
    with pytest.raises(ClientError) as denied:
        _as_function(backend, "sqs").send_message(QueueUrl=backend.queue_url, MessageBody="x")

    code, message = _error(denied)
    assert code == "AccessDenied"
    assert f"sqs:SendMessage on resource: {backend.queue_arn}" in message
    assert boto_client("sqs", backend.moto_url).receive_message(QueueUrl=backend.queue_url).get("Messages") is None


def test_sns_answers_authorization_error_without_publish_and_kms_access_denied_without_the_topic_key(
    backend: Backend, tmp_path: Path
) -> None:
    sns = _as_function(backend, "sns")
    sns.publish(TopicArn=backend.plain_topic_arn, Message="allowed")

    # Allowed to publish, but the encrypted topic also needs kms:GenerateDataKey on its key
    with pytest.raises(ClientError) as key_denied:
        sns.publish(TopicArn=backend.topic_arn, Message="needs the key")
    with pytest.raises(ClientError) as denied:
        sns.publish(TopicArn=backend.topic_arn.replace("Encrypted", "Other"), Message="not allowed")

    assert _error(key_denied)[0] == "KMSAccessDenied"
    assert f"kms:GenerateDataKey on resource: {backend.key_arn}" in _error(key_denied)[1]
    assert _error(denied)[0] == "AuthorizationError"
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert f"DENY RecorderFunction kms:GenerateDataKey(via:sns) {backend.key_arn}" in " ".join(_decisions(backend))


def test_secrets_are_allowed_by_name_pattern_and_denied_outside_it(backend: Backend) -> None:
    secrets = _as_function(backend, "secretsmanager")

    assert json.loads(secrets.get_secret_value(SecretId="app/tiktok")["SecretString"]) == {"a": "b"}
    with pytest.raises(ClientError) as denied:
        secrets.get_secret_value(SecretId="app/magento")

    assert _error(denied) == (
        "AccessDeniedException",
        f"User: {PRINCIPAL} is not authorized to perform: secretsmanager:GetSecretValue on resource: "
        f"{backend.other_secret_arn} because no identity-based policy allows the secretsmanager:GetSecretValue action",
    )


def test_kms_and_cloudwatch_calls_outside_the_policy_are_denied_in_their_own_protocols(backend: Backend) -> None:
    with pytest.raises(ClientError) as kms_denied:
        _as_function(backend, "kms").encrypt(KeyId=backend.key_arn, Plaintext=b"x")
    with pytest.raises(ClientError) as metrics_denied:
        _as_function(backend, "cloudwatch").put_metric_data(
            Namespace="n", MetricData=[{"MetricName": "m", "Value": 1.0}]
        )

    assert _error(kms_denied)[0] == "AccessDeniedException"
    assert f"kms:Encrypt on resource: {backend.key_arn}" in _error(kms_denied)[1]
    assert _error(metrics_denied)[0] == "AccessDenied"
    assert "DENY RecorderFunction cloudwatch:PutMetricData *" in " ".join(_decisions(backend))


def test_callers_that_are_not_a_function_pass_through_unchecked_and_unlogged(backend: Backend) -> None:
    before = _decisions(backend)
    stack_client = boto3.client(
        "dynamodb",
        endpoint_url=backend.proxy_url,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )

    stack_client.update_item(
        TableName=backend.table,
        Key={"k": {"S": "by-the-stack"}},
        UpdateExpression="ADD calls :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )

    assert _decisions(backend) == before
    assert "Item" in boto_client("dynamodb", backend.moto_url).get_item(
        TableName=backend.table, Key={"k": {"S": "by-the-stack"}}
    )


def test_get_caller_identity_needs_no_permission_and_unclassifiable_requests_are_refused(backend: Backend) -> None:
    identity = _as_function(backend, "sts").get_caller_identity()
    with pytest.raises(ClientError) as refused:
        _as_function(backend, "s3").list_buckets()

    assert identity["Account"] == "123456789012"
    assert _error(refused)[0] == "AccessDenied"
    assert "cannot tell which action it needs" in _error(refused)[1]
    assert "ALLOW RecorderFunction sts:GetCallerIdentity *" in _decisions(backend)
    assert any(line.startswith("DENY RecorderFunction s3:? ?") for line in _decisions(backend))
