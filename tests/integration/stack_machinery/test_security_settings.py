"""template.yaml's security settings as the local stack creates them: encrypted queues, error alarms, consumers'
concurrency (the rules themselves: tests/unit/template/test_template_security.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local_stack import LocalStack
from local_stack.template import SamTemplate
from tests.integration.stack_support import ROOT, stack_without_sandboxes

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    yield from stack_without_sandboxes(tmp_path_factory.mktemp("state"))


@pytest.fixture(scope="module")
def template() -> SamTemplate:
    return SamTemplate(ROOT / "template.yaml", {"MagentoBaseUrl": "http://magento.local"})


def test_every_queue_of_the_template_is_created_encrypted(stack: LocalStack, template: SamTemplate) -> None:
    sqs = stack.client("sqs")
    for name, queue in template.of_type("AWS::SQS::Queue").items():
        attributes = sqs.get_queue_attributes(QueueUrl=stack.physical(name), AttributeNames=["All"])["Attributes"]

        assert attributes["SqsManagedSseEnabled"] == "true", name
        retention = queue["Properties"].get("MessageRetentionPeriod")
        if retention:
            assert attributes["MessageRetentionPeriod"] == str(retention), name


def test_every_scheduled_function_has_its_errors_alarm_to_the_alerts_topic(
    stack: LocalStack, template: SamTemplate
) -> None:
    alarms = stack.client("cloudwatch").describe_alarms(AlarmNamePrefix=stack.config.stack_name)["MetricAlarms"]
    errors = {
        d["Value"]: alarm["AlarmActions"]
        for alarm in alarms
        if (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Lambda", "Errors")
        for d in alarm["Dimensions"]
        if d["Name"] == "FunctionName"
    }
    scheduled = {s.function for s in template.schedules()}

    assert scheduled
    for function in scheduled:
        assert errors[f"{stack.config.stack_name}-{function}"] == [stack.physical("AlertsTopic")], function


def test_consumers_get_their_maximum_concurrency_from_the_template_parameters(template: SamTemplate) -> None:
    limits = {s.function: s.max_concurrency for s in template.sqs_sources()}
    parameters = template.raw["Parameters"]

    assert limits["ProductPushFunction"] == int(parameters["ProductPushMaxConcurrency"]["Default"])
    assert limits["ProductWriteBackFunction"] == int(parameters["ProductWriteBackMaxConcurrency"]["Default"])
    overridden = SamTemplate(
        ROOT / "template.yaml", {"MagentoBaseUrl": "http://magento.local", "ProductPushMaxConcurrency": "3"}
    )
    assert {s.function: s.max_concurrency for s in overridden.sqs_sources()}["ProductPushFunction"] == 3
