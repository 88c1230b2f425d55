"""TikTok business codes the sandbox answers with, and the error type its handlers raise.

Codes marked SANDBOX are TikTok-style numbers this sandbox assigns where TikTok's real code for the case is
not documented; the documented ones come from the reference (§4, §8.2).
"""

from __future__ import annotations

OK = 0
RATE_LIMITED = 36009002
INTERNAL_ERROR = 36009003
INVALID_CREDENTIAL = 36009004  # missing sign, bad app_key, stale timestamp, unexpected cipher, bad params
REQUEST_TIMEOUT = 36009007
INVALID_PATH = 36009009
INVALID_METHOD = 36009010
WRONG_CONTENT_TYPE = 36009022
INVALID_ACCESS_TOKEN = 101000
TOKEN_EXPIRED = 105002
SCOPE_MISSING = 105005
INVALID_SIGNATURE = 106001
MISSING_SHOP_CIPHER = 106013
AUTH_CODE_INVALID = 36004004  # SANDBOX
# Seen from the auth host, EcomPHP/tiktokshop-php PR #15: "can not find related auth record", "rt has expired".
REFRESH_TOKEN_INVALID = 36004005
REFRESH_TOKEN_EXPIRED = 36004001

# Product validation.
CATEGORY_NOT_LEAF = 12052024
WEIGHT_ZERO = 12052181
MUST_USE_V2_CATEGORY = 12052217
CATEGORY_NOT_FOUND = 12052023  # SANDBOX
INVALID_IMAGE = 12052200  # SANDBOX: image uri not uploaded
SALES_ATTRIBUTE_MISMATCH = 12052210  # SANDBOX
DUPLICATE_SELLER_SKU = 12052220  # SANDBOX
INVALID_IDENTIFIER_CODE = 12052230  # SANDBOX
MISSING_REQUIRED_ATTRIBUTE = 12052240  # SANDBOX
INVALID_PRODUCT_FIELD = 12052250  # SANDBOX: generic field validation
BRAND_UNAUTHORIZED = 12052208  # "A brand authorization is required to publish this listing."
NO_UNDER_REVIEW_VERSION = 12052547  # Get Product: "There is no version of this product that is under review."
# Recommend Category (recommend-category spec).
NO_MATCHING_CATEGORY = 12019064
PRODUCT_NAME_TOO_LONG = 12052051
PRODUCT_NAME_EMPTY = 12052261
DESCRIPTION_TOO_LONG = 12052013
IMAGE_URI_UNKNOWN = 12052722
PRODUCT_NOT_FOUND = 12052048  # SANDBOX
PRODUCT_NOT_ACTIVE = 12052270  # SANDBOX
SKU_NOT_FOUND = 12052280  # SANDBOX
WAREHOUSE_INVALID = 12052290  # SANDBOX
IMAGE_INVALID_FILE = 12052300  # SANDBOX

# Orders, fulfilment, returns (SANDBOX numbers).
ORDER_NOT_FOUND = 21011001
ORDER_STATUS_INVALID = 21011002
PACKAGE_NOT_FOUND = 21011003
MARKET_NOT_SUPPORTED = 21011004
SHIPPING_PROVIDER_INVALID = 21011005
LINE_ITEM_INVALID = 21011006
TOO_MANY_IDS = 21011007

# Approve/reject returns and cancellations (documented in those endpoints' error tables).
REVERSE_INVALID_PARAM = 25001001
REVERSE_INVALID_ORDER_STATUS = 25001003
REVERSE_UNKNOWN_REASON = 25001014
REVERSE_REASON_NOT_MATCH_ACTION = 25001016
REVERSE_NOT_FOUND = 25007006
REVERSE_CANNOT_REJECT = 25011011
REVERSE_CANNOT_APPROVE = 25011012
REVERSE_CANNOT_APPROVE_RECEIVE = 25011013
REVERSE_PARTIAL_REFUND_INVALID = 25011032
DECISION_NOT_MATCH_TYPE = 25020004
REVERSE_ALREADY_CANCELLED = 25020009
REVERSE_ALREADY_APPROVED = 25020010
CANNOT_REJECT_RECEIVE = 25020012


class ApiError(Exception):
    """A TikTok-style refusal: the handler stops and the envelope carries `code` and `message`."""

    def __init__(self, code: int, message: str, http_status: int = 400, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.headers = headers or {}
