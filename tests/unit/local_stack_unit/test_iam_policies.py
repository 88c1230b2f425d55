"""Each function's policy comes from SAM's own translation of template.yaml, resolved to local resources."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from local_stack.iam_evaluation import UnsupportedPolicyError, evaluate
from local_stack.iam_policies import encryption_keys, function_identities
from local_stack.template import SamTemplate
from tests.helpers import template_variant

ROOT = Path(__file__).resolve().parents[3]
ARN = "arn:aws:{service}:us-east-1:123456789012:{resource}"
KEY_ID = "6f1c0f7e-8e9b-4a3e-9a51-1c2d3e4f5a6b"


def _physical(template: SamTemplate) -> dict[str, Any]:
    """Physical ids shaped like the local stack's (stack-LogicalId names)."""
    physical: dict[str, Any] = {"AWS::StackName": "tts-local"}
    for logical_id, resource in template.resources.items():
        name = f"tts-local-{logical_id}"
        kind = resource["Type"]
        if kind == "AWS::DynamoDB::Table":
            physical[logical_id] = {"Ref": name, "Arn": ARN.format(service="dynamodb", resource=f"table/{name}")}
        elif kind == "AWS::SQS::Queue":
            queue = name + (".fifo" if resource["Properties"].get("FifoQueue") else "")
            arn = ARN.format(service="sqs", resource=queue)
            physical[logical_id] = {"Ref": f"http://q/123456789012/{queue}", "Arn": arn, "QueueName": queue}
        elif kind == "AWS::SNS::Topic":
            physical[logical_id] = {"Ref": ARN.format(service="sns", resource=name), "TopicName": name}
        elif kind == "AWS::KMS::Key":
            physical[logical_id] = {"Ref": KEY_ID, "Arn": ARN.format(service="kms", resource=f"key/{KEY_ID}")}
        else:
            physical[logical_id] = {"Ref": name}
    return physical


def _template(path: Path) -> SamTemplate:
    return SamTemplate(path, {"MagentoBaseUrl": "http://magento.local"})


@pytest.fixture(scope="module")
def template() -> SamTemplate:
    return _template(ROOT / "template.yaml")


def _variant(tmp_path: Path, change: Any) -> SamTemplate:
    return _template(template_variant(ROOT / "template.yaml", tmp_path, change))


def test_the_webhook_function_may_send_to_the_events_queue_through_sams_policy_template(
    template: SamTemplate,
) -> None:
    physical = _physical(template)
    webhook = function_identities(template, physical)["TikTokWebhookFunction"]
    queue = physical["TikTokEventsQueue"]["Arn"]

    # SQSSendMessagePolicy expands to sqs:SendMessage* on the queue named by its QueueName
    assert any(s.actions == ("sqs:SendMessage*",) and s.resources == (queue,) for s in webhook.statements)
    assert evaluate(webhook.statements, "sqs:SendMessage", queue).allowed
    assert not evaluate(webhook.statements, "sqs:SendMessage", physical["TikTokEventsDLQ"]["Arn"]).allowed
    assert not evaluate(webhook.statements, "sqs:ReceiveMessage", queue).allowed
    assert webhook.principal_arn == (
        "arn:aws:sts::123456789012:assumed-role/tts-local-TikTokWebhookFunctionRole/tts-local-TikTokWebhookFunction"
    )


def test_managed_policies_sam_attaches_for_the_lambda_service_are_not_granted_to_the_code(
    template: SamTemplate,
) -> None:
    identities = function_identities(template, _physical(template))

    # The events function's role has AWSLambdaSQSQueueExecutionRole for its event source mapping, and every
    # role has AWSLambdaBasicExecutionRole: the code itself may use neither.
    events = identities["TikTokEventsFunction"]
    assert not evaluate(events.statements, "sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:123456789012:any").allowed
    assert not evaluate(events.statements, "logs:PutLogEvents", None).allowed


def test_every_function_has_its_own_access_key(template: SamTemplate) -> None:
    identities = function_identities(template, _physical(template))

    keys = {i.access_key_id for i in identities.values()}
    assert len(keys) == len(identities) == len(template.of_type("AWS::Serverless::Function"))
    assert all(k.startswith("ASIA") and len(k) == 20 for k in keys)


def test_a_statement_removed_from_the_template_is_missing_from_the_enforced_policy(tmp_path: Path) -> None:
    def drop_rate_limit_grant(raw: dict[str, Any]) -> None:
        statements = raw["Resources"]["AdminFunction"]["Properties"]["Policies"][0]["Statement"]
        statements[:] = [s for s in statements if "RateLimitTable" not in repr(s["Resource"])]

    changed = _variant(tmp_path, drop_rate_limit_grant)
    physical = _physical(changed)
    table = physical["RateLimitTable"]["Arn"]

    admin = function_identities(changed, physical)["AdminFunction"]
    original = function_identities(_template(ROOT / "template.yaml"), physical)["AdminFunction"]
    assert evaluate(original.statements, "dynamodb:UpdateItem", table).allowed
    assert not evaluate(admin.statements, "dynamodb:UpdateItem", table).allowed


def test_a_managed_policy_other_than_the_lambda_services_is_refused(tmp_path: Path) -> None:
    def add_managed(raw: dict[str, Any]) -> None:
        raw["Resources"]["HealthFunction"]["Properties"]["Policies"].append("AmazonDynamoDBFullAccess")

    with pytest.raises(UnsupportedPolicyError, match="AmazonDynamoDBFullAccess"):
        function_identities(_variant(tmp_path, add_managed), _physical(_template(ROOT / "template.yaml")))


def test_a_role_from_outside_the_template_is_refused(tmp_path: Path) -> None:
    def own_role(raw: dict[str, Any]) -> None:
        raw["Resources"]["HealthFunction"]["Properties"]["Role"] = "arn:aws:iam::123456789012:role/elsewhere"

    with pytest.raises(UnsupportedPolicyError, match="HealthFunction"):
        function_identities(_variant(tmp_path, own_role), _physical(_template(ROOT / "template.yaml")))


def test_tables_and_the_topic_encrypted_with_the_stack_key_are_known_with_that_key(template: SamTemplate) -> None:
    physical = _physical(template)

    keys = encryption_keys(template, physical)

    key = physical["ConnectorKey"]["Arn"]
    tables = {physical[t]["Arn"] for t in template.of_type("AWS::DynamoDB::Table")}
    assert keys == {**dict.fromkeys(tables, key), physical["AlertsTopic"]["Ref"]: key}


def test_a_topic_encrypted_through_a_template_alias_resolves_to_the_aliased_key(tmp_path: Path) -> None:
    def topic_by_alias(raw: dict[str, Any]) -> None:
        raw["Resources"]["AlertsTopic"]["Properties"]["KmsMasterKeyId"] = copy.deepcopy(
            raw["Resources"]["ConnectorKeyAlias"]["Properties"]["AliasName"]
        )

    changed = _variant(tmp_path, topic_by_alias)
    physical = _physical(changed)

    assert encryption_keys(changed, physical)[physical["AlertsTopic"]["Ref"]] == physical["ConnectorKey"]["Arn"]
