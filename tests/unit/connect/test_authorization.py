"""Completing an authorization, without AWS: which callbacks store something and which do not."""

from __future__ import annotations

import pytest

from tests.unit.connect.fakes import InMemoryConnectStore
from tts_connector.connect.admin import ShopSelection, select_shop
from tts_connector.connect.oauth import CallbackParams, complete_authorization, start_authorization
from tts_connector.connect.pages import render_callback_page
from tts_connector.connect.records import ConnectorSettings, Shop, ShopStatus
from tts_connector.connect.shop_events import handle_deauthorization
from tts_connector.errors import ConfigurationError, InvalidInputError
from tts_connector.events.models import EventStatus
from tts_connector.tiktok.auth import authorization_url
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.errors import TikTokApiError, UnexpectedAnswerError
from tts_connector.tiktok.models.auth import AuthorizedShop, TokenSet
from tts_connector.tiktok.models.logistics import Warehouse
from tts_connector.tiktok.webhook import TikTokNotification

NOW = 1_800_000_000
TOKENS = TokenSet(
    access_token="TTP_access",
    access_token_expire_in=NOW + 7 * 86400,
    refresh_token="TTP_refresh",
    refresh_token_expire_in=NOW + 365 * 86400,
    open_id="seller-1",
    seller_name="Ada's <Shop>",
)
SHOPS = [
    AuthorizedShop(id="1", name="US <Shop>", region="US", cipher="ROW_1"),
    AuthorizedShop(id="2", name="UK", region="GB", cipher="GCP_2"),
]


def _complete(store: InMemoryConnectStore, params: CallbackParams, exchange: object = None) -> object:
    def exchange_code(code: str) -> TokenSet:
        if exchange is not None:
            raise exchange  # type: ignore[misc]
        assert code == "the-code"
        return TOKENS

    return complete_authorization(
        params, store=store, exchange_code=exchange_code, authorized_shops=lambda key: SHOPS, now=NOW
    )


def test_a_valid_state_is_single_use_and_stores_the_seller_and_every_shop() -> None:
    store = InMemoryConnectStore()
    start = start_authorization(store, authorize_url="https://tts/open/authorize", service_id="42", now=NOW)

    outcome = _complete(store, CallbackParams(code="the-code", state=start.state))
    replay = _complete(store, CallbackParams(code="the-code", state=start.state))

    assert outcome.ok and [s.shop_id for s in outcome.shops] == ["1", "2"]  # type: ignore[attr-defined]
    assert store.sellers["seller-1"].access_token == "TTP_access"
    assert not replay.ok and replay.status_code == 400  # type: ignore[attr-defined]
    assert start.authorize_url == f"https://tts/open/authorize?service_id=42&state={start.state}"
    assert len(start.state) >= 40


@pytest.mark.parametrize("state", ["forged", ""])
def test_unknown_or_missing_state_stores_nothing(state: str) -> None:
    store = InMemoryConnectStore()

    outcome = _complete(store, CallbackParams(code="the-code", state=state or None))

    assert not outcome.ok  # type: ignore[attr-defined]
    assert store.sellers == {} and store.shops == {}


def test_missing_state_is_accepted_once_app_store_installs_are_enabled() -> None:
    store = InMemoryConnectStore()
    store.save_settings(ConnectorSettings(allow_app_store_installs=True))

    assert _complete(store, CallbackParams(code="the-code")).ok  # type: ignore[attr-defined]


def test_starting_without_a_service_id_says_what_to_configure() -> None:
    store = InMemoryConnectStore()

    with pytest.raises(ConfigurationError, match="service_id"):
        start_authorization(store, authorize_url="u", service_id="", now=NOW)
    assert store.states == {}


def test_an_expired_state_is_refused() -> None:
    store = InMemoryConnectStore()
    start = start_authorization(store, authorize_url="https://tts/open/authorize", service_id="42", now=NOW - 601)

    assert not _complete(store, CallbackParams(code="the-code", state=start.state)).ok  # type: ignore[attr-defined]


def test_denied_consent_and_a_refused_code_store_nothing() -> None:
    store = InMemoryConnectStore()
    denied_state = start_authorization(store, authorize_url="u", service_id="1", now=NOW).state
    bad_code_state = start_authorization(store, authorize_url="u", service_id="1", now=NOW).state

    denied = _complete(store, CallbackParams(code="null", state=denied_state, error="auth_denied"))
    refused = _complete(
        store,
        CallbackParams(code="the-code", state=bad_code_state),
        exchange=TikTokApiError("used code", tiktok_code=36004004),
    )

    assert (denied.status_code, refused.status_code) == (403, 400)  # type: ignore[attr-defined]
    assert store.sellers == {}


