"""Which IAM actions on which resources an AWS API request needs, read from the request botocore sent.

The caller is the access key in the SigV4 credential scope (`Credential=AKID/date/region/service/...`). The
operation comes from `X-Amz-Target` (JSON protocols: DynamoDB, KMS, Secrets Manager, SQS, EventBridge,
CloudWatch), the `Action` parameter (query protocols: SNS, STS, older SQS) or the path of rpc-v2-cbor
requests (`/service/<Service>/operation/<Operation>`, CloudWatch). REST-protocol requests (S3, Lambda, ...)
are not classified: their IAM action names differ from the operation names (S3 ListObjectsV2 needs
s3:ListBucket, Lambda Invoke needs lambda:InvokeFunction), so guessing would deny or allow the wrong thing.
Resources follow the Service Authorization Reference's ARN formats; where one is not derivable from the
request, the resource is None and only the action is checked.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import parse_qs, urlparse

from botocore.parsers import RpcV2CBORParser

WireProtocol = Literal["json", "query", "cbor", "rest"]

# The SigV4 signing name differs from the IAM service prefix for a few services.
_IAM_PREFIX = {"monitoring": "cloudwatch"}
# Batch operations authorised as their single-item action (SQS and SNS developer guides).
_BATCH_ACTIONS = {
    "sqs:SendMessageBatch": "sqs:SendMessage",
    "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
    "sns:PublishBatch": "sns:Publish",
}
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_CBOR_PATH = re.compile(r"/service/[^/]+/operation/([^/?]+)")


@dataclass(frozen=True)
class Caller:
    access_key_id: str
    region: str
    service: str  # the IAM service prefix


@dataclass(frozen=True)
class Access:
    action: str  # e.g. "dynamodb:UpdateItem"
    resource: str | None  # an ARN, "*" for actions without resource types, None when not derivable
    via: str | None = None  # set when a service uses a KMS key on the caller's behalf (e.g. "dynamodb")


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def target(self) -> str:
        return self.headers.get("x-amz-target", "")


@dataclass(frozen=True)
class Classified:
    caller: Caller
    operation: str  # "" when the request could not be understood
    protocol: WireProtocol
    accesses: list[Access] = field(default_factory=list)


class ResourceLookups(Protocol):
    """What the backend knows and a request does not say: alias targets, secret ARNs, a ciphertext's key."""

    def kms_alias_target(self, alias_name: str) -> str | None: ...

    def secret_arn(self, secret_id: str) -> str: ...

    def ciphertext_key_id(self, ciphertext: bytes) -> str | None: ...


def caller_of(headers: dict[str, str], query: str) -> Caller | None:
    match = _CREDENTIAL.search(headers.get("authorization", ""))
    if match is None:  # presigned URL
        credential = parse_qs(query).get("X-Amz-Credential", [""])[0]
        match = _CREDENTIAL.search(f"Credential={credential}")
    if match is None:
        return None
    access_key, region, service = match.groups()
    return Caller(access_key, region, _IAM_PREFIX.get(service, service))


def classify(request: ApiRequest, caller: Caller, account: str, lookups: ResourceLookups) -> Classified:
    protocol, operation, params = _operation(request)
    if not operation:
        return Classified(caller, "", protocol)
    arns = _Arns(caller.region, account)
    resolver = _RESOURCES.get(caller.service)
    action = f"{caller.service}:{operation}"
    if resolver is None:
        accesses = [Access(_BATCH_ACTIONS.get(action, action), None)]
    else:
        accesses = resolver(operation, params, arns, lookups)
    return Classified(caller, operation, protocol, accesses)


