"""An HTTP proxy in front of moto that enforces each function's IAM policy, as AWS would.

moto checks IAM actions, but evaluates every DynamoDB, KMS, SNS, Secrets Manager or EventBridge request
against the resource "*" (only SQS, IAM and STS tell it the resource), so a policy scoped to a table ARN
never matches there. This proxy does the evaluation itself: each function's workers sign with their own
access key; the proxy recognises the function by it, works out the IAM actions and resources the request
needs (iam_requests), evaluates the function's SAM-generated policy (iam_policies, iam_evaluation), and
either forwards the request to moto byte for byte or answers the service's own AccessDenied error. Requests
signed with any other key (the stack's own clients, tests) pass through unchecked.

Every decision is one line in the decision log:
    2026-01-01T10:00:00.000Z DENY AdminFunction dynamodb:UpdateItem arn:aws:dynamodb:...:table/x because ...
with `?` for a resource the request does not name, and `kms:Decrypt(via:dynamodb)` for a key a service
uses on the function's behalf.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, urlparse
from xml.sax.saxutils import escape

import botocore.exceptions
import botocore.session
import urllib3
from botocore.exceptions import ClientError
from werkzeug.wrappers import Request, Response

from background_server import BackgroundServer
from local_stack.iam_evaluation import Decision, evaluate
from local_stack.iam_policies import FunctionIdentity
from local_stack.iam_requests import (
    Access,
    ApiRequest,
    Classified,
    ResourceLookups,
    caller_of,
    classify,
    with_key_use,
)
from local_stack.resources import boto_client
from local_stack.template import ACCOUNT_ID, REGION

# "No permissions are required to perform this operation" (STS API reference, GetCallerIdentity).
_ALWAYS_ALLOWED = {"sts:GetCallerIdentity"}
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


@dataclass(frozen=True)
class Denial:
    classified: Classified
    access: Access
    message: str


class DecisionLog:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: IO[str] = path.open("a", encoding="utf-8")
        self._lock = threading.Lock()

    def record(self, function: str, access: Access, decision: Decision) -> None:
        now = time.time()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"
        action = f"{access.action}(via:{access.via})" if access.via else access.action
        line = f"{stamp} {'ALLOW' if decision.allowed else 'DENY'} {function} {action} {access.resource or '?'}"
        if not decision.allowed:
            line += f" {decision.reason}"
        with self._lock:
            if self._file.closed:  # a request still in flight while the stack stops
                return
            self._file.write(line + "\n")
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()


class BackendLookups:
    """What a request leaves implicit, asked of the backend with the stack's own (unchecked) credentials."""

    def __init__(self, endpoint_url: str):
        self._kms = boto_client("kms", endpoint_url)
        self._secrets = boto_client("secretsmanager", endpoint_url)
        self._secret_arns: dict[str, str] = {}
        self._alias_targets: dict[str, str] = {}

    def kms_alias_target(self, alias_name: str) -> str | None:
        if alias_name not in self._alias_targets:
            for page in self._kms.get_paginator("list_aliases").paginate():
                for alias in page["Aliases"]:
                    if "TargetKeyId" in alias:
                        self._alias_targets[alias["AliasName"]] = alias["TargetKeyId"]
        return self._alias_targets.get(alias_name)

    def secret_arn(self, secret_id: str) -> str:
        """The full ARN, with the random suffix Secrets Manager appends to the name (policies say `name-*`)."""
        if secret_id.startswith("arn:"):
            return secret_id
        if secret_id not in self._secret_arns:
            try:
                self._secret_arns[secret_id] = self._secrets.describe_secret(SecretId=secret_id)["ARN"]
            except ClientError:  # no such secret: evaluate the name as such, the backend answers NotFound
                return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:{secret_id}"
        return self._secret_arns[secret_id]

    def ciphertext_key_id(self, ciphertext: bytes) -> str | None:
        # moto's ciphertext blob starts with the 36-character id of its key (moto/kms/utils.py).
        key_id = ciphertext[:36].decode("ascii", "replace")
        return key_id if len(key_id) == 36 and key_id.count("-") == 4 else None


