"""Each function's IAM policy as SAM deploys it, resolved against the local stack's physical resources.

SAM's own translator (what `sam validate` and CloudFormation's transform run) turns `Policies:` into the
function's generated `AWS::IAM::Role`, with policy templates such as `SQSSendMessagePolicy` expanded, so
the local stack enforces exactly the statements that will exist in AWS. Intrinsics are then resolved with
the same resolver the rest of the local stack uses.

AWS managed policies SAM attaches by itself (basic execution, X-Ray, event-source pollers, VPC) grant what
the Lambda service does with the function's role — write its logs, send its traces, poll its queue — not
what the function's code calls. They are left out of the enforced policy, so code that started calling one
of those APIs itself would need its own statement. Any other managed policy is refused: the documents of
AWS managed policies are not in the template, and they are broader than this project's grants should be.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from samcli.lib.translate.sam_template_validator import SamTemplateValidator
from samcli.yamlhelper import yaml_parse

from local_stack.iam_evaluation import Statement, UnsupportedPolicyError, statements_from_document
from local_stack.template import ACCOUNT_ID, REGION, SamTemplate

_MANAGED = "arn:aws:iam::aws:policy/"
# Managed policies SAM adds for the Lambda service's own use of the role (see the module docstring).
LAMBDA_SERVICE_POLICIES = {
    "AWSLambdaBasicExecutionRole": f"{_MANAGED}service-role/AWSLambdaBasicExecutionRole",
    "AWSXrayWriteOnlyAccess": f"{_MANAGED}AWSXrayWriteOnlyAccess",
    "AWSLambdaSQSQueueExecutionRole": f"{_MANAGED}service-role/AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaDynamoDBExecutionRole": f"{_MANAGED}service-role/AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaKinesisExecutionRole": f"{_MANAGED}service-role/AWSLambdaKinesisExecutionRole",
    "AWSLambdaVPCAccessExecutionRole": f"{_MANAGED}service-role/AWSLambdaVPCAccessExecutionRole",
}


@dataclass(frozen=True)
class FunctionIdentity:
    function: str  # logical id
    function_name: str  # physical name
    role_name: str
    access_key_id: str  # the function's own local credentials; the proxy recognises the caller by it
    statements: tuple[Statement, ...]

    @property
    def principal_arn(self) -> str:
        # Lambda assumes the role with the function name as the session name.
        return f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{self.role_name}/{self.function_name}"


class _StaticManagedPolicies:
    """SAM's managed-policy loader without IAM calls: the names SAM may resolve to ARNs, nothing else."""

    def load(self) -> dict[str, str]:
        return dict(LAMBDA_SERVICE_POLICIES)


_TRANSLATED: dict[str, dict[str, Any]] = {}


def translate(template: SamTemplate) -> dict[str, Any]:
    """The CloudFormation template SAM produces from template.yaml (local CodeUris become placeholders).

    Translated once per template and parameter values in a process (SAM's translator takes seconds for this
    template, and a test session starts dozens of stacks); callers get a copy.
    """
    key = json.dumps([template.raw, template.parameters], sort_keys=True, default=str)
    if key not in _TRANSLATED:
        _TRANSLATED[key] = _translate(template)
    return copy.deepcopy(_TRANSLATED[key])


def _translate(template: SamTemplate) -> dict[str, Any]:
    # The translator warns about feature toggles it has no configuration for; that is not our concern.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    validator = SamTemplateValidator(
        copy.deepcopy(template.raw), _StaticManagedPolicies(), region=REGION, parameter_overrides=template.parameters
    )
    translated: dict[str, Any] = yaml_parse(validator.get_translated_template_if_valid())
    return translated


def function_identities(
    template: SamTemplate, physical: dict[str, Any], translated: dict[str, Any] | None = None
) -> dict[str, FunctionIdentity]:
    translated = translated or translate(template)
    resources: dict[str, Any] = translated["Resources"]
    stack = str(physical.get("AWS::StackName", "tts-local"))
    identities: dict[str, FunctionIdentity] = {}
    for function in template.of_type("AWS::Serverless::Function"):
        role_id = _role_of(function, resources)
        documents = _role_documents(role_id, resources)
        statements: list[Statement] = []
        for name, document in documents:
            statements += statements_from_document(template.resolve(document, physical), f"{role_id}/{name}")
        identities[function] = FunctionIdentity(
            function=function,
            function_name=str(physical[function]["Ref"]),
            role_name=f"{stack}-{role_id}"[:64],
            access_key_id=_access_key(stack, function),
            statements=tuple(statements),
        )
    keys = [i.access_key_id for i in identities.values()]
    assert len(set(keys)) == len(keys), "access key ids must identify one function each"
    return identities


