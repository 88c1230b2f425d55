"""Requests as botocore puts them on the wire -> the IAM actions and resources they need.

Requests are captured from real boto3 clients just before sending, so every protocol (JSON with
X-Amz-Target, query, rpc-v2-cbor) is the one botocore really uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.serialize import create_serializer

from local_stack.iam_requests import Access, ApiRequest, caller_of, classify, with_key_use

REGION, ACCOUNT = "us-east-1", "123456789012"
KEY_ID = "0b1e5f8c-2d8e-4c8e-9d55-3a1c5e9f0a11"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/tts-local-EventsTable"
QUEUE_URL = f"http://127.0.0.1:5000/{ACCOUNT}/tts-local-TikTokEventsQueue.fifo"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:tts-local-TikTokEventsQueue.fifo"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:tts-local-AlertsTopic"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:tts-connector/tiktok-app-AbCdEf"


class FakeLookups:
    def kms_alias_target(self, alias_name: str) -> str | None:
        return KEY_ID if alias_name == "alias/tts-local-connector" else None

    def secret_arn(self, secret_id: str) -> str:
        return SECRET if secret_id == "tts-connector/tiktok-app" else secret_id

    def ciphertext_key_id(self, ciphertext: bytes) -> str | None:
        return KEY_ID if ciphertext.startswith(b"blob-of-key") else None


def _sent(service: str, call: Callable[[Any], Any]) -> ApiRequest:
    """The request a boto3 client would send for `call`, captured instead of sent."""
    captured: list[AWSPreparedRequest] = []

    def capture(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        captured.append(request)
        return AWSResponse(request.url, 500, {}, None)

    client = boto3.client(
        service,  # type: ignore[call-overload]
        region_name=REGION,
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="ASIAFUNCTIONKEY00001",
        aws_secret_access_key="secret",
        config=botocore.config.Config(retries={"max_attempts": 1}),
    )
    client.meta.events.register("before-send", capture)
    with pytest.raises(Exception):  # noqa: PT011 - the captured request gets a made-up 500
        call(client)
    return _api_request(captured[0])


def _api_request(prepared: AWSPreparedRequest) -> ApiRequest:
    path, _, query = prepared.url.split("127.0.0.1:9", 1)[1].partition("?")
    headers = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in prepared.headers.items()}
    body = prepared.body if isinstance(prepared.body, bytes) else (prepared.body or "").encode()
    return ApiRequest(prepared.method, path or "/", query, headers, body)


def _accesses(service: str, call: Callable[[Any], Any]) -> list[Access]:
    request = _sent(service, call)
    caller = caller_of(request.headers, request.query)
    assert caller is not None
    return classify(request, caller, ACCOUNT, FakeLookups()).accesses


def test_the_caller_is_the_access_key_and_service_of_the_sigv4_credential_scope() -> None:
    request = _sent("cloudwatch", lambda c: c.list_metrics())

    caller = caller_of(request.headers, request.query)

    assert caller is not None
    assert (caller.access_key_id, caller.region, caller.service) == ("ASIAFUNCTIONKEY00001", REGION, "cloudwatch")
    assert caller_of({"authorization": "Bearer x"}, "") is None


# ---------- DynamoDB (JSON, X-Amz-Target) ----------
def test_dynamodb_item_operations_name_the_table_and_queries_the_index() -> None:
    put = _accesses("dynamodb", lambda c: c.put_item(TableName="tts-local-EventsTable", Item={"k": {"S": "v"}}))
    query = _accesses(
        "dynamodb",
        lambda c: c.query(
            TableName="tts-local-EventsTable",
            IndexName="status-received_at-index",
            KeyConditionExpression="#s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": "RECEIVED"}},
        ),
    )
    by_arn = _accesses("dynamodb", lambda c: c.describe_table(TableName=TABLE))

    assert put == [Access("dynamodb:PutItem", TABLE)]
    assert query == [Access("dynamodb:Query", f"{TABLE}/index/status-received_at-index")]
    assert by_arn == [Access("dynamodb:DescribeTable", TABLE)]
    assert _accesses("dynamodb", lambda c: c.list_tables()) == [Access("dynamodb:ListTables", "*")]


def test_dynamodb_batches_need_their_action_on_every_table_and_transactions_each_items_action() -> None:
    batch = _accesses(
        "dynamodb",
        lambda c: c.batch_write_item(
            RequestItems={
                "A": [{"PutRequest": {"Item": {"k": {"S": "1"}}}}],
                "B": [{"DeleteRequest": {"Key": {"k": {"S": "2"}}}}],
            }
        ),
    )
    transaction = _accesses(
        "dynamodb",
        lambda c: c.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "A", "Item": {"k": {"S": "1"}}}},
                {"Update": {"TableName": "B", "Key": {"k": {"S": "2"}}, "UpdateExpression": "SET n = :n"}},
                {"ConditionCheck": {"TableName": "A", "Key": {"k": {"S": "3"}}, "ConditionExpression": "a = b"}},
            ]
        ),
    )

    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/"
    assert batch == [Access("dynamodb:BatchWriteItem", arn + "A"), Access("dynamodb:BatchWriteItem", arn + "B")]
    assert transaction == [
        Access("dynamodb:PutItem", arn + "A"),
        Access("dynamodb:UpdateItem", arn + "B"),
        Access("dynamodb:ConditionCheckItem", arn + "A"),
    ]


# ---------- SQS (JSON protocol) ----------
def test_sqs_names_the_queue_of_its_url_and_batches_need_the_single_message_action() -> None:
    send = _accesses("sqs", lambda c: c.send_message(QueueUrl=QUEUE_URL, MessageBody="x", MessageGroupId="g"))
    batch = _accesses(
        "sqs",
        lambda c: c.send_message_batch(QueueUrl=QUEUE_URL, Entries=[{"Id": "1", "MessageBody": "x"}]),
    )

    assert send == [Access("sqs:SendMessage", QUEUE)]
    assert batch == [Access("sqs:SendMessage", QUEUE)]
    assert _accesses("sqs", lambda c: c.get_queue_url(QueueName="tts-local-TikTokEventsQueue.fifo")) == [
        Access("sqs:GetQueueUrl", QUEUE)
    ]


# ---------- SNS (query protocol) ----------
def test_sns_publish_names_the_topic_and_publish_batch_needs_publish() -> None:
    publish = _accesses("sns", lambda c: c.publish(TopicArn=TOPIC, Message="hello"))
    batch = _accesses(
        "sns", lambda c: c.publish_batch(TopicArn=TOPIC, PublishBatchRequestEntries=[{"Id": "1", "Message": "x"}])
    )

    assert publish == [Access("sns:Publish", TOPIC)]
    assert batch == [Access("sns:Publish", TOPIC)]


# ---------- KMS ----------
def test_kms_names_the_key_by_id_arn_or_alias_and_a_decrypt_without_key_id_by_its_ciphertext() -> None:
    by_id = _accesses("kms", lambda c: c.encrypt(KeyId=KEY_ID, Plaintext=b"x"))
    by_arn = _accesses("kms", lambda c: c.decrypt(KeyId=KEY_ARN, CiphertextBlob=b"blob"))
    by_alias = _accesses("kms", lambda c: c.generate_data_key(KeyId="alias/tts-local-connector", KeySpec="AES_256"))
    by_alias_arn = _accesses(
        "kms", lambda c: c.describe_key(KeyId=f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/tts-local-connector")
    )
    by_ciphertext = _accesses("kms", lambda c: c.decrypt(CiphertextBlob=b"blob-of-key..."))

    assert by_id == [Access("kms:Encrypt", KEY_ARN)]
    assert by_arn == [Access("kms:Decrypt", KEY_ARN)]
    assert by_alias == [Access("kms:GenerateDataKey", KEY_ARN)]
    assert by_alias_arn == [Access("kms:DescribeKey", KEY_ARN)]
    assert by_ciphertext == [Access("kms:Decrypt", KEY_ARN)]
    assert _accesses("kms", lambda c: c.list_keys()) == [Access("kms:ListKeys", "*")]


# ---------- Secrets Manager ----------
def test_secrets_are_named_by_their_full_arn_with_the_random_suffix() -> None:
    by_name = _accesses("secretsmanager", lambda c: c.get_secret_value(SecretId="tts-connector/tiktok-app"))
    by_arn = _accesses("secretsmanager", lambda c: c.get_secret_value(SecretId=SECRET))

    assert by_name == by_arn == [Access("secretsmanager:GetSecretValue", SECRET)]


# ---------- EventBridge ----------
def test_eventbridge_names_the_event_bus_or_rule() -> None:
    events = _accesses(
        "events",
        lambda c: c.put_events(
            Entries=[
                {"Source": "s", "DetailType": "d", "Detail": "{}"},
                {"Source": "s", "DetailType": "d", "Detail": "{}", "EventBusName": "orders"},
            ]
        ),
    )
    rule = _accesses("events", lambda c: c.put_rule(Name="sweep", ScheduleExpression="rate(5 minutes)"))
    targets = _accesses("events", lambda c: c.list_targets_by_rule(Rule="sweep", EventBusName="orders"))

    bus = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/"
    assert events == [Access("events:PutEvents", bus + "default"), Access("events:PutEvents", bus + "orders")]
    assert rule == [Access("events:PutRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/sweep")]
    assert targets == [Access("events:ListTargetsByRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/orders/sweep")]


# ---------- CloudWatch (JSON and rpc-v2-cbor) ----------
def test_cloudwatch_metrics_need_resource_star_and_alarms_name_theirs() -> None:
    metrics = _accesses(
        "cloudwatch", lambda c: c.put_metric_data(Namespace="n", MetricData=[{"MetricName": "m", "Value": 1.0}])
    )
    alarms = _accesses("cloudwatch", lambda c: c.describe_alarms(AlarmNames=["a", "b"]))

    alarm = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:"
    assert metrics == [Access("cloudwatch:PutMetricData", "*")]
    assert alarms == [Access("cloudwatch:DescribeAlarms", alarm + n) for n in ("a", "b")]


def test_an_rpc_v2_cbor_request_is_read_from_its_path_and_cbor_body() -> None:
    model = botocore.session.get_session().get_service_model("cloudwatch")
    serialized = create_serializer("smithy-rpc-v2-cbor").serialize_to_request(
        {"AlarmNames": ["dlq-depth"]}, model.operation_model("DescribeAlarms")
    )
    headers = {k.lower(): v for k, v in serialized["headers"].items()}
    headers["authorization"] = "AWS4-HMAC-SHA256 Credential=ASIAKEY/20260101/us-east-1/monitoring/aws4_request, x"
    request = ApiRequest("POST", serialized["url_path"], "", headers, serialized["body"])
    caller = caller_of(request.headers, "")
    assert caller is not None

    classified = classify(request, caller, ACCOUNT, FakeLookups())

    assert classified.protocol == "cbor"
    assert classified.accesses == [
        Access("cloudwatch:DescribeAlarms", f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:dlq-depth")
    ]


# ---------- STS and what is not understood ----------
def test_sts_get_caller_identity_is_recognised_and_rest_protocol_requests_are_not_classified() -> None:
    assert _accesses("sts", lambda c: c.get_caller_identity()) == [Access("sts:GetCallerIdentity", "*")]

    request = _sent("s3", lambda c: c.list_objects_v2(Bucket="b"))
    caller = caller_of(request.headers, request.query)
    assert caller is not None
    classified = classify(request, caller, ACCOUNT, FakeLookups())

    # s3:ListObjectsV2 is not an IAM action (it needs s3:ListBucket): better refused than guessed.
    assert classified.operation == "" and classified.accesses == []


# ---------- keys used on the caller's behalf ----------
def test_encrypted_tables_topics_and_queues_need_the_callers_kms_permissions() -> None:
    keys = {TABLE: KEY_ARN, TOPIC: KEY_ARN, QUEUE: KEY_ARN}

    item = with_key_use([Access("dynamodb:Query", f"{TABLE}/index/i")], keys)
    described = with_key_use([Access("dynamodb:DescribeTable", TABLE)], keys)
    published = with_key_use([Access("sns:Publish", TOPIC)], keys)
    sent = with_key_use([Access("sqs:SendMessage", QUEUE)], keys)
    elsewhere = with_key_use([Access("dynamodb:GetItem", TABLE + "2")], keys)

    assert item[1:] == [Access("kms:Decrypt", KEY_ARN, via="dynamodb")]
    assert described == [Access("dynamodb:DescribeTable", TABLE)]
    assert published[1:] == [
        Access("kms:GenerateDataKey", KEY_ARN, via="sns"),
        Access("kms:Decrypt", KEY_ARN, via="sns"),
    ]
    assert sent[1:] == [Access("kms:GenerateDataKey", KEY_ARN, via="sqs"), Access("kms:Decrypt", KEY_ARN, via="sqs")]
    assert elsewhere == [Access("dynamodb:GetItem", TABLE + "2")]