class IamProxy:
    def __init__(
        self,
        backend_url: str,
        identities: Iterable[FunctionIdentity],
        encryption_keys: dict[str, str],
        lookups: ResourceLookups,
        log_path: Path,
    ):
        backend = urlparse(backend_url)
        # One keep-alive pool to the backend shared by all request threads (urllib3 pools are thread-safe).
        self._backend = urllib3.HTTPConnectionPool(
            backend.hostname or "127.0.0.1",
            backend.port or 80,
            maxsize=32,
            retries=False,
            timeout=urllib3.Timeout(connect=5, read=90),  # SQS long polls wait up to 20 s
        )
        self._identities = {i.access_key_id: i for i in identities}
        self._keys = encryption_keys
        self._lookups = lookups
        self.log = DecisionLog(log_path)
        self._http = BackgroundServer(self._wsgi, "iam-proxy")

    def start(self, host: str, port: int = 0) -> str:
        return self._http.start(host, port)

    def stop(self) -> None:
        self._http.stop()
        self._backend.close()
        self.log.close()

    # ---------- decisions ----------
    def authorize(self, request: ApiRequest) -> Denial | None:
        """None when the request may go on (also for callers that are not a function), else the denial."""
        caller = caller_of(request.headers, request.query)
        identity = self._identities.get(caller.access_key_id) if caller else None
        if caller is None or identity is None:
            return None
        classified = classify(request, caller, ACCOUNT_ID, self._lookups)
        if not classified.operation:
            unknown = Access(f"{caller.service}:?", None)
            reason = "because the local IAM proxy cannot tell which action it needs (see iam_requests.py)"
            self.log.record(identity.function, unknown, Decision(False, reason))
            return Denial(classified, unknown, f"User: {identity.principal_arn} is not authorized: {reason}")
        for access in with_key_use(classified.accesses, self._keys):
            if access.action in _ALWAYS_ALLOWED:
                decision = Decision(True, "needs no permission")
            else:
                decision = evaluate(identity.statements, access.action, access.resource)
            self.log.record(identity.function, access, decision)
            if not decision.allowed:
                on = f" on resource: {access.resource}" if access.resource else ""
                message = (
                    f"User: {identity.principal_arn} is not authorized to perform: {access.action}{on} "
                    f"{decision.reason}"
                )
                return Denial(classified, access, message)
        return None

    # ---------- HTTP ----------
    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        body = request.get_data(cache=False)
        api_request = ApiRequest(
            method=request.method,
            path=request.path,
            query=request.query_string.decode("latin-1"),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
        )
        denial = self.authorize(api_request)
        if denial is not None:
            return denial_response(denial, api_request)(environ, start_response)
        return self._forward(environ, request, body, start_response)

    def _forward(self, environ: dict[str, Any], request: Request, body: bytes, start_response: Any) -> Iterable[bytes]:
        target = environ.get("RAW_URI") or quote(request.path) + (
            f"?{request.query_string.decode('latin-1')}" if request.query_string else ""
        )
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["Content-Length"] = str(len(body))
        try:
            upstream = self._backend.urlopen(
                request.method,
                target,
                body=body,
                headers=headers,
                redirect=False,
                preload_content=False,
                decode_content=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            failed = Response(f"local IAM proxy: the AWS backend did not answer: {exc}", status=502)
            return failed(environ, start_response)
        start_response(
            f"{upstream.status} {upstream.reason or ''}".strip(),
            [(k, v) for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP],
        )
        return _stream(upstream)


def _stream(upstream: urllib3.BaseHTTPResponse) -> Iterator[bytes]:
    try:
        yield from upstream.stream(64 * 1024, decode_content=False)
    finally:
        upstream.release_conn()


# ---------- the services' own error shapes ----------
def denial_response(denial: Denial, request: ApiRequest) -> Response:
    """The AccessDenied error the service itself answers, in the request's protocol."""
    service = denial.classified.caller.service
    protocol = denial.classified.protocol
    message = denial.message
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-RequestId": request_id}
    if denial.access.via:
        return _key_denial(denial.access.via, message, request, headers)
    error_type = "com.amazon.coral.service#AccessDeniedException"
    # Services that moved from the query protocol (SQS, CloudWatch) still report the query error code, in a
    # header botocore reads, with the query protocol's 403.
    query_compatible = protocol in ("json", "cbor") and _query_compatible(service)
    status = 403 if query_compatible else 400
    if query_compatible:
        headers["x-amzn-query-error"] = "AccessDenied;Sender"
    if protocol == "json":
        return _json_error(status, error_type, message, request, headers)
    if protocol == "cbor":
        headers["Smithy-Protocol"] = "rpc-v2-cbor"
        body = _cbor_text_map({"__type": error_type, "message": message})
        return Response(body, status=status, headers=headers, content_type="application/cbor")
    if protocol == "query":
        code = "AuthorizationError" if service == "sns" else "AccessDenied"  # SNS: AuthorizationErrorException
        return _query_error(403, code, message, request_id, headers)
    if service == "s3":
        xml = f"<Error><Code>AccessDenied</Code><Message>{escape(message)}</Message><RequestId>{request_id}</RequestId>"
        xml += "</Error>"
        return Response(xml, status=403, headers=headers, content_type="application/xml")
    headers["x-amzn-ErrorType"] = "AccessDeniedException"
    return Response(json.dumps({"message": message}), status=403, headers=headers, content_type="application/json")


@cache
def _query_compatible(service: str) -> bool:
    try:
        model = botocore.session.get_session().get_service_model(service)
    except botocore.exceptions.UnknownServiceError:
        return False
    return "awsQueryCompatible" in model.metadata


def _key_denial(service: str, message: str, request: ApiRequest, headers: dict[str, str]) -> Response:
    if service == "sns":
        return _query_error(400, "KMSAccessDenied", message, headers["x-amzn-RequestId"], headers)
    if service == "sqs":
        headers["x-amzn-query-error"] = "KMS.AccessDeniedException;Sender"
        return _json_error(400, "com.amazonaws.sqs#KmsAccessDenied", message, request, headers)
    # DynamoDB's wording (as reported in aws/aws-cdk#10010) wraps the KMS error in its own AccessDenied.
    wrapped = f"KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: {message}"
    return _json_error(400, "com.amazon.coral.service#AccessDeniedException", wrapped, request, headers)


def _json_error(status: int, error_type: str, message: str, request: ApiRequest, headers: dict[str, str]) -> Response:
    content_type = request.headers.get("content-type", "application/x-amz-json-1.0")
    body = json.dumps({"__type": error_type, "message": message})
    return Response(body, status=status, headers=headers, content_type=content_type)


def _query_error(status: int, code: str, message: str, request_id: str, headers: dict[str, str]) -> Response:
    xml = (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{code}</Code><Message>{escape(message)}</Message>"
        f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return Response(xml, status=status, headers=headers, content_type="text/xml")


def _cbor_text_map(values: dict[str, str]) -> bytes:
    """CBOR (RFC 8949) for a map of text strings: all an rpc-v2-cbor error body needs."""

    def head(major: int, length: int) -> bytes:
        if length < 24:
            return bytes([major << 5 | length])
        for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if length < 1 << (8 * size):
                return bytes([major << 5 | info]) + length.to_bytes(size, "big")
        raise ValueError("too long for CBOR")

    def text(value: str) -> bytes:
        encoded = value.encode("utf-8")
        return head(3, len(encoded)) + encoded

    return head(5, len(values)) + b"".join(text(k) + text(v) for k, v in values.items())
