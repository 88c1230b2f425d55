"""The reasons a seller may give when rejecting a buyer's request, per market (return-reasons.json and
cancel-reasons.json appendices, GitHub lazykern/ecommerce-api-docs, data/raw/tiktok/api-reference/return-and-refund/).

Three kinds: rejecting a return/refund/replacement request, rejecting a returned parcel, rejecting a
cancellation request. UK names carry a `_uk` suffix where TikTok's appendix gives one.
"""

from __future__ import annotations

REQUEST = "request"
PARCEL = "parcel"
CANCEL = "cancel"

_REQUEST_UK_SPECIFIC = (
    ("reverse_reject_request_reason_1", "Buyer return reason is not valid"),
    ("reverse_reject_request_reason_2", "Change of mind returns are not applicable"),
    ("reverse_reject_request_reason_3", "Not eligible for return (e.g. used or broken)"),
    ("reverse_reject_request_reason_4", "Product delivery is on schedule"),
    ("reverse_reject_request_reason_5", "You have reached an agreement with the buyer"),
)
_REQUEST_SHARED = (
    ("seller_reject_apply_item_is_correct", "Item is correct"),
    ("seller_reject_apply_products_will_be_sent_separately", "Products will be sent separately"),
    ("seller_reject_apply_reason_is_unclear_or_lack_of_evidence", "Reason is unclear or lack of evidence"),
    (
        "seller_reject_apply_product_functions_well/buyer_use_in_wrong_way",
        "Product functions well/Buyer use in wrong way",
    ),
    (
        "seller_reject_apply_package_has_not_exceeded_estimated_delivery_time",
        "Product is shipped and parcel cannot be recalled back from logistics.",
    ),
)
_PARCEL_UK_SPECIFIC = (
    ("reverse_reject_return_parcel_reason_1", "The product returned is not the product that was sent"),
    ("reverse_reject_return_parcel_reason_2", "Not eligible for return (e.g. used or broken)"),
    ("reverse_reject_return_parcel_reason_3", "Missing products and/or product parts"),
    ("reverse_reject_return_parcel_reason_4", "I haven't received the package"),
    ("reverse_reject_return_parcel_reason_5", "Product is damaged or used"),
)
_PARCEL_SHARED = (
    (
        "seller_reject_apply_you_have_reached_an_agreement_with_the_buyer",
        "You have reached an agreement with the buyer",
    ),
)
_CANCEL_UK_SPECIFIC = (
    (
        "order_manage_list_action_respond_popup_reject_reason_invalid_cancellation_reason",
        "Invalid reason for cancellation",
    ),
    ("order_manage_list_action_respond_popup_reject_reason_delivered", "Product delivery is on schedule"),
    ("order_manage_list_action_respond_popup_reject_reason_buyer_agree", "Reached an agreement with the buyer"),
)
_CANCEL_SHARED = (("seller_reject_apply_product_has_been_packed", "Product has been packed"),)

_TABLES = {
    REQUEST: (_REQUEST_UK_SPECIFIC, _REQUEST_SHARED),
    PARCEL: (_PARCEL_UK_SPECIFIC, _PARCEL_SHARED),
    CANCEL: (_CANCEL_UK_SPECIFIC, _CANCEL_SHARED),
}


def reasons(region: str, kind: str) -> list[tuple[str, str]]:
    """(name, English text) pairs a seller in `region` may use for `kind`."""
    specific, shared = _TABLES[kind]
    suffix = "_uk" if region in ("GB", "UK") else ""
    return [(name + suffix, label) for name, label in specific] + list(shared)


def kind_of(reason: str) -> str | None:
    """Which kind (in any market) a reason name belongs to, or None when TikTok does not know it."""
    for kind in _TABLES:
        for region in ("US", "GB"):
            if reason in dict(reasons(region, kind)):
                return kind
    return None
