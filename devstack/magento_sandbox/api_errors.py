"""Errors the sandbox answers with, in Magento's `{message, parameters}` shape and with Magento's texts."""

from __future__ import annotations

from typing import Any


class MagentoApiError(Exception):
    def __init__(self, status: int, message: str, parameters: list[Any] | dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.parameters is not None:
            body["parameters"] = self.parameters
        return body


def no_route() -> MagentoApiError:
    return MagentoApiError(404, "Request does not match any route.")


def not_authorized(resource: str) -> MagentoApiError:
    return MagentoApiError(401, "The consumer isn't authorized to access %resources.", {"resources": resource})


def product_not_found() -> MagentoApiError:
    return MagentoApiError(404, "The product that was requested doesn't exist. Verify the product and try again.")


def entity_not_found() -> MagentoApiError:
    return MagentoApiError(404, "The entity that was requested doesn't exist. Verify the entity and try again.")


def no_such_entity(field: str, value: Any) -> MagentoApiError:
    return MagentoApiError(
        404, "No such entity with %fieldName = %fieldValue", {"fieldName": field, "fieldValue": value}
    )


def attribute_not_found(code: str) -> MagentoApiError:
    return MagentoApiError(
        404,
        'The attribute with a "%1" attributeCode doesn\'t exist. Verify the attribute and try again.',
        [code],
    )


def bad_request(message: str, parameters: list[Any] | dict[str, Any] | None = None) -> MagentoApiError:
    return MagentoApiError(400, message, parameters)


def required(field: str) -> MagentoApiError:
    return bad_request('"%fieldName" is required. Enter and try again.', {"fieldName": field})


def qty_not_available() -> MagentoApiError:
    return bad_request("The requested qty is not available")


def document_error(document: str, reason: str) -> MagentoApiError:
    """Invoice/Shipment/Creditmemo validation failures, worded as Magento's document validators do."""
    return bad_request(f"{document} Document Validation Error(s):\n{reason}")