def _role_of(function: str, resources: dict[str, Any]) -> str:
    role = resources[function]["Properties"].get("Role")
    if isinstance(role, dict) and "Fn::GetAtt" in role:
        role_id = str(role["Fn::GetAtt"][0])
        if resources.get(role_id, {}).get("Type") == "AWS::IAM::Role":
            return role_id
    raise UnsupportedPolicyError(
        f"{function}: its Role ({role!r}) is not a role defined in the template, so its policies are unknown "
        "locally; let SAM generate the role from Policies, or start the stack with enforce_iam=False"
    )


def _role_documents(role_id: str, resources: dict[str, Any]) -> list[tuple[str, Any]]:
    props = resources[role_id]["Properties"]
    if "PermissionsBoundary" in props:
        raise UnsupportedPolicyError(f"{role_id}: permissions boundaries are not evaluated by the local IAM proxy")
    documents = [(str(p["PolicyName"]), p["PolicyDocument"]) for p in props.get("Policies", [])]
    for arn in props.get("ManagedPolicyArns", []):
        if isinstance(arn, dict) and "Ref" in arn and arn["Ref"] in resources:
            documents.append((str(arn["Ref"]), resources[arn["Ref"]]["Properties"]["PolicyDocument"]))
        elif arn not in LAMBDA_SERVICE_POLICIES.values():
            raise UnsupportedPolicyError(
                f"{role_id}: managed policy {arn!r} is not known to the local IAM proxy; grant what the code "
                "calls with an inline statement or a SAM policy template instead"
            )
    # Policies attached from outside the role, to it by Ref.
    for logical_id, resource in resources.items():
        if resource.get("Type") not in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            continue
        if {"Ref": role_id} in resource["Properties"].get("Roles", []):
            documents.append((logical_id, resource["Properties"]["PolicyDocument"]))
    return documents


def _access_key(stack: str, function: str) -> str:
    # Shaped like a temporary (ASIA...) key id; derived from the names so logs read the same on every run.
    return "ASIA" + hashlib.sha256(f"{stack}/{function}".encode()).hexdigest()[:16].upper()


def encryption_keys(template: SamTemplate, physical: dict[str, Any]) -> dict[str, str]:
    """ARN of each table, topic and queue encrypted with a customer managed key -> that key's ARN.

    Services use such a key on the caller's behalf, with the caller's permissions; AWS managed keys
    (`alias/aws/...`, or SSE without a key id) need no permission from the caller.
    """
    keys: dict[str, str] = {}
    for table, resource in template.of_type("AWS::DynamoDB::Table").items():
        sse = resource.get("Properties", {}).get("SSESpecification", {})
        if sse.get("SSEEnabled") and sse.get("KMSMasterKeyId"):
            keys[str(physical[table]["Arn"])] = sse["KMSMasterKeyId"]
    # A topic's Ref is its ARN; a queue's Ref is its URL.
    for kind, attribute in (("AWS::SNS::Topic", "Ref"), ("AWS::SQS::Queue", "Arn")):
        for logical_id, resource in template.of_type(kind).items():
            key = resource.get("Properties", {}).get("KmsMasterKeyId")
            if key:
                keys[str(physical[logical_id][attribute])] = key
    resolved = {arn: _key_arn(str(template.resolve(key, physical)), template, physical) for arn, key in keys.items()}
    return {arn: key for arn, key in resolved.items() if key is not None}


def _key_arn(key: str, template: SamTemplate, physical: dict[str, Any]) -> str | None:
    if key.startswith("arn:") and ":key/" in key:
        return key
    alias = key.split(":", 5)[-1] if key.startswith("arn:") else key
    if alias.startswith("alias/aws/"):
        return None
    if alias.startswith("alias/"):
        for resource in template.of_type("AWS::KMS::Alias").values():
            props = template.resolve(resource["Properties"], physical)
            if props["AliasName"] == alias:
                return _key_arn(str(props["TargetKeyId"]), template, physical)
        return None
    return f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/{key}"
