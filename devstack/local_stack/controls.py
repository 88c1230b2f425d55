"""Local-only HTTP controls on the gateway (/_local/...): what the stack runs, and schedules on demand."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from local_stack.gateway import Gateway

if TYPE_CHECKING:
    from local_stack.stack import LocalStack


def _json(status: int, payload: Any) -> Response:
    return Response(json.dumps(payload, default=str), status=status, content_type="application/json")


def install_controls(gateway: Gateway, stack: LocalStack) -> None:
    def describe(_request: Request, _params: dict[str, str]) -> Response:
        assert stack.template is not None and stack.scheduler is not None and stack.resources is not None
        return _json(
            200,
            {
                "url": stack.url,
                "aws_endpoint": stack.aws_endpoint,
                "routes": [asdict(r) for r in stack.template.api_routes()],
                "queues": stack.resources.queue_urls,
                "schedules": stack.scheduler.names,
                "tiktok_api_url": stack.tiktok.api_url if stack.tiktok else None,
                "magento_base_url": stack.magento.base_url if stack.magento else None,
            },
        )

    def fire(_request: Request, params: dict[str, str]) -> Response:
        assert stack.scheduler is not None
        if params["name"] not in stack.scheduler.names:
            return _json(404, {"message": f"Unknown schedule {params['name']!r}", "schedules": stack.scheduler.names})
        return _json(200, asdict(stack.fire_schedule(params["name"])))

    gateway.add_control("GET", "/_local/stack", describe)
    gateway.add_control("POST", "/_local/schedules/{name}/fire", fire)
