"""Reading template.yaml the way SAM does: Globals merged, intrinsics resolved against local resources.

SAM CLI's own template providers do the parsing, Globals merge and intrinsic resolution, so the local
stack reads the template exactly as `sam local` would; this module only maps what it finds into plain
descriptions of resources, routes, queues and schedules.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samcli.lib.intrinsic_resolver.intrinsic_property_resolver import IntrinsicResolver
from samcli.lib.intrinsic_resolver.intrinsics_symbol_table import IntrinsicsSymbolTable
from samcli.lib.samlib.wrapper import SamTranslatorWrapper
from samcli.yamlhelper import yaml_parse

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"


@dataclass(frozen=True)
class ApiRoute:
    function: str
    path: str
    method: str
    public: bool
    # The API's named authorizer guarding the route (a Cognito user pool), "" for public and IAM routes.
    authorizer: str = ""


@dataclass(frozen=True)
class SqsSource:
    function: str
    queue: str  # logical id of the queue
    batch_size: int
    report_batch_item_failures: bool
    # ScalingConfig.MaximumConcurrency: how many batches Lambda hands out at once (one poller each locally).
    max_concurrency: int = 1


@dataclass(frozen=True)
class ScheduleSource:
    function: str
    name: str  # "<Function>.<Event>"
    expression: str
    enabled: bool


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_dir: Path
    handler: str
    timeout: int
    memory: int
    environment: dict[str, str]
    layer_dirs: list[Path] = field(default_factory=list)


class SamTemplate:
    def __init__(self, path: Path, parameters: dict[str, str], if_declared: dict[str, str] | None = None):
        """`parameters` must all be declared by the template; `if_declared` are applied only where they are."""
        self.path = path.resolve()
        self.root = self.path.parent
        raw = _parsed(self.path.read_text())
        self.raw: dict[str, Any] = raw  # as written, for SAM's translator (iam_policies)
        declared = raw.get("Parameters", {})
        applicable = {k: v for k, v in (if_declared or {}).items() if k in declared}
        self.parameters = _parameter_values(raw, {**applicable, **parameters})
        # Runs SAM's Globals plugin: every function gets the Globals it would get when deployed.
        self.template: dict[str, Any] = SamTranslatorWrapper(copy.deepcopy(raw)).run_plugins()
        # One copy for every resolver: SAM's IntrinsicResolver deep-copies the template it is given, which
        # made each resolve() cost ~40 ms and a stack start seconds (it resolves every resource's properties).
        self._resolver_template: dict[str, Any] = copy.deepcopy(self.template)

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return dict(self.template.get("Resources", {}))

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v.get("Type") == resource_type}

    def resolve(self, value: Any, physical: dict[str, Any]) -> Any:
        """Resolve intrinsics in `value`; `physical` maps logical ids to {"Ref": ..., "Arn": ..., ...}."""
        translator: dict[str, Any] = {
            **self.parameters,
            **physical,
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": physical.get("AWS::StackName", "tts-local"),
            "AWS::StackId": (
                f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{physical.get('AWS::StackName', 'tts-local')}"
                "/6f9c2c1e-4b8a-4f0e-9d3c-0c5e1a2b3c4d"
            ),
        }
        symbols = IntrinsicsSymbolTable(template=self.template, logical_id_translator=translator)
        resolver = _SharedTemplateResolver(self._resolver_template, symbols)
        return resolver.intrinsic_property_resolver(_inline_sub_variables(value, resolver), ignore_errors=False)

    def functions(self, physical: dict[str, Any]) -> dict[str, FunctionSpec]:
        specs: dict[str, FunctionSpec] = {}
        for logical_id, resource in self.of_type("AWS::Serverless::Function").items():
            props = resource["Properties"]
            variables = self.resolve(props.get("Environment", {}).get("Variables", {}), physical)
            layers = [self._layer_dir(layer) for layer in props.get("Layers", [])]
            specs[logical_id] = FunctionSpec(
                logical_id=logical_id,
                code_dir=(self.root / props["CodeUri"]).resolve(),
                handler=props["Handler"],
                timeout=int(props.get("Timeout", 3)),
                memory=int(props.get("MemorySize", 128)),
                environment={k: str(v) for k, v in variables.items()},
                layer_dirs=[d for d in layers if d is not None],
            )
        return specs

    def _layer_dir(self, layer: Any) -> Path | None:
        logical_id = layer.get("Ref") if isinstance(layer, dict) else None
        resource = self.resources.get(logical_id or "")
        if not resource or resource.get("Type") != "AWS::Serverless::LayerVersion":
            return None  # an ARN of a published layer (e.g. Powertools): its package is in the venv
        return (self.root / str(resource["Properties"]["ContentUri"])).resolve()

    def api_routes(self) -> list[ApiRoute]:
        default_auth = {}
        for api in self.of_type("AWS::Serverless::Api").values():
            default_auth = api["Properties"].get("Auth", {})
        routes = []
        for function, event in self._events("Api"):
            auth = event.get("Auth", {}).get("Authorizer", default_auth.get("DefaultAuthorizer", "NONE"))
            named = "" if auth in ("NONE", "AWS_IAM") else str(auth)
            routes.append(
                ApiRoute(function, event["Path"], event["Method"].upper(), public=auth == "NONE", authorizer=named)
            )
        return routes

    def user_pool_authorizers(self, physical: dict[str, Any]) -> dict[str, str]:
        """Named Cognito authorizers of the API -> the user pool ARN each trusts."""
        found: dict[str, str] = {}
        for api in self.of_type("AWS::Serverless::Api").values():
            for name, spec in api["Properties"].get("Auth", {}).get("Authorizers", {}).items():
                if "UserPoolArn" in spec:
                    found[name] = str(self.resolve(spec["UserPoolArn"], physical))
        return found

    def stage_variables(self, physical: dict[str, Any]) -> dict[str, str]:
        for api in self.of_type("AWS::Serverless::Api").values():
            variables = self.resolve(api["Properties"].get("Variables", {}), physical)
            return {k: str(v) for k, v in variables.items()}
        return {}

    def binary_media_types(self) -> list[str]:
        types: list[str] = []
        for api in self.of_type("AWS::Serverless::Api").values():
            types += [t.replace("~1", "/") for t in api["Properties"].get("BinaryMediaTypes", [])]
        return types

    def stage(self) -> str:
        for api in self.of_type("AWS::Serverless::Api").values():
            return str(self.resolve(api["Properties"].get("StageName", "Prod"), {}))
        return "Prod"

    def sqs_sources(self) -> list[SqsSource]:
        sources = []
        for function, event in self._events("SQS"):
            queue = event["Queue"]
            logical = queue["Fn::GetAtt"][0] if isinstance(queue, dict) else str(queue).split(".")[0]
            sources.append(
                SqsSource(
                    function=function,
                    queue=logical,
                    batch_size=int(event.get("BatchSize", 10)),
                    report_batch_item_failures="ReportBatchItemFailures" in event.get("FunctionResponseTypes", []),
                    # Usually a parameter (!Ref ...MaxConcurrency): resolved with the stack's parameter values.
                    max_concurrency=int(
                        self.resolve((event.get("ScalingConfig") or {}).get("MaximumConcurrency", 1), {})
                    ),
                )
            )
        return sources

    def schedules(self) -> list[ScheduleSource]:
        found = []
        for kind in ("Schedule", "ScheduleV2"):
            for function, event, name in self._named_events(kind):
                expression = event.get("Schedule") or event.get("ScheduleExpression")
                enabled = event.get("Enabled", True) and event.get("State", "ENABLED") == "ENABLED"
                found.append(ScheduleSource(function, f"{function}.{name}", str(expression), bool(enabled)))
        return found

    def _events(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        return [(f, e) for f, e, _ in self._named_events(kind)]

    def _named_events(self, kind: str) -> list[tuple[str, dict[str, Any], str]]:
        out = []
        for logical_id, resource in self.of_type("AWS::Serverless::Function").items():
            for name, event in resource["Properties"].get("Events", {}).items():
                if event.get("Type") == kind:
                    out.append((logical_id, event.get("Properties", {}), name))
        return out


def _inline_sub_variables(value: Any, resolver: IntrinsicResolver) -> Any:
    """A copy of `value` with each Fn::Sub variable map substituted into its string, as CloudFormation does.

    SAM CLI's resolver reads a variable's resolved value again as a `${Name.Attribute}` reference, so a value
    with a dot, such as a FIFO queue name (`x.fifo`, from SAM's SQSSendMessagePolicy), comes out as `$x.fifo`.
    """
    if isinstance(value, list):
        return [_inline_sub_variables(v, resolver) for v in value]
    if not isinstance(value, dict):
        return value
    sub = value.get("Fn::Sub") if len(value) == 1 else None
    if isinstance(sub, list) and len(sub) == 2 and isinstance(sub[0], str) and isinstance(sub[1], dict):
        variables = resolver.intrinsic_property_resolver(_inline_sub_variables(sub[1], resolver), ignore_errors=False)
        text = sub[0]
        for name, resolved in variables.items():
            text = text.replace("${" + name + "}", str(resolved))
        return {"Fn::Sub": text}
    return {k: _inline_sub_variables(v, resolver) for k, v in value.items()}


def _parameter_values(raw: dict[str, Any], overrides: dict[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, spec in raw.get("Parameters", {}).items():
        if name in overrides:
            values[name] = overrides[name]
        elif "Default" in spec:
            values[name] = str(spec["Default"])
        else:
            raise ValueError(f"Template parameter {name} has no default; pass it in StackConfig.parameters")
    unknown = set(overrides) - set(values)
    if unknown:
        raise ValueError(f"Unknown template parameters: {', '.join(sorted(unknown))}")
    return values


class _SharedTemplateResolver(IntrinsicResolver):  # type: ignore[misc]
    """SAM's resolver over a template copy shared by every resolve() of one SamTemplate (read, never written)."""

    def __init__(self, template: dict[str, Any], symbols: IntrinsicsSymbolTable):
        self._shared = template
        super().__init__(template=None, symbol_resolver=symbols)

    def init_template(self, template: Any) -> None:
        self._template = self._shared
        self._resources = self._shared.get("Resources", {})
        self._mapping = self._shared.get("Mappings", {})
        self._parameters = self._shared.get("Parameters", {})
        self._conditions = self._shared.get("Conditions", {})
        self._outputs = self._shared.get("Outputs", {})


@functools.lru_cache(maxsize=8)
def _parsed_once(text: str) -> dict[str, Any]:
    return dict(yaml_parse(text))


def _parsed(text: str) -> dict[str, Any]:
    """template.yaml parsed once per process (a test session starts dozens of stacks); callers get a copy."""
    return copy.deepcopy(_parsed_once(text))
