"""IAM policy evaluation as the local IAM proxy does it: explicit deny, allow, implicit deny, wildcards."""

from __future__ import annotations

from typing import Any

import pytest

from local_stack.iam_evaluation import UnsupportedPolicyError, evaluate, statements_from_document

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/tts-local-EventsTable"
OTHER_TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/tts-local-TokensTable"


def _policy(*statements: dict[str, Any]) -> list[Any]:
    return statements_from_document({"Version": "2012-10-17", "Statement": list(statements)}, "Policy0")


def test_an_allow_for_the_action_on_the_resource_allows_it() -> None:
    policy = _policy({"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": TABLE})

    decision = evaluate(policy, "dynamodb:PutItem", TABLE)

    assert decision.allowed
    assert decision.reason == "allowed by Policy0#0"


def test_nothing_allowing_the_action_or_the_resource_is_an_implicit_deny_naming_the_action() -> None:
    policy = _policy({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE})

    other_action = evaluate(policy, "dynamodb:UpdateItem", TABLE)
    other_resource = evaluate(policy, "dynamodb:GetItem", OTHER_TABLE)

    assert not other_action.allowed and not other_resource.allowed
    assert other_action.reason == "because no identity-based policy allows the dynamodb:UpdateItem action"


def test_an_explicit_deny_wins_over_any_allow() -> None:
    policy = _policy(
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": "dynamodb:DeleteItem", "Resource": TABLE},
    )

    decision = evaluate(policy, "dynamodb:DeleteItem", TABLE)

    assert not decision.allowed
    assert decision.reason == "with an explicit deny in an identity-based policy (Policy0#1)"
    assert evaluate(policy, "dynamodb:DeleteItem", OTHER_TABLE).allowed


def test_actions_match_case_insensitively_with_wildcards_and_resources_case_sensitively() -> None:
    policy = _policy(
        {"Effect": "Allow", "Action": "SQS:sendmessage*", "Resource": "arn:aws:sqs:us-east-1:123456789012:q-?.fifo"}
    )

    assert evaluate(policy, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q-1.fifo").allowed
    assert not evaluate(policy, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q-12.fifo").allowed
    assert not evaluate(policy, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:Q-1.fifo").allowed
    assert not evaluate(policy, "sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:123456789012:q-1.fifo").allowed


def test_secret_policies_match_the_random_suffix_secrets_manager_appends() -> None:
    prefix = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tts-connector/tiktok-app"
    policy = _policy({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": f"{prefix}-*"})

    assert evaluate(policy, "secretsmanager:GetSecretValue", f"{prefix}-AbCdEf").allowed
    assert not evaluate(policy, "secretsmanager:GetSecretValue", f"{prefix}2-AbCdEf").allowed


def test_not_action_and_not_resource_cover_everything_they_do_not_name() -> None:
    policy = _policy(
        {"Effect": "Allow", "NotAction": "dynamodb:DeleteItem", "Resource": TABLE},
        {"Effect": "Deny", "Action": "dynamodb:Scan", "NotResource": TABLE},
    )

    assert evaluate(policy, "dynamodb:Query", TABLE).allowed
    assert not evaluate(policy, "dynamodb:DeleteItem", TABLE).allowed
    assert not evaluate(policy, "dynamodb:Scan", OTHER_TABLE).allowed


def test_a_statement_for_resource_star_covers_actions_without_resource_types_and_scoped_ones_do_not() -> None:
    scoped = _policy({"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": TABLE})
    star = _policy({"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"})

    assert not evaluate(scoped, "cloudwatch:PutMetricData", "*").allowed
    assert evaluate(star, "cloudwatch:PutMetricData", "*").allowed


def test_a_request_whose_resource_is_unknown_is_checked_on_its_action_only() -> None:
    policy = _policy({"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:*:*:log-group:x:*"})

    assert evaluate(policy, "logs:PutLogEvents", None).allowed
    assert not evaluate(policy, "logs:CreateLogGroup", None).allowed


@pytest.mark.parametrize(
    ("statement", "complaint"),
    [
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {}}, "Condition"),
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}"}, "variables"),
        ({"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:*", "Resource": "*"}, "exactly one"),
        ({"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "*"}, "Effect"),
        ({"Effect": "Allow", "Action": {"Fn::GetAtt": ["X", "Arn"]}, "Resource": "*"}, "strings"),
    ],
)
def test_what_the_evaluation_does_not_implement_is_refused_when_the_policy_is_read(
    statement: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(UnsupportedPolicyError, match=complaint):
        _policy(statement)
