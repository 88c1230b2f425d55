from __future__ import annotations

import json

import pytest

from tts_connector.errors import (
    AuthenticationError,
    ExternalServiceError,
    InvalidInputError,
    NotFoundError,
    TransientError,
)
from tts_connector.magento.errors import error_for_response, interpolate, parse_error_message


def test_positional_and_named_placeholders_are_filled() -> None:
    assert interpolate("Invalid product data: %1", ["bad set"]) == "Invalid product data: bad set"
    assert (
        interpolate("The consumer isn't authorized to access %resources.", {"resources": "Magento_Catalog::products"})
        == "The consumer isn't authorized to access Magento_Catalog::products."
    )
    assert interpolate("%1 and %2 and %10", ["a", "b"]) == "a and b and %10"
    # The price APIs answer named placeholders with a plain list.
    assert interpolate("Invalid attribute %fieldName = %fieldValue.", ["SKU", "X"]) == "Invalid attribute SKU = X."


def test_errors_list_and_fatal_shapes_are_parsed() -> None:
    body = {
        "message": "Validation Failed",
        "errors": [{"message": '"%field" can not be empty.', "parameters": {"field": "sku"}}],
    }
    assert parse_error_message(json.dumps(body).encode()) == 'Validation Failed; "sku" can not be empty.'
    fatal = {"messages": {"error": [{"code": 500, "message": "Server internal error. See details in report api/1"}]}}
    assert parse_error_message(json.dumps(fatal).encode()) == "Server internal error. See details in report api/1"
    assert parse_error_message(b"<html>502 Bad Gateway</html>") is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (404, NotFoundError),
        (400, InvalidInputError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (429, TransientError),
        (500, TransientError),
        (503, TransientError),
        (405, ExternalServiceError),
    ],
)
def test_status_codes_map_to_typed_errors(status: int, expected: type[Exception]) -> None:
    error = error_for_response(status, b'{"message":"x %1","parameters":["y"]}', operation="GET /V1/x", bearer=False)

    assert type(error) is expected
    assert error.details["magento_message"] == "x y"
    assert error.details["status"] == status


def test_bearer_refusal_explains_the_store_flag() -> None:
    body = b'{"message":"The consumer isn\'t authorized to access %resources.","parameters":{"resources":"R"}}'

    error = error_for_response(401, body, operation="GET /V1/products", bearer=True)

    assert error.hint is not None
    assert "standalone Bearer" in error.hint
