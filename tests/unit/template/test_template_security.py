"""What the merchant's security review needs of template.yaml, checked on the template itself.

Each rule is a function returning the problems it finds, run on the real template (no problem) and on a copy
with one thing missing (the problem named), so the rule covers every queue, consumer and schedule a later
capability adds. checkov (`make scan`) checks the generic policies; these are the connector's own.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from samcli.yamlhelper import yaml_parse

ROOT = Path(__file__).resolve().parents[3]
FOURTEEN_DAYS = 1209600
# $context variables that may carry a query string, a body or a credential: never in the access log.
FORBIDDEN_LOG_VARIABLES = (
    "$context.path",
    "$input",
    "$context.requestOverride",
    "$context.responseOverride",
    "$context.identity.apiKey",
    "$context.authorizer",
)
REQUIRED_LOG_VARIABLES = (
    "$context.requestId",
    "$context.httpMethod",
    "$context.resourcePath",
    "$context.status",
    "$context.responseLatency",
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return dict(yaml_parse((ROOT / "template.yaml").read_text()))


def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def _events(function: dict[str, Any], *kinds: str) -> list[dict[str, Any]]:
    events = function.get("Properties", {}).get("Events", {}).values()
    return [e.get("Properties", {}) for e in events if e.get("Type") in kinds]


def _ref(value: Any) -> str | None:
    return value.get("Ref") if isinstance(value, dict) else None


def unencrypted_queues(template: dict[str, Any]) -> list[str]:
    """Queues without SSE (SSE-SQS or a KMS key), and DLQs that lost their 14 days of retention."""
    problems = []
    queues = _resources(template, "AWS::SQS::Queue")
    dlqs = {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in queues.values()
        if "RedrivePolicy" in q.get("Properties", {})
    }
    for name, queue in queues.items():
        props = queue.get("Properties", {})
        if props.get("SqsManagedSseEnabled") is not True and not props.get("KmsMasterKeyId"):
            problems.append(f"{name} is not encrypted")
        if name in dlqs and props.get("MessageRetentionPeriod") != FOURTEEN_DAYS:
            problems.append(f"{name} keeps messages less than 14 days")
    return problems


def magento_consumers(template: dict[str, Any]) -> list[str]:
    """Functions consuming a queue whose policy can read the Magento credentials, i.e. that call Magento."""
    return [
        name
        for name, function in _resources(template, "AWS::Serverless::Function").items()
        if _events(function, "SQS") and "${MagentoSecretName}" in json.dumps(function["Properties"].get("Policies"))
    ]


def unbounded_magento_consumers(template: dict[str, Any]) -> list[str]:
    """Magento consumers whose event source lacks MaximumConcurrency from a parameter of at least 2."""
    problems = []
    parameters = template.get("Parameters", {})
    for name in magento_consumers(template):
        for event in _events(template["Resources"][name], "SQS"):
            parameter = _ref((event.get("ScalingConfig") or {}).get("MaximumConcurrency"))
            spec = parameters.get(parameter or "", {})
            if spec.get("Type") != "Number" or spec.get("MinValue", 0) < 2 or spec.get("Default", 0) < 2:
                problems.append(f"{name}: MaximumConcurrency must be a Number parameter with MinValue and Default >= 2")
    return problems


def scheduled_functions_without_error_alarm(template: dict[str, Any]) -> list[str]:
    """Scheduled functions whose Errors metric has no alarm notifying AlertsTopic."""
    alarmed = set()
    for alarm in _resources(template, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        dimensions = {d["Name"]: _ref(d["Value"]) for d in props.get("Dimensions", [])}
        if (
            props.get("Namespace") == "AWS/Lambda"
            and props.get("MetricName") == "Errors"
            and props.get("Threshold", 2) <= 1
            and props.get("Statistic") in ("Sum", "Maximum")
            and {"Ref": "AlertsTopic"} in props.get("AlarmActions", [])
        ):
            alarmed.add(dimensions.get("FunctionName"))
    return [
        f"{name} runs on a schedule without an Errors alarm to AlertsTopic"
        for name, function in _resources(template, "AWS::Serverless::Function").items()
        if _events(function, "Schedule", "ScheduleV2") and name not in alarmed
    ]


def access_log_problems(template: dict[str, Any]) -> list[str]:
    problems = []
    for name, api in _resources(template, "AWS::Serverless::Api").items():
        setting = api["Properties"].get("AccessLogSetting") or {}
        log_format = str(setting.get("Format", ""))
        group = (setting.get("DestinationArn") or {}).get("Fn::GetAtt", [""])[0]
        if not template["Resources"].get(group, {}).get("Properties", {}).get("RetentionInDays"):
            problems.append(f"{name}: access log group without retention")
        try:
            json.loads(re.sub(r"\$context\.[A-Za-z.]+", "x", log_format))
        except json.JSONDecodeError:
            problems.append(f"{name}: access log format is not one JSON object")
        variables = set(re.findall(r"\$[A-Za-z.]+", log_format))
        problems += [f"{name}: access log lacks {v}" for v in REQUIRED_LOG_VARIABLES if v not in variables]
        problems += [
            f"{name}: access log has {v}" for v in variables if any(v.startswith(f) for f in FORBIDDEN_LOG_VARIABLES)
        ]
    return problems


def test_every_queue_is_encrypted_and_every_dlq_keeps_fourteen_days(template: dict[str, Any]) -> None:
    assert _resources(template, "AWS::SQS::Queue")
    assert unencrypted_queues(template) == []


def test_a_new_queue_without_encryption_is_reported(template: dict[str, Any]) -> None:
    changed = copy.deepcopy(template)
    changed["Resources"]["NewQueue"] = {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}}
    del changed["Resources"]["ProductPushDLQ"]["Properties"]["MessageRetentionPeriod"]

    assert unencrypted_queues(changed) == [
        "ProductPushDLQ keeps messages less than 14 days",
        "NewQueue is not encrypted",
    ]


def test_suppressed_queue_encryption_findings_are_queues_with_sse_sqs(template: dict[str, Any]) -> None:
    # CKV_AWS_27 accepts only KmsMasterKeyId; its suppression is true only where SSE-SQS is on.
    for name, resource in template["Resources"].items():
        skips = {s["id"] for s in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])}
        if "CKV_AWS_27" in skips:
            assert resource["Properties"]["SqsManagedSseEnabled"] is True, name


def test_every_magento_consumer_has_a_bounded_concurrency_parameter(template: dict[str, Any]) -> None:
    assert {"ProductPushFunction", "ProductWriteBackFunction"} <= set(magento_consumers(template))
    assert unbounded_magento_consumers(template) == []


def test_a_new_magento_consumer_without_maximum_concurrency_is_reported(template: dict[str, Any]) -> None:
    changed = copy.deepcopy(template)
    changed["Resources"]["OrderImportFunction"] = copy.deepcopy(changed["Resources"]["ProductWriteBackFunction"])
    del changed["Resources"]["OrderImportFunction"]["Properties"]["Events"]["WriteBack"]["Properties"]["ScalingConfig"]
    changed["Parameters"]["ProductPushMaxConcurrency"]["MinValue"] = 1

    assert unbounded_magento_consumers(changed) == [
        "ProductPushFunction: MaximumConcurrency must be a Number parameter with MinValue and Default >= 2",
        "OrderImportFunction: MaximumConcurrency must be a Number parameter with MinValue and Default >= 2",
    ]


def test_every_scheduled_function_has_an_errors_alarm_to_the_alerts_topic(template: dict[str, Any]) -> None:
    scheduled = [
        n for n, f in _resources(template, "AWS::Serverless::Function").items() if _events(f, "Schedule", "ScheduleV2")
    ]
    assert {"TokenRefreshFunction", "OutboxSweeperFunction", "ProductAuditCheckFunction"} <= set(scheduled)
    assert scheduled_functions_without_error_alarm(template) == []


def test_a_new_scheduled_function_without_an_errors_alarm_is_reported(template: dict[str, Any]) -> None:
    changed = copy.deepcopy(template)
    changed["Resources"]["ReconcileFunction"] = copy.deepcopy(changed["Resources"]["ProductAuditCheckFunction"])
    changed["Resources"]["TokenRefreshErrorsAlarm"]["Properties"]["AlarmActions"] = []

    assert scheduled_functions_without_error_alarm(changed) == [
        "TokenRefreshFunction runs on a schedule without an Errors alarm to AlertsTopic",
        "ReconcileFunction runs on a schedule without an Errors alarm to AlertsTopic",
    ]


def test_api_access_log_is_json_with_route_status_latency_and_no_query_string(template: dict[str, Any]) -> None:
    assert _resources(template, "AWS::Serverless::Api")
    assert access_log_problems(template) == []


def test_an_access_log_with_the_raw_path_is_reported(template: dict[str, Any]) -> None:
    changed = copy.deepcopy(template)
    setting = changed["Resources"]["ConnectorApi"]["Properties"]["AccessLogSetting"]
    setting["Format"] = setting["Format"].replace("$context.resourcePath", "$context.path")

    assert access_log_problems(changed) == [
        "ConnectorApi: access log lacks $context.resourcePath",
        "ConnectorApi: access log has $context.path",
    ]


def test_every_checkov_suppression_gives_a_one_line_reason(template: dict[str, Any]) -> None:
    for name, resource in template["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), name
            assert skip.get("comment", "").strip() and "\n" not in skip["comment"], (name, skip["id"])
    config_lines = (ROOT / ".checkov.yaml").read_text().splitlines()
    skipped = yaml.safe_load("\n".join(config_lines))["skip-check"]
    assert skipped
    for check in skipped:
        line = config_lines.index(f"  - {check}")
        assert config_lines[line - 1].lstrip().startswith("#"), f"{check} in .checkov.yaml has no reason above it"


def test_every_template_parameter_is_in_the_readme_settings_table(template: dict[str, Any]) -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [p for p in template["Parameters"] if f"| `{p}` |" not in readme]
    assert missing == []
