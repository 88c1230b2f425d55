"""The whole application on one machine: moto as AWS, the gateway, SQS pollers, schedules, sandboxes."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import requests
from moto.server import ThreadedMotoServer

from local_stack import moto_fixes, sandboxes
from local_stack.cognito import (
    CognitoAuthorizer,
    LocalUser,
    create_local_users,
    create_user_pools,
    hosted_login_url,
    local_password,
    write_credentials,
)
from local_stack.endpoints import (
    MagentoEndpoint,
    TikTokEndpoint,
    magento_events_from_env,
    magento_from_env,
    parameters_from_env,
    tiktok_from_env,
)
from local_stack.gateway import Gateway
from local_stack.hosted_login import HostedLogin
from local_stack.iam_policies import encryption_keys, function_identities
from local_stack.iam_proxy import BackendLookups, IamProxy
from local_stack.resources import CreatedResources, boto_client, create_resources, create_secret
from local_stack.runtime import LambdaRuntime
from local_stack.scheduler import Scheduler
from local_stack.sqs_poller import SqsPoller
from local_stack.template import REGION, FunctionSpec, SamTemplate

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class StackConfig:
    template_path: Path = PROJECT_ROOT / "template.yaml"
    host: str = "127.0.0.1"
    port: int = 0  # 0 picks a free port
    stack_name: str = "tts-local"
    # Scales queue visibility timeouts and schedule rates, so retries and redrives show up in seconds.
    time_scale: float = 1.0
    run_schedules: bool = True
    state_dir: Path = PROJECT_ROOT / ".local-stack"
    admin_token: str = field(
        default_factory=lambda: os.environ.get("TTS_LOCAL_ADMIN_TOKEN") or secrets.token_urlsafe(24)
    )
    tiktok: TikTokEndpoint | None = field(default_factory=tiktok_from_env)
    magento: MagentoEndpoint | None = field(default_factory=magento_from_env)
    # Template parameters; by default those named by TTS_* variables (endpoints.PARAMETER_VARIABLES).
    parameters: dict[str, str] = field(default_factory=parameters_from_env)
    max_concurrency: int = 4
    # Extra environment for every function (e.g. shorter secret cache in tests).
    function_env: dict[str, str] = field(default_factory=dict)
    # Content of the Magento events secret (POST /magento/events), and how the built-in Magento sandbox
    # delivers its change events there: "signed", "shared_secret", "adobe_io", or None for no deliveries.
    magento_events: dict[str, str] = field(default_factory=magento_events_from_env)
    magento_event_format: str | None = field(
        default_factory=lambda: os.environ.get("TTS_MAGENTO_EVENTS_FORMAT", "signed")
    )
    # Each function may only do what its policy in template.yaml allows (see iam_proxy); off, every
    # function reaches moto unchecked.
    enforce_iam: bool = True


class LocalStack:
    def __init__(self, config: StackConfig | None = None):
        self.config = config or StackConfig()
        self.url = ""
        self.aws_endpoint = ""
        self.template: SamTemplate | None = None
        self.resources: CreatedResources | None = None
        self.runtime: LambdaRuntime | None = None
        self.scheduler: Scheduler | None = None
        self.tiktok: TikTokEndpoint | None = None
        self.magento: MagentoEndpoint | None = None
        self.sandboxes: dict[str, Any] = {}
        self._moto: ThreadedMotoServer | None = None
        self._gateway: Gateway | None = None
        self._iam_proxy: IamProxy | None = None
        self._pollers: list[SqsPoller] = []
        self.log_dir = self.config.state_dir / "logs"
        self.started_in: float = 0.0
        # The merchant console: its hosted-login stand-in, the user pool and the local users.
        self.hosted_login: HostedLogin | None = None
        self.console_users: list[LocalUser] = []
        self.console_pool_id = ""
        self.console_client_id = ""

    # ---------- lifecycle ----------
    def start(self) -> LocalStack:
        began = time.perf_counter()
        cfg = self.config
        try:
            self._start(cfg)
        except BaseException:
            self.stop()
            raise
        self.started_in = time.perf_counter() - began
        return self

    def _start(self, cfg: StackConfig) -> None:
        cfg.state_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.log_dir, ignore_errors=True)
        moto_port = free_port(cfg.host)
        # The backend's per-request access log would drown the stack's own output.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        moto_fixes.install()
        self._moto = ThreadedMotoServer(ip_address=cfg.host, port=moto_port, verbose=False)
        self._moto.start()
        self.aws_endpoint = f"http://{cfg.host}:{moto_port}"
        # moto keeps its state in module globals shared by every server in this process: start clean.
        requests.post(f"{self.aws_endpoint}/moto-api/reset", timeout=10).raise_for_status()

        port = cfg.port or free_port(cfg.host)
        self.url = f"http://{cfg.host}:{port}"
        self.tiktok = cfg.tiktok or self._start_tiktok_sandbox()
        self.magento = cfg.magento or self._start_magento_sandbox()

        endpoints = {
            "TikTokApiUrl": self.tiktok.api_url,
            "TikTokAuthUrl": self.tiktok.auth_url,
            "TikTokAuthorizeUrl": self.tiktok.authorize_url,
            "MagentoBaseUrl": self.magento.base_url,
        }
        self.template = SamTemplate(cfg.template_path, cfg.parameters, if_declared=endpoints)
        self.resources = create_resources(self.template, self.aws_endpoint, cfg.stack_name, cfg.time_scale)
        secrets_by_parameter = {
            "TikTokAppSecretName": self.tiktok.credentials,
            "MagentoSecretName": self.magento.credentials,
            "MagentoEventsSecretName": cfg.magento_events,
        }
        for parameter, value in secrets_by_parameter.items():
            if parameter in self.template.parameters:
                create_secret(self.aws_endpoint, self.template.parameters[parameter], value)
        (cfg.state_dir / "admin-token").write_text(cfg.admin_token)
        (cfg.state_dir / "url").write_text(self.url)
        authorizers = self._start_console_login(cfg)

        functions, endpoint = self._function_access(cfg)
        functions = self._point_at_hosted_login(functions)
        self.runtime = LambdaRuntime(functions, self._function_base_env(endpoint), self.log_dir, cfg.max_concurrency)
        self._gateway = Gateway(
            self.runtime,
            self.template.api_routes(),
            stage=self.template.stage(),
            binary_media_types=self.template.binary_media_types(),
            admin_token=cfg.admin_token,
            authorizers=authorizers,
            stage_variables=self.template.stage_variables(self.resources.physical),
        )
        self.scheduler = Scheduler(self.template.schedules(), self.runtime, cfg.stack_name, cfg.time_scale)
        self._add_controls(self._gateway)
        self._gateway.start(cfg.host, port)
        self._deliver_magento_events(cfg)

        # botocore gives up on a read after 60 s and asks again; the first receive's messages then stay in flight
        # for the queue's visibility timeout, and on a FIFO queue they hold their whole group. A poller waits out
        # a slow receive instead (seen with thousands of queued messages on a saturated machine).
        sqs = boto_client("sqs", self.aws_endpoint, read_timeout=600)
        for source in self.template.sqs_sources():
            physical = self.resources.physical[source.queue]
            # Concurrent batches, as Lambda's poller hands them out, bounded by the function's worker pool.
            for _ in range(max(1, min(source.max_concurrency, cfg.max_concurrency))):
                poller = SqsPoller(source, physical["QueueUrl"], physical["Arn"], sqs, self.runtime)
                poller.start()
                self._pollers.append(poller)
        self.scheduler.start(run_on_rate=cfg.run_schedules)

    def stop(self) -> None:
        # Every poller is told first, then each is awaited: each may be in a 1 s receive, and stopping them one
        # after the other cost a second per poller.
        for poller in self._pollers:
            poller.signal_stop()
        for poller in self._pollers:
            poller.stop()
        self._pollers = []
        if self.scheduler:
            self.scheduler.stop()
        if self._gateway:
            self._gateway.stop()
            self._gateway = None
        if self.runtime:
            self.runtime.shutdown()
            self.runtime = None
        if self._iam_proxy:
            self._iam_proxy.stop()
            self._iam_proxy = None
        for sandbox in self.sandboxes.values():
            sandbox.stop()
        self.sandboxes = {}
        if self.hosted_login:
            self.hosted_login.stop()
            self.hosted_login = None
            self.console_path.unlink(missing_ok=True)
        if self._moto:
            self._moto.stop()
            self._moto = None
        # ttsc finds a running local stack through these files; a stopped one must not be found.
        for name in ("url", "admin-token"):
            path = self.config.state_dir / name
            if self.url and path.exists() and (name != "url" or path.read_text() == self.url):
                path.unlink()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------- helpers for tests, the demo and the CLI ----------
    def client(self, service: str) -> Any:
        return boto_client(service, self.aws_endpoint)

    def physical(self, logical_id: str, attribute: str = "Ref") -> str:
        assert self.resources is not None
        return str(self.resources.physical[logical_id][attribute])

    def fire_schedule(self, name: str) -> Any:
        assert self.scheduler is not None
        return self.scheduler.fire(name)

    def invoke(self, function: str, event: Any) -> Any:
        assert self.runtime is not None
        return self.runtime.invoke(function, event)

    @property
    def admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.config.admin_token}"}

    @property
    def console_url(self) -> str:
        return f"{self.url}/console/"

    @property
    def console_path(self) -> Path:
        """The console's URL and the local users' credentials (mode 600), for `make up` and the browser tests."""
        return self.config.state_dir / "console.json"

    def function_log(self, function: str, containing: str = "", timeout: float = 10.0) -> str:
        """`function`'s log once it contains `containing`: a worker's stderr is copied to its file by a thread, so a
        line can land just after the invocation's reply (as CloudWatch delivers logs after the response)."""
        path = self.log_dir / f"{function}.log"
        deadline = time.monotonic() + timeout
        while True:
            text = path.read_text() if path.exists() else ""
            if containing in text or time.monotonic() >= deadline:
                return text
            time.sleep(0.05)

    @property
    def iam_log(self) -> Path:
        """The IAM proxy's decisions: one line per action a function asked for, allowed or denied."""
        return self.log_dir / "iam.log"

    # ---------- internals ----------
    def _function_access(self, cfg: StackConfig) -> tuple[dict[str, FunctionSpec], str]:
        """The functions to run and the AWS endpoint they call: moto itself, or the IAM proxy in front of it."""
        assert self.template is not None and self.resources is not None
        functions = self.template.functions(self.resources.physical)
        if not cfg.enforce_iam:
            return functions, self.aws_endpoint
        identities = function_identities(self.template, self.resources.physical)
        self._iam_proxy = IamProxy(
            self.aws_endpoint,
            identities.values(),
            encryption_keys(self.template, self.resources.physical),
            BackendLookups(self.aws_endpoint),
            self.iam_log,
        )
        endpoint = self._iam_proxy.start(cfg.host)
        # Each function signs with its own key, which is how the proxy knows whose policy applies.
        signed = {
            name: replace(spec, environment={**spec.environment, "AWS_ACCESS_KEY_ID": identities[name].access_key_id})
            for name, spec in functions.items()
        }
        return signed, endpoint

    def _function_base_env(self, aws_endpoint: str) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(self.config.state_dir)),
            "LANG": "C.UTF-8",
            "AWS_ENDPOINT_URL": aws_endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            # No X-Ray daemon locally; tracing stays configured in template.yaml for AWS.
            "POWERTOOLS_TRACE_DISABLED": "true",
            # Hints then name the TTS_* variables of this stack instead of template parameters.
            "TTS_LOCAL_STACK": "true",
            **self._adobe_keys_env(),
            "PYTHONUNBUFFERED": "1",
            **self.config.function_env,
        }

    def _start_console_login(self, cfg: StackConfig) -> dict[str, CognitoAuthorizer]:
        """User pools from the template in moto, the hosted-login stand-in, local users, the API's authorizers."""
        assert self.template is not None and self.resources is not None
        physical = self.resources.physical
        create_user_pools(self.template, self.aws_endpoint, physical, self.url)
        cognito = self.client("cognito-idp")
        authorizers: dict[str, CognitoAuthorizer] = {}
        for name, pool_arn in self.template.user_pool_authorizers(physical).items():
            pool_id = pool_arn.rsplit("/", 1)[1]
            clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
            authorizers[name] = CognitoAuthorizer(self.aws_endpoint, pool_id, {c["ClientId"] for c in clients})
            if not self.console_pool_id and clients:
                self.console_pool_id, self.console_client_id = pool_id, clients[0]["ClientId"]
        if not self.console_pool_id:
            return authorizers
        self.hosted_login = HostedLogin(self.aws_endpoint, self.console_pool_id)
        self.hosted_login.start(cfg.host)
        password = os.environ.get("TTS_LOCAL_CONSOLE_PASSWORD")
        self.console_users = [
            LocalUser("operator@example.com", password or local_password(), "operator"),
            LocalUser("viewer@example.com", password or local_password(), "viewer"),
        ]
        create_local_users(self.aws_endpoint, self.console_pool_id, self.console_users)
        write_credentials(self.console_path, self.console_url, self.hosted_login.url, self.console_users)
        return authorizers

    def _point_at_hosted_login(self, functions: dict[str, FunctionSpec]) -> dict[str, FunctionSpec]:
        """The console's hosted-login URL (the pool's Cognito domain in AWS) is the stand-in's here."""
        assert self.template is not None and self.resources is not None
        deployed = hosted_login_url(self.template, self.resources.physical)
        if not deployed or not self.hosted_login:
            return functions
        local = self.hosted_login.url
        return {
            name: replace(spec, environment={k: v.replace(deployed, local) for k, v in spec.environment.items()})
            for name, spec in functions.items()
        }

    def _start_tiktok_sandbox(self) -> TikTokEndpoint:
        sandbox, endpoint = sandboxes.start_tiktok(
            host=self.config.host,
            callback_url=f"{self.url}/tts/authorization/code",
            webhook_url=f"{self.url}/webhooks/tiktok",
        )
        self.sandboxes["tiktok"] = sandbox
        return endpoint

    def _adobe_keys_env(self) -> dict[str, str]:
        # The built-in Magento sandbox also stands in for Adobe's key domain (static.adobeioevents.com).
        sandbox = self.sandboxes.get("magento")
        return {"ADOBE_IO_KEYS_URL": sandbox.adobe_keys_url} if sandbox is not None else {}

    def _deliver_magento_events(self, cfg: StackConfig) -> None:
        """The built-in store sends its change events to POST /magento/events, as a merchant would set it up."""
        sandbox = self.sandboxes.get("magento")
        if sandbox is None or cfg.magento_event_format is None:
            return
        from magento_sandbox import EventTarget

        secret = cfg.magento_events[
            "shared_secret" if cfg.magento_event_format == "shared_secret" else "signing_secret"
        ]
        target = EventTarget(
            url=f"{self.url}/magento/events",
            format=cfg.magento_event_format,
            secret=secret,
            adobe_client_id=cfg.magento_events.get("adobe_recipient_client_id", ""),
        )
        sandbox.deliver_events_to([target])

    def _start_magento_sandbox(self) -> MagentoEndpoint:
        sandbox, endpoint = sandboxes.start_magento(host=self.config.host)
        self.sandboxes["magento"] = sandbox
        return endpoint

    def _add_controls(self, gateway: Gateway) -> None:
        from local_stack.controls import install_controls

        install_controls(gateway, self)
