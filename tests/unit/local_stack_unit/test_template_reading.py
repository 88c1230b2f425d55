"""The local stack reads routes, queues, schedules and function settings from template.yaml itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from local_stack.scheduler import rate_seconds
from local_stack.template import SamTemplate

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def template() -> SamTemplate:
    return SamTemplate(ROOT / "template.yaml", {"MagentoBaseUrl": "http://magento.local"})


def test_routes_come_from_api_events_with_their_auth(template: SamTemplate) -> None:
    routes = {(r.method, r.path): (r.function, r.public) for r in template.api_routes()}

    assert routes[("GET", "/health")] == ("HealthFunction", True)
    assert routes[("POST", "/webhooks/tiktok")] == ("TikTokWebhookFunction", True)


def test_every_queue_consumer_reports_partial_batch_failures(template: SamTemplate) -> None:
    sources = template.sqs_sources()

    assert sources
    assert all(s.report_batch_item_failures for s in sources)
    assert {s.queue for s in sources} >= {"TikTokEventsQueue"}


def test_every_queue_has_a_dlq_and_a_visibility_timeout_of_six_times_its_consumer(
    template: SamTemplate,
) -> None:
    queues = template.of_type("AWS::SQS::Queue")
    functions = template.of_type("AWS::Serverless::Function")
    for source in template.sqs_sources():
        props = queues[source.queue]["Properties"]
        timeout = int(functions[source.function]["Properties"]["Timeout"])
        assert int(props["VisibilityTimeout"]) >= 6 * timeout
        dlq = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert dlq in queues


def test_every_dlq_has_a_depth_alarm_that_notifies_the_alerts_topic(template: SamTemplate) -> None:
    dlqs = {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in template.of_type("AWS::SQS::Queue").values()
        if "RedrivePolicy" in q["Properties"]
    }
    alarmed = {
        a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for a in template.of_type("AWS::CloudWatch::Alarm").values()
        if a["Properties"]["Namespace"] == "AWS/SQS"
    }
    assert dlqs and dlqs <= alarmed
    for alarm in template.of_type("AWS::CloudWatch::Alarm").values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlertsTopic"}]


def test_tables_are_on_demand_recoverable_and_encrypted_with_the_stack_key(template: SamTemplate) -> None:
    for name, table in template.of_type("AWS::DynamoDB::Table").items():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST", name
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, name
        assert props["SSESpecification"]["KMSMasterKeyId"] == {"Ref": "ConnectorKey"}, name


def test_globals_reach_every_function(template: SamTemplate) -> None:
    physical = {"EventsTable": {"Ref": "events-physical"}, "TikTokEventsQueue": {"Ref": "http://queue"}}
    functions = template.functions(physical)

    for spec in functions.values():
        assert spec.environment["POWERTOOLS_SERVICE_NAME"] == "tts-connector"
        assert spec.environment["EVENTS_TABLE"] == "events-physical"
        assert spec.environment["MAGENTO_BASE_URL"] == "http://magento.local"
        assert spec.layer_dirs == [ROOT / "layers" / "common"]
    assert functions["TikTokEventsFunction"].timeout == 60


def test_schedules_are_listed_with_their_expression(template: SamTemplate) -> None:
    schedules = {s.name: s.expression for s in template.schedules()}

    assert schedules["OutboxSweeperFunction.Sweep"] == "rate(5 minutes)"


def test_unknown_parameter_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown template parameters: Nope"):
        SamTemplate(ROOT / "template.yaml", {"MagentoBaseUrl": "http://m", "Nope": "x"})


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(5 minutes)", 300),
        ("rate(1 minute)", 60),
        ("rate(2 hours)", 7200),
        ("rate(1 day)", 86400),
        ("cron(0 12 * * ? *)", None),
    ],
)
def test_rate_expressions(expression: str, seconds: int | None) -> None:
    assert rate_seconds(expression) == seconds


def test_sub_with_a_variable_map_substitutes_values_with_dots_literally(template: SamTemplate) -> None:
    # SAM's SQSSendMessagePolicy: a FIFO queue's name ends in ".fifo", which is not a resource attribute.
    queue_arn = {
        "Fn::Sub": [
            "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}",
            {"queueName": {"Fn::GetAtt": ["TikTokEventsQueue", "QueueName"]}},
        ]
    }

    resolved = template.resolve(queue_arn, {"TikTokEventsQueue": {"QueueName": "tts-local-TikTokEventsQueue.fifo"}})

    assert resolved == "arn:aws:sqs:us-east-1:123456789012:tts-local-TikTokEventsQueue.fifo"
