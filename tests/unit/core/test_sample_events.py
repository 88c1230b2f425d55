"""events/*.json stay realistic: one per function, each parsing as its handler expects."""

from __future__ import annotations

import json
from pathlib import Path

from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventModel, EventBridgeModel, SqsModel

from tests.helpers import sign_tiktok_webhook
from tts_connector import wiring
from tts_connector.connect.admin import ShopSelection
from tts_connector.connect.topics import SHOP_EVENTS_QUEUE
from tts_connector.events.processing import parse_event_message
from tts_connector.magento.deliveries import signed
from tts_connector.order_import.topics import ORDER_EVENTS_QUEUE
from tts_connector.refunds.topics import REFUND_EVENTS_QUEUE
from tts_connector.stock_sync.work import CHANGES_QUEUE, PUSH_QUEUE
from tts_connector.tiktok.webhook import parse_notification

ROOT = Path(__file__).resolve().parents[3]


def _event(name: str) -> dict[str, object]:
    return json.loads((ROOT / "events" / f"{name}.json").read_text())


def test_there_is_a_sample_event_for_every_function() -> None:
    functions = {p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").exists()}
    samples = {p.stem for p in (ROOT / "events").glob("*.json")}

    assert functions == samples


def test_api_samples_are_api_gateway_proxy_events() -> None:
    for name in (
        "health",
        "tiktok_webhook",
        "oauth_callback",
        "admin",
        "magento_events",
        "console_shell",
        "console_ui",
    ):
        APIGatewayProxyEventModel.model_validate(_event(name))


def test_webhook_sample_is_signed_with_the_documented_sample_credentials() -> None:
    event = APIGatewayProxyEventModel.model_validate(_event("tiktok_webhook"))
    assert event.body is not None
    body = str(event.body).encode()

    assert event.headers["Authorization"] == sign_tiktok_webhook("sample-app-key", "sample-app-secret", body)
    assert parse_notification(body).event_key == "tts:7327112393057371910"


def test_queue_sample_holds_a_valid_event_message() -> None:
    batch = SqsModel.model_validate(_event("tiktok_events"))

    message = parse_event_message(batch.Records[0].body)
    assert message.message_group_id == batch.Records[0].attributes.MessageGroupId
    assert message.event_type in wiring.event_registry().event_types(SHOP_EVENTS_QUEUE)


def test_order_queue_sample_holds_an_order_event_grouped_by_order() -> None:
    batch = SqsModel.model_validate(_event("order_events"))

    message = parse_event_message(batch.Records[0].body)
    assert message.message_group_id == batch.Records[0].attributes.MessageGroupId
    assert message.message_group_id.endswith(":order:576486316948490001")
    assert message.event_type in wiring.event_registry().event_types(ORDER_EVENTS_QUEUE)


def test_stock_sync_queue_samples_hold_events_their_consumers_handle() -> None:
    for name, queue in (("stock_sync", CHANGES_QUEUE), ("stock_sync_push", PUSH_QUEUE)):
        batch = SqsModel.model_validate(_event(name))

        message = parse_event_message(batch.Records[0].body)
        assert message.message_group_id == batch.Records[0].attributes.MessageGroupId
        assert message.event_type in wiring.event_registry().event_types(queue)


def test_refund_queue_sample_holds_a_return_event_in_its_orders_group() -> None:
    batch = SqsModel.model_validate(_event("refund_events"))

    message = parse_event_message(batch.Records[0].body)
    assert message.message_group_id == batch.Records[0].attributes.MessageGroupId
    # The order's own group: a refund is never processed ahead of its order's import.
    assert message.message_group_id.endswith(":order:576486316948490001")
    assert message.event_type in wiring.event_registry().event_types(REFUND_EVENTS_QUEUE)


def test_schedule_samples_are_eventbridge_scheduled_events() -> None:
    for name in (
        "outbox_sweeper",
        "token_refresh",
        "product_audit_check",
        "order_sync",
        "stock_reconcile",
        "refund_sync",
    ):
        assert EventBridgeModel.model_validate(_event(name)).detail_type == "Scheduled Event"


def test_admin_sample_body_is_a_valid_shop_selection() -> None:
    event = APIGatewayProxyEventModel.model_validate(_event("admin"))

    assert ShopSelection.model_validate_json(str(event.body)).warehouse_id == "7068517275539719942"


def test_magento_events_sample_is_signed_in_the_connectors_format() -> None:
    event = APIGatewayProxyEventModel.model_validate(_event("magento_events"))
    body = str(event.body).encode()

    signed.verify(
        "sample-magento-events-signing-secret",
        event.headers["X-TTS-Timestamp"],
        event.headers["X-TTS-Signature"],
        body,
        now=float(event.headers["X-TTS-Timestamp"]),
    )
    assert [e.event_type for e in signed.events(body)] == ["mage:stock_changed"]


def test_push_queue_samples_hold_messages_the_workers_read() -> None:
    from tts_connector.product_push.records import PlanMessage, WriteBackMessage, parse_push_message

    plan = parse_push_message(SqsModel.model_validate(_event("product_push")).Records[0].body)
    assert isinstance(plan, PlanMessage) and plan.selection.skus == ["MS-TEE", "WB/01 750ml"]
    write_back = SqsModel.model_validate(_event("product_write_back")).Records[0].body
    assert WriteBackMessage.model_validate_json(write_back).sku == "MS-TEE"