# ---------- operation and parameters ----------
def _operation(request: ApiRequest) -> tuple[WireProtocol, str, dict[str, Any]]:
    if request.target:
        return "json", request.target.rsplit(".", 1)[-1], _json(request.body)
    cbor = _CBOR_PATH.fullmatch(request.path)
    if cbor and request.headers.get("smithy-protocol") == "rpc-v2-cbor":
        return "cbor", cbor.group(1), _cbor(request.body)
    form = parse_qs(request.query)
    if "form-urlencoded" in request.headers.get("content-type", ""):
        form |= parse_qs(request.body.decode("utf-8", "replace"))
    if "Action" in form:
        return "query", form["Action"][0], {k: v[0] for k, v in form.items()}
    return "rest", "", {}


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _cbor(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    parser = RpcV2CBORParser()
    try:
        value = parser.parse_data_item(parser.get_peekable_stream_from_bytes(body))
    except Exception:  # a body botocore's own decoder cannot read: only the action is checked
        return {}
    return value if isinstance(value, dict) else {}


# ---------- resources per service ----------
@dataclass(frozen=True)
class _Arns:
    region: str
    account: str

    def of(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account}:{resource}"


Resolver = Callable[[str, dict[str, Any], _Arns, ResourceLookups], list[Access]]

_DYNAMODB_TRANSACT = {"Get": "GetItem", "Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}


def _dynamodb(operation: str, params: dict[str, Any], arns: _Arns, lookups: ResourceLookups) -> list[Access]:
    def table(name: str, index: str | None = None) -> str:
        arn = name if name.startswith("arn:") else arns.of("dynamodb", f"table/{name}")
        return f"{arn}/index/{index}" if index else arn

    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [Access(f"dynamodb:{operation}", table(t)) for t in params.get("RequestItems", {})]
    if operation in ("TransactGetItems", "TransactWriteItems"):
        # Each item is authorised as its single-item action (DynamoDB developer guide, transactions and IAM).
        accesses = []
        for item in params.get("TransactItems", []):
            for kind, request in item.items():
                action = _DYNAMODB_TRANSACT.get(kind, "ConditionCheckItem")
                accesses.append(Access(f"dynamodb:{action}", table(request.get("TableName", ""))))
        return accesses
    if "TableName" in params:
        return [Access(f"dynamodb:{operation}", table(params["TableName"], params.get("IndexName")))]
    for key in ("ResourceArn", "StreamArn", "TableArn"):
        if key in params:
            return [Access(f"dynamodb:{operation}", params[key])]
    return [Access(f"dynamodb:{operation}", "*" if operation.startswith(("List", "Describe")) else None)]


def _sqs(operation: str, params: dict[str, Any], arns: _Arns, lookups: ResourceLookups) -> list[Access]:
    action = _BATCH_ACTIONS.get(f"sqs:{operation}", f"sqs:{operation}")
    if "QueueUrl" in params:
        parts = urlparse(str(params["QueueUrl"])).path.strip("/").split("/")
        if len(parts) == 2:
            return [Access(action, f"arn:aws:sqs:{arns.region}:{parts[0]}:{parts[1]}")]
        return [Access(action, None)]
    if "QueueName" in params:
        owner = params.get("QueueOwnerAWSAccountId") or arns.account
        return [Access(action, f"arn:aws:sqs:{arns.region}:{owner}:{params['QueueName']}")]
    return [Access(action, "*" if operation == "ListQueues" else None)]


def _sns(operation: str, params: dict[str, Any], arns: _Arns, lookups: ResourceLookups) -> list[Access]:
    action = _BATCH_ACTIONS.get(f"sns:{operation}", f"sns:{operation}")
    for key in ("TopicArn", "TargetArn", "ResourceArn"):
        if params.get(key):
            return [Access(action, params[key])]
    if params.get("SubscriptionArn"):  # arn:...:topic:subscription-id -> the topic
        return [Access(action, str(params["SubscriptionArn"]).rsplit(":", 1)[0])]
    if operation == "CreateTopic" and params.get("Name"):
        return [Access(action, arns.of("sns", params["Name"]))]
    return [Access(action, "*" if operation.startswith("List") or "PhoneNumber" in params else None)]


def _kms(operation: str, params: dict[str, Any], arns: _Arns, lookups: ResourceLookups) -> list[Access]:
    def key(key_id: str) -> str:
        if key_id.startswith("arn:") and ":key/" in key_id:
            return key_id
        alias = key_id.split(":", 5)[-1] if key_id.startswith("arn:") else key_id
        if alias.startswith("alias/"):
            target = lookups.kms_alias_target(alias)
            return key(target) if target else arns.of("kms", alias)
        return arns.of("kms", f"key/{key_id}")

    if operation == "ReEncrypt":
        source = params.get("SourceKeyId") or _ciphertext_key(params, lookups)
        return [
            Access("kms:ReEncryptFrom", key(source) if source else None),
            Access("kms:ReEncryptTo", key(params["DestinationKeyId"]) if "DestinationKeyId" in params else None),
        ]
    if operation in ("CreateAlias", "UpdateAlias", "DeleteAlias") and "AliasName" in params:
        accesses = [Access(f"kms:{operation}", arns.of("kms", params["AliasName"]))]
        if "TargetKeyId" in params:
            accesses.append(Access(f"kms:{operation}", key(params["TargetKeyId"])))
        return accesses
    key_id = params.get("KeyId") or (_ciphertext_key(params, lookups) if operation == "Decrypt" else None)
    if key_id:
        return [Access(f"kms:{operation}", key(key_id))]
    if operation in ("CreateKey", "ListKeys", "ListAliases", "GenerateRandom", "ConnectCustomKeyStore"):
        return [Access(f"kms:{operation}", "*")]
    return [Access(f"kms:{operation}", None)]


def _ciphertext_key(params: dict[str, Any], lookups: ResourceLookups) -> str | None:
    """The key a symmetric ciphertext names when the request does not (Decrypt and ReEncrypt allow that)."""
    try:
        blob = base64.b64decode(params.get("CiphertextBlob", ""))
    except ValueError:
        return None
    return lookups.ciphertext_key_id(blob) if blob else None


def _secretsmanager(operation: str, params: dict[str, Any], arns: _Arns, lookups: ResourceLookups) -> list[Access]:
    action = f"secretsmanager:{operation}"
    if operation == "BatchGetSecretValue":
        ids = params.get("SecretIdList", [])
        named = [Access("secretsmanager:GetSecretValue", lookups.secret_arn(s)) for s in ids]
        return [Access(action, "*"), *(named or [Access("secretsmanager:GetSecretValue", None)])]
    if "SecretId" in params:
        return [Access(action, lookups.secret_arn(str(params["SecretId"])))]
    if operation == "CreateSecret" and "Name" in params:
        return [Access(action, arns.of("secretsmanager", f"secret:{params['Name']}"))]
    return [Access(action, "*" if operation in ("ListSecrets", "GetRandomPassword") else None)]


def _events(operation: str, params: dict[str, Any], arns: _Arns, lookups: ResourceLookups) -> list[Access]:
    action = f"events:{operation}"

    def bus(name: str | None) -> str:
        name = name or "default"
        return name if name.startswith("arn:") else arns.of("events", f"event-bus/{name}")

    def rule(name: str, bus_name: str | None) -> str:
        bus_name = (bus_name or "default").rsplit("/", 1)[-1]
        return arns.of("events", f"rule/{name}" if bus_name == "default" else f"rule/{bus_name}/{name}")

    if operation == "PutEvents":
        buses = {bus(entry.get("EventBusName")) for entry in params.get("Entries", [])}
        return [Access(action, b) for b in sorted(buses)] or [Access(action, bus(None))]
    rule_name = params.get("Rule") or (params.get("Name") if "Rule" in operation else None)
    if rule_name:
        return [Access(action, rule(rule_name, params.get("EventBusName")))]
    if "EventBus" in operation and params.get("Name"):
        return [Access(action, bus(params["Name"]))]
    if params.get("ResourceARN") or params.get("Arn"):
        return [Access(action, params.get("ResourceARN") or params["Arn"])]
    return [Access(action, "*" if operation.startswith("List") else None)]


# CloudWatch actions with no resource types (Service Authorization Reference): the policy must say "*".
_CLOUDWATCH_WITHOUT_RESOURCES = ("PutMetricData", "GetMetricData", "GetMetricStatistics", "ListMetrics")


def _cloudwatch(operation: str, params: dict[str, Any], arns: _Arns, lookups: ResourceLookups) -> list[Access]:
    action = f"cloudwatch:{operation}"
    if operation in _CLOUDWATCH_WITHOUT_RESOURCES:
        return [Access(action, "*")]
    names = [params[k] for k in sorted(params) if k == "AlarmName" or k.startswith("AlarmNames.member.")]
    names += list(params.get("AlarmNames", []))
    if names:
        return [Access(action, arns.of("cloudwatch", f"alarm:{n}")) for n in names]
    return [Access(action, None)]


def _sts(operation: str, params: dict[str, Any], arns: _Arns, lookups: ResourceLookups) -> list[Access]:
    if "RoleArn" in params:
        return [Access(f"sts:{operation}", params["RoleArn"])]
    return [Access(f"sts:{operation}", "*")]


_RESOURCES: dict[str, Resolver] = {
    "dynamodb": _dynamodb,
    "sqs": _sqs,
    "sns": _sns,
    "kms": _kms,
    "secretsmanager": _secretsmanager,
    "events": _events,
    "cloudwatch": _cloudwatch,
    "sts": _sts,
}


# ---------- keys services use on the caller's behalf ----------
# DynamoDB decrypts a table's key with the caller's permissions on first access and every five minutes
# (KMS developer guide, "How Amazon DynamoDB uses AWS KMS", table key caching; aws/aws-cdk#10010 shows the
# AccessDeniedException a PutItem gets without kms:Decrypt). SNS and SQS need the publisher to be allowed
# kms:GenerateDataKey and kms:Decrypt (SNS developer guide, "Key management"; SQS developer guide, "Key
# management"), and an SQS consumer kms:Decrypt.
_DYNAMODB_ITEM_ACTIONS = {
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
}
_KEY_USE = {
    "sns:Publish": ("kms:GenerateDataKey", "kms:Decrypt"),
    "sqs:SendMessage": ("kms:GenerateDataKey", "kms:Decrypt"),
    "sqs:ReceiveMessage": ("kms:Decrypt",),
    **dict.fromkeys(_DYNAMODB_ITEM_ACTIONS, ("kms:Decrypt",)),
}


def with_key_use(accesses: list[Access], keys: dict[str, str]) -> list[Access]:
    """`accesses` plus the KMS actions the services need from the caller; `keys`: resource ARN -> key ARN."""
    implied: list[Access] = []
    for access in accesses:
        resource = (access.resource or "").split("/index/", 1)[0]  # an index is encrypted with its table
        key = keys.get(resource)
        if key is None:
            continue
        for action in _KEY_USE.get(access.action, ()):
            use = Access(action, key, via=access.action.split(":", 1)[0])
            if use not in implied:
                implied.append(use)
    return accesses + implied
