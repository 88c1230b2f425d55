"""Least privilege, checked locally: with a permission missing from template.yaml, the local stack fails the
way AWS would, the decision log says what was denied, and no function is granted more than this stack."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from local_stack import LocalStack, StackConfig
from local_stack.iam_policies import function_identities
from tests.helpers import encode, sign_tiktok_webhook, template_variant, tiktok_notification
from tests.integration.stack_support import ROOT, UNUSED_MAGENTO, UNUSED_TIKTOK

pytestmark = pytest.mark.integration

US_SHOP = "7494049642642441621"
TEMPLATE = ROOT / "template.yaml"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    config = StackConfig(state_dir=tmp_path_factory.mktemp("state"), time_scale=0.003, run_schedules=False)
    with LocalStack(config) as running:
        yield running


def _without_action(function: str, action: str, resource: str) -> Callable[[dict[str, Any]], None]:
    """Remove `action` on the resource with logical id `resource` from `function`'s inline statements."""

    def change(raw: dict[str, Any]) -> None:
        removed = False
        for policy in raw["Resources"][function]["Properties"]["Policies"]:
            if "Statement" not in policy:  # a SAM policy template
                continue
            for statement in policy["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                if action in actions and resource in repr(statement["Resource"]):
                    statement["Action"] = [a for a in actions if a != action]
                    removed = True
            policy["Statement"] = [s for s in policy["Statement"] if s["Action"]]
        assert removed, f"{function} has no {action} on {resource} to remove"

    return change


def _without_policy_template(function: str, name: str) -> Callable[[dict[str, Any]], None]:
    def change(raw: dict[str, Any]) -> None:
        policies = raw["Resources"][function]["Properties"]["Policies"]
        kept = [p for p in policies if name not in p]
        assert len(kept) < len(policies), f"{function} has no {name}"
        policies[:] = kept

    return change


def _decisions(stack: LocalStack) -> list[str]:
    """Decision log lines without their timestamps."""
    return [line.split(" ", 1)[1] for line in stack.iam_log.read_text().splitlines()]


def _admin(stack: LocalStack, path: str) -> requests.Response:
    return requests.get(f"{stack.url}{path}", headers=stack.admin_headers, timeout=60)


def _connect(stack: LocalStack) -> None:
    """The merchant starts an authorization and the seller approves it on TikTok's page."""
    start = _admin(stack, "/tts/authorization/start")
    assert start.status_code == 200, start.text
    assert requests.get(start.json()["authorize_url"], timeout=60).status_code == 200


def test_the_admin_api_reserves_its_tiktok_rate_limit_slots_as_its_policy_allows(stack: LocalStack) -> None:
    _connect(stack)

    response = _admin(stack, f"/admin/shops/{US_SHOP}/warehouses")

    assert response.status_code == 200, response.text
    table = stack.physical("RateLimitTable", "Arn")
    assert f"ALLOW AdminFunction dynamodb:UpdateItem {table}" in _decisions(stack)
    assert not [line for line in _decisions(stack) if line.startswith("DENY")]


def test_without_update_item_on_the_rate_limit_table_the_admin_api_cannot_call_tiktok(
    start_stack: Callable[..., LocalStack], tmp_path: Path
) -> None:
    # Given a deployment whose admin function lost dynamodb:UpdateItem on RateLimitTable
    broken = start_stack(
        template_path=template_variant(
            TEMPLATE, tmp_path, _without_action("AdminFunction", "dynamodb:UpdateItem", "RateLimitTable")
        )
    )
    _connect(broken)  # the callback's own grant is intact

    # When the merchant lists a shop's warehouses (a TikTok call, so a rate limit slot first)
    response = _admin(broken, f"/admin/shops/{US_SHOP}/warehouses")

    # Then the call fails as it would in AWS, and both logs say why
    assert response.status_code == 502
    table = broken.physical("RateLimitTable", "Arn")
    assert (
        f"DENY AdminFunction dynamodb:UpdateItem {table} "
        "because no identity-based policy allows the dynamodb:UpdateItem action"
    ) in _decisions(broken)
    denial = f"not authorized to perform: dynamodb:UpdateItem on resource: {table}"
    function_log = broken.function_log("AdminFunction", containing=denial)
    assert "AccessDeniedException" in function_log
    assert denial in function_log


def test_without_send_message_a_webhook_is_not_acknowledged_and_its_event_stays_received(
    start_stack: Callable[..., LocalStack], tmp_path: Path
) -> None:
    # Given a deployment whose webhook function lost SQSSendMessagePolicy
    broken = start_stack(
        template_path=template_variant(
            TEMPLATE, tmp_path, _without_policy_template("TikTokWebhookFunction", "SQSSendMessagePolicy")
        ),
        tiktok=UNUSED_TIKTOK,
        magento=UNUSED_MAGENTO,
    )
    # Topic 6 is routed to a queue (an unrouted topic would be recorded without any send).
    body = encode(tiktok_notification(topic=6, notification_id="7327112393057379999", data={}))
    creds = UNUSED_TIKTOK.credentials

    # When TikTok posts a correctly signed notification
    response = requests.post(
        f"{broken.url}/webhooks/tiktok",
        data=body,
        headers={"Authorization": sign_tiktok_webhook(creds["app_key"], creds["app_secret"], body)},
        timeout=30,
    )

    # Then it is not acknowledged (TikTok retries), the record stays RECEIVED for the outbox, and the log says why
    assert response.status_code == 502
    item = broken.client("dynamodb").get_item(
        TableName=broken.physical("EventsTable"), Key={"event_key": {"S": "tts:7327112393057379999"}}
    )["Item"]
    assert item["status"]["S"] == "RECEIVED"
    queue = broken.physical("TikTokEventsQueue", "Arn")
    assert any(line.startswith(f"DENY TikTokWebhookFunction sqs:SendMessage {queue} ") for line in _decisions(broken))


def _stack_resources(stack: LocalStack) -> dict[str, str]:
    """ARN -> name of every table, index, queue, topic, key and secret this stack has."""
    assert stack.resources is not None
    found: dict[str, str] = {}
    dynamodb = stack.client("dynamodb")
    for physical in stack.resources.physical.values():
        if not isinstance(physical, dict):
            continue
        if "QueueName" in physical:
            found[physical["Arn"]] = physical["QueueName"]
        elif "TopicName" in physical:
            found[physical["TopicArn"]] = physical["TopicName"]
        elif "KeyId" in physical:
            found[physical["Arn"]] = physical["KeyId"]
        elif str(physical.get("Arn", "")).startswith("arn:aws:dynamodb:"):
            found[physical["Arn"]] = physical["Ref"]
            table = dynamodb.describe_table(TableName=physical["Ref"])["Table"]
            for index in table.get("GlobalSecondaryIndexes", []):
                found[f"{physical['Arn']}/index/{index['IndexName']}"] = f"{physical['Ref']}/index/{index['IndexName']}"
    for secret in stack.client("secretsmanager").list_secrets()["SecretList"]:
        found[secret["ARN"]] = secret["Name"]
    return found


def test_every_function_policy_names_only_this_stacks_resources(stack: LocalStack) -> None:
    """A cheap guard against over-broad grants: no `*` resources, no wildcards over other names or accounts.

    Each resource a function is granted must match a resource of this stack, and its literal part (up to
    the first wildcard) must contain that resource's whole name, so `secret:tts-connector/tiktok-app-*`
    (Secrets Manager's random suffix) passes and `table/tts-local-*` or `arn:aws:sqs:*:*:q` do not.
    """
    assert stack.template is not None and stack.resources is not None
    resources = _stack_resources(stack)
    # Actions whose API accepts no narrower resource than "*" (Service Authorization Reference); none today.
    star_required: set[str] = set()

    offenders = []
    identities = function_identities(stack.template, stack.resources.physical)
    for identity in identities.values():
        for statement in identity.statements:
            if statement.effect == "Deny":
                continue
            if statement.not_resource or statement.not_action:
                offenders.append(f"{statement.source}: Allow with NotResource/NotAction")
                continue
            for pattern in statement.resources:
                if pattern == "*" and set(statement.actions) <= star_required:
                    continue
                literal = pattern.split("*", 1)[0].split("?", 1)[0]
                if not any(fnmatch.fnmatchcase(arn, pattern) and name in literal for arn, name in resources.items()):
                    offenders.append(f"{identity.function} ({statement.source}): {pattern}")

    # A function without Policies (the console's shell touches no AWS service) gets no statements at all.
    declared = {
        name
        for name, res in stack.template.of_type("AWS::Serverless::Function").items()
        if res["Properties"].get("Policies")
    }
    assert identities and declared and all(identities[name].statements for name in declared)
    assert not identities["ConsoleShellFunction"].statements
    assert offenders == []
