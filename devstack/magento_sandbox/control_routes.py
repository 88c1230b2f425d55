"""`/_sandbox/...`: the HTTP face of the sandbox's control API (JSON in, JSON out, no authentication).

Routes:
  GET    /_sandbox/health
  GET    /_sandbox/requests                 requests received (method, path, status, auth kind)
  GET    /_sandbox/events?since=<id>        merchant change events after an id
  POST   /_sandbox/products/<sku>/price     {"price": 19.99}
  POST   /_sandbox/source-items             {"sku": "...", "source_code": "default", "quantity": 5}
  POST   /_sandbox/orders/<id>/ship         {"tracks": [{"track_number", "title", "carrier_code"}],
                                             "items": [{"order_item_id", "qty"}], "source_code": "default"}
  POST   /_sandbox/faults                   {"status": 503, "method": "GET", "path_contains": "/V1/orders",
                                             "times": 1, "delay_seconds": 0, "after_processing": false}
  DELETE /_sandbox/faults
  POST   /_sandbox/config                   {"guest_checkout_enabled": false, "bearer_enabled": true, ...}
  POST   /_sandbox/reset                    back to the seed catalogue
  POST   /_sandbox/event-delivery           {"targets": [{"url", "format": "signed|shared_secret|adobe_io",
                                             "secret", "adobe_client_id"}]}: deliver change events as webhooks
  GET    /_sandbox/event-delivery           what was delivered (target, event id, HTTP status)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from magento_sandbox import api_errors as err
from magento_sandbox import merchant
from magento_sandbox.config import Fault
from magento_sandbox.event_delivery import Target

if TYPE_CHECKING:
    from magento_sandbox.app import SandboxApp

_CONFIG_SWITCHES = frozenset({"guest_checkout_enabled", "bearer_enabled", "latency_seconds"})


class ControlApi:
    def __init__(self, app: SandboxApp) -> None:
        self._app = app

    def dispatch(self, request: Request, raw_path: str) -> Response:
        parts = [unquote(p) for p in raw_path.removeprefix("/_sandbox/").split("/")]
        try:
            body = json.loads(request.get_data() or b"{}") if request.method in ("POST", "PUT") else {}
            with self._app.state.lock:
                result = self._handle(request.method, parts, body, request)
            return Response(json.dumps(result), mimetype="application/json")
        except err.MagentoApiError as exc:
            return Response(json.dumps(exc.body()), status=exc.status, mimetype="application/json")
        except (ValueError, KeyError, TypeError) as exc:
            message = {"message": f"Bad control request: {exc.__class__.__name__}: {exc}"}
            return Response(json.dumps(message), status=400, mimetype="application/json")

    def _handle(self, method: str, parts: list[str], body: Any, request: Request) -> Any:
        state = self._app.state
        config = self._app.config
        match (method, parts):
            case ("GET", ["health"]):
                return {"status": "ok"}
            case ("GET", ["requests"]):
                return [r.to_dict() for r in state.requests]
            case ("GET", ["events"]):
                since = int(request.args.get("since", "0"))
                return [e for e in state.change_events if e["id"] > since]
            case ("POST", ["products", sku, "price"]):
                return merchant.set_price(state, sku, float(body["price"]))
            case ("POST", ["source-items"]):
                return merchant.set_source_quantity(
                    state, body["sku"], body.get("source_code", "default"), float(body["quantity"])
                )
            case ("POST", ["orders", order_id, "ship"]):
                return merchant.ship_order(
                    state,
                    int(order_id),
                    body.get("tracks", []),
                    body.get("items", []),
                    body.get("source_code"),
                )
            case ("POST", ["faults"]):
                fault = Fault(**body)
                config.faults.append(fault)
                return {"faults": len(config.faults)}
            case ("DELETE", ["faults"]):
                config.faults.clear()
                return {"faults": 0}
            case ("POST", ["config"]):
                unknown = set(body) - _CONFIG_SWITCHES
                if unknown:
                    raise err.bad_request("Unknown sandbox settings: %1", [", ".join(sorted(unknown))])
                for key, value in body.items():
                    setattr(config, key, value)
                return {key: getattr(config, key) for key in sorted(_CONFIG_SWITCHES)}
            case ("POST", ["event-delivery"]):
                self._app.delivery.configure([Target(**t) for t in body.get("targets", [])])
                return {"targets": len(self._app.delivery.targets)}
            case ("GET", ["event-delivery"]):
                return [
                    {"url": d.target.url, "format": d.target.format, "event_id": d.event_id, "status": d.status}
                    for d in self._app.delivery.log
                ]
            case ("POST", ["reset"]):
                self._app.reset()
                return {"status": "reset"}
        raise err.no_route()
