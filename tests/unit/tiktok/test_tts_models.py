"""Models: misspelled flags, absolute expiry timestamps, string ids, Decimal money, partial failures."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from tts_connector.tiktok.client import clean_query
from tts_connector.tiktok.models.auth import TokenSet
from tts_connector.tiktok.models.catalog import Attribute
from tts_connector.tiktok.models.order import Order
from tts_connector.tiktok.models.product import InventoryUpdateResult, Money, ProductInput, SkuPriceUpdate

TOKEN = {
    "access_token": "TTP_secret_access",
    "access_token_expire_in": 1660556783,
    "refresh_token": "TTP_secret_refresh",
    "refresh_token_expire_in": 1691487031,
    "open_id": "7010736057180325637",
    "seller_name": "Jjj test shop",
    "seller_base_region": "ID",
    "user_type": 0,
}


def test_token_expiry_fields_are_absolute_timestamps() -> None:
    token = TokenSet.model_validate(TOKEN)
    assert token.access_token_expires_at == datetime(2022, 8, 15, 9, 46, 23, tzinfo=UTC)
    assert token.refresh_token_expires_at.year == 2023
    assert token.access_token_expired(datetime(2022, 8, 15, 9, 46, 24, tzinfo=UTC))
    assert not token.access_token_expired(datetime(2022, 8, 15, 9, 0, tzinfo=UTC))
    assert token.access_token_expired(datetime(2022, 8, 15, 9, 0, tzinfo=UTC), margin_seconds=3600)
    assert token.granted_scopes == []  # older responses lack the field


def test_token_repr_hides_tokens() -> None:
    text = repr(TokenSet.model_validate(TOKEN))
    assert "TTP_secret" not in text


@pytest.mark.parametrize(
    ("raw", "expected"), [({"is_requried": True}, True), ({"is_required": True}, True), ({}, False)]
)
def test_attribute_required_flag_read_from_either_spelling(raw: dict[str, bool], expected: bool) -> None:
    attribute = Attribute.model_validate({"id": 100000, "name": "Color", "type": "SALES_PROPERTY", **raw})
    assert attribute.is_required is expected
    assert attribute.id == "100000"


def test_order_ids_are_strings_and_money_is_decimal() -> None:
    order = Order.model_validate(
        {
            "id": 576486316948490001,
            "status": "AWAITING_SHIPMENT",
            "create_time": 1,
            "update_time": 2,
            "payment": {"currency": "USD", "total_amount": "19.99", "sub_total": "17.10"},
            "line_items": [{"id": 1, "sku_id": "2", "product_id": 3, "sale_price": "8.55"}],
            "unknown_future_field": True,
        }
    )
    assert order.id == "576486316948490001"
    assert order.payment.total_amount == Decimal("19.99")
    assert order.line_items[0].product_id == "3"
    assert order.recipient_address is None


def test_request_bodies_send_money_as_strings_and_drop_none() -> None:
    update = SkuPriceUpdate(id="1", price=Money(amount=Decimal("1.30"), currency="USD"))
    assert update.to_body() == {"id": "1", "price": {"amount": "1.30", "currency": "USD"}}
    with pytest.raises(ValidationError):
        ProductInput.model_validate({"title": "t", "bogus": 1})


def test_inventory_partial_failure_is_visible() -> None:
    result = InventoryUpdateResult.model_validate(
        {"errors": [{"code": 12052290, "message": "failed", "detail": {"sku_id": "9", "extra_errors": []}}]}
    )
    assert not result.succeeded
    assert result.failed_sku_ids == ["9"]
    assert InventoryUpdateResult.model_validate({}).succeeded


def test_query_cleaning_joins_arrays_and_drops_empties() -> None:
    assert clean_query({"ids": ["1", "2"], "page_token": None, "keyword": "", "flag": True, "page_size": 50}) == {
        "ids": "1,2",
        "flag": "true",
        "page_size": "50",
    }