def test_the_callback_page_escapes_what_tiktok_sent() -> None:
    store = InMemoryConnectStore()
    state = start_authorization(store, authorize_url="u", service_id="1", now=NOW).state

    page = render_callback_page(_complete(store, CallbackParams(code="the-code", state=state)))  # type: ignore[arg-type]

    assert "US &lt;Shop&gt;" in page and "<Shop>" not in page
    assert "TTP_access" not in page


def test_selecting_a_shop_checks_the_warehouse_against_tiktok() -> None:
    store = InMemoryConnectStore()
    state = start_authorization(store, authorize_url="u", service_id="1", now=NOW).state
    _complete(store, CallbackParams(code="the-code", state=state))
    warehouses = [
        Warehouse(id="w-return", name="R", effect_status="ENABLED", type="RETURN_WAREHOUSE", is_default=True),
        Warehouse(id="w-sales", name="S", effect_status="ENABLED", type="SALES_WAREHOUSE", is_default=True),
    ]

    def list_warehouses(ref: ShopRef) -> list[Warehouse]:
        assert ref == ShopRef("1", "ROW_1")
        return warehouses

    default = select_shop(store, "1", ShopSelection(), list_warehouses)
    with pytest.raises(InvalidInputError, match="w-other"):
        select_shop(store, "1", ShopSelection(warehouse_id="w-other"), list_warehouses)

    assert (default.selected, default.warehouse_id) == (True, "w-sales")


def test_a_partner_center_link_keeps_its_own_query_and_gets_the_state() -> None:
    pasted = "https://services.us.tiktokshop.com/open/authorize?service_id=7172000000000070150"

    url = authorization_url(pasted, "7172000000000070150", "st4te")

    assert url.count("service_id=") == 1
    assert url == "https://services.us.tiktokshop.com/open/authorize?service_id=7172000000000070150&state=st4te"


def test_a_state_too_long_to_be_ours_is_refused_before_the_store() -> None:
    store = InMemoryConnectStore()

    outcome = _complete(store, CallbackParams(code="the-code", state="s" * 3000))

    assert outcome.status_code == 400  # type: ignore[attr-defined]
    assert store.sellers == {}


def test_an_auth_host_that_is_not_tiktok_is_named_instead_of_blaming_the_code() -> None:
    store = InMemoryConnectStore()
    store.put_state("st", NOW + 60)
    wrong_host = UnexpectedAnswerError(
        "TikTok Shop auth host answered /api/v2/token/get with HTTP 404 and a body that is not JSON",
        path="/api/v2/token/get",
        hint="Check TTS_TIKTOK_AUTH_URL (environment of `tts-local up`)",
    )

    outcome = _complete(store, CallbackParams(code="the-code", state="st"), exchange=wrong_host)

    assert outcome.status_code == 502  # type: ignore[attr-defined]
    page = render_callback_page(outcome)  # type: ignore[arg-type]
    assert "TTS_TIKTOK_AUTH_URL" in page and "30 minutes" not in page


def test_deauthorization_older_than_the_latest_authorization_is_recorded_stale() -> None:
    store = InMemoryConnectStore()
    store.upsert_authorized_shop(Shop(shop_id="1", open_id="s", name="US", region="US", cipher="c"))
    store.update_shop("1", authorized_at=NOW)
    alerts = RecordingAlerts()
    old = TikTokNotification(type=6, shop_id="1", timestamp=NOW - 3600, data={})
    new = TikTokNotification(type=6, shop_id="1", timestamp=NOW + 5, data={})

    stale = handle_deauthorization(old, store=store, alerts=alerts)
    assert stale.status is EventStatus.IGNORED and "Stale" in stale.detail
    assert store.shops["1"].status is ShopStatus.CONNECTED and alerts.sent == []

    applied = handle_deauthorization(new, store=store, alerts=alerts)
    assert applied.status is EventStatus.PROCESSED
    assert store.shops["1"].status is ShopStatus.DISCONNECTED


class RecordingAlerts:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def publish(self, subject: str, message: str) -> None:
        self.sent.append(subject)


def test_settings_refuse_unknown_fields_and_non_boolean_values() -> None:
    with pytest.raises(ValueError, match="extra"):
        ConnectorSettings.model_validate({"allow_app_store_installs": True, "alow_typo": True})
    with pytest.raises(ValueError, match="boolean"):
        ConnectorSettings.model_validate_json('{"allow_app_store_installs": "yes"}')
