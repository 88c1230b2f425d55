"""The gateway builds API Gateway REST proxy events the way API Gateway does."""

from __future__ import annotations

import base64
import threading
from typing import Any

import requests

from local_stack.gateway import Gateway
from local_stack.template import ApiRoute


class RecordingRuntime:
    def __init__(self, response: dict[str, Any] | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.response = response or {"statusCode": 201, "headers": {"X-Test": "1"}, "body": "made"}
        self.lock = threading.Lock()

    def invoke(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.events.append(event | {"_function": function})
        return self.response


def _gateway(runtime: RecordingRuntime) -> tuple[Gateway, str]:
    routes = [
        ApiRoute("Orders", "/orders/{order_id}", "GET", public=True),
        ApiRoute("Upload", "/upload", "POST", public=True),
        ApiRoute("Admin", "/admin/{proxy+}", "ANY", public=False),
    ]
    gateway = Gateway(runtime, routes, stage="dev", binary_media_types=["multipart/form-data"], admin_token="tok")  # type: ignore[arg-type]
    return gateway, gateway.start("127.0.0.1", 0)


def test_proxy_event_carries_path_parameters_query_and_headers() -> None:
    runtime = RecordingRuntime()
    gateway, url = _gateway(runtime)
    try:
        response = requests.get(f"{url}/orders/42?a=1&a=2&b=x", headers={"X-Custom": "v"}, timeout=10)
    finally:
        gateway.stop()

    assert response.status_code == 201 and response.text == "made" and response.headers["X-Test"] == "1"
    event = runtime.events[0]
    assert event["_function"] == "Orders"
    assert event["resource"] == "/orders/{order_id}"
    assert event["pathParameters"] == {"order_id": "42"}
    assert event["queryStringParameters"] == {"a": "2", "b": "x"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x"]}
    assert event["headers"]["X-Custom"] == "v"
    assert event["requestContext"]["stage"] == "dev"
    assert event["requestContext"]["path"] == "/dev/orders/42"
    assert event["body"] is None and event["isBase64Encoded"] is False


def test_binary_media_types_arrive_base64_encoded_with_the_exact_bytes() -> None:
    runtime = RecordingRuntime()
    gateway, url = _gateway(runtime)
    payload = b"--b\r\n\x00\xff\xfe raw bytes\r\n--b--"
    try:
        requests.post(
            f"{url}/upload",
            data=payload,
            headers={"Content-Type": "multipart/form-data; boundary=b"},
            timeout=10,
        )
        requests.post(f"{url}/upload", data=b'{"k": "v"}', headers={"Content-Type": "application/json"}, timeout=10)
    finally:
        gateway.stop()

    binary, text = runtime.events
    assert binary["isBase64Encoded"] is True and base64.b64decode(binary["body"]) == payload
    assert text["isBase64Encoded"] is False and text["body"] == '{"k": "v"}'


def test_iam_routes_refuse_requests_without_the_admin_token() -> None:
    runtime = RecordingRuntime()
    gateway, url = _gateway(runtime)
    try:
        missing = requests.get(f"{url}/admin/shops", timeout=10)
        wrong = requests.get(f"{url}/admin/shops", headers={"Authorization": "Bearer nope"}, timeout=10)
        right = requests.get(f"{url}/admin/shops/1", headers={"Authorization": "Bearer tok"}, timeout=10)
        unknown = requests.get(f"{url}/nowhere", timeout=10)
    finally:
        gateway.stop()

    assert missing.status_code == 403 and missing.json() == {"message": "Missing Authentication Token"}
    assert wrong.status_code == 403
    assert right.status_code == 201
    assert runtime.events[0]["pathParameters"] == {"proxy": "shops/1"}
    assert runtime.events[0]["requestContext"]["identity"]["caller"] == "local-admin"
    assert unknown.status_code == 403
    assert len(runtime.events) == 1


def test_a_malformed_function_response_becomes_a_502() -> None:
    runtime = RecordingRuntime(response={"body": "no status"})
    gateway, url = _gateway(runtime)
    try:
        response = requests.get(f"{url}/orders/1", timeout=10)
    finally:
        gateway.stop()

    assert response.status_code == 502
    assert response.json() == {"message": "Internal server error"}
