"""Each screen's fragment: escaping, status -> badge and fix text, actions only where allowed, viewers read only."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from tests.unit.connect.fakes import InMemoryConnectStore
from tts_connector.connect.records import ConnectorSettings, SellerTokens, Shop, ShopStatus
from tts_connector.console import activity, overview, settings_screen, shops
from tts_connector.console.app import build_console_app
from tts_connector.console.auth import ConsoleUser, Role
from tts_connector.console.overview import DeadLetterDepth, ShopSlot, SlotValue
from tts_connector.console.rendering import render
from tts_connector.errors import InvalidInputError
from tts_connector.events.models import EventStatus, StoredEvent
from tts_connector.events.store import UnreadableEvent

NOW = int(time.time())  # the fragments print times relative to the clock
OPERATOR = ConsoleUser("sub-1", "op@example.com", Role.OPERATOR)
VIEWER = ConsoleUser("sub-2", "view@example.com", Role.VIEWER)
WRITE_CONTROL = re.compile(r"hx-post|type=\"submit\"|type=\"checkbox\"")


class FakeActivity:
    def __init__(self, events: list[StoredEvent | UnreadableEvent]) -> None:
        self.events = events
        self.asked: list[dict[str, Any]] = []

    def recent(self, statuses: Any, **kwargs: Any) -> list[StoredEvent | UnreadableEvent]:
        wanted = set(statuses)
        self.asked.append({"statuses": wanted, **kwargs})
        shop = kwargs.get("shop_id")
        return [
            e
            for e in self.events
            if (isinstance(e, UnreadableEvent) or e.status in wanted)
            and (shop is None or getattr(e, "shop_id", None) == shop)
        ][: kwargs.get("limit", 100)]

    def last_seen(self, shop_id: str, *, since: int, until: int) -> int | None:
        seen = [e.received_at for e in self.events if isinstance(e, StoredEvent) and e.shop_id == shop_id]
        return max(seen) if seen else None


def stored(key: str, status: EventStatus, *, shop: str = "1001", detail: str = "", age: int = 60) -> StoredEvent:
    return StoredEvent(
        event_key=key,
        source="tts",
        topic="1",
        shop_id=shop,
        message_group_id=f"{shop}:order:5770001",
        payload={},
        status=status,
        received_at=NOW - age,
        detail=detail,
        request_id="req-" + key,
    )


def store_with_shops() -> InMemoryConnectStore:
    store = InMemoryConnectStore()
    store.save_new_authorization(
        SellerTokens(
            open_id="seller-1",
            access_token="ACCESS-TOKEN-SECRET-VALUE",
            refresh_token="REFRESH-TOKEN-SECRET-VALUE",
            access_expires_at=NOW + 3 * 86400 + 3600,
            refresh_expires_at=NOW + 5 * 86400 + 3600,
        )
    )
    store.upsert_authorized_shop(
        Shop(shop_id="1001", open_id="seller-1", name="<script>alert(1)</script> Shop", region="US", cipher="CIPHER-1")
    )
    store.upsert_authorized_shop(Shop(shop_id="1002", open_id="seller-1", name="Gone Shop", region="GB", cipher="C2"))
    store.update_shop("1002", status=ShopStatus.DISCONNECTED)
    store.update_shop("1001", selected=True, warehouse_id="WH-1")
    return store


@pytest.fixture(autouse=True)
def _slots_without_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    """The capabilities' slots read their stores (tested with their screens): here they stay unfilled."""
    unfilled = [ShopSlot(s.key, s.title, s.comes_with) for s in overview.SHOP_SLOTS]
    monkeypatch.setattr(overview, "SHOP_SLOTS", unfilled)


def overview_html(user: ConsoleUser, events: list[StoredEvent | UnreadableEvent]) -> str:
    model = overview.build_overview(
        user,
        store_with_shops(),
        FakeActivity(events),  # type: ignore[arg-type]
        lambda: [DeadLetterDepth("tiktok-events", 2)],
        now=NOW,
        warn_ahead_seconds=14 * 86400,
    )
    return render("overview.html", model=model, user=user)


def test_overview_escapes_names_and_never_renders_a_secret() -> None:
    html = overview_html(OPERATOR, [])

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Shop" in html
    for secret in ("ACCESS-TOKEN-SECRET-VALUE", "REFRESH-TOKEN-SECRET-VALUE", "CIPHER-1"):
        assert secret not in html


def test_overview_shows_expiries_failures_and_the_dead_letter_depth() -> None:
    events = [stored("tts:1", EventStatus.FAILED, detail="boom"), stored("tts:2", EventStatus.PROCESSED, age=7200)]
    html = overview_html(VIEWER, events)
    card = html.split('id="shop-1001"')[1].split("</section>")[0]

    assert "Authorization ends" in card and "in 5 days" in card and "Ends soon" in card
    assert "Access token expires" in card and "in 3 days" in card
    assert "Last webhook" in card and re.search(r"\d+ minutes? ago", card)
    assert 'severity=error&amp;window=30d">1</a>' in card
    assert "Parked in tiktok-events (DLQ)" in html and ">2</a>" in html


def test_deauthorized_shop_gets_its_badge_and_fix() -> None:
    html = overview_html(VIEWER, [])
    card = html.split('id="shop-1002"')[1].split("</section>")[0]

    assert "badge-error" in card and "Deauthorized" in card
    assert "The seller removed the connector&#39;s access in TikTok Shop" in card


def test_capability_slots_say_not_available_until_filled(monkeypatch: pytest.MonkeyPatch) -> None:
    html = overview_html(VIEWER, [])
    assert html.count("Not available yet (comes with order import)") == 2

    filled = [
        ShopSlot("failed_orders_24h", "Failed orders (24 h)", "order import", lambda shop: SlotValue(f"3 in {shop}"))
    ]
    monkeypatch.setattr(overview, "SHOP_SLOTS", filled)
    html = overview_html(VIEWER, [])
    assert "3 in 1001" in html and "Not available yet" not in html


def test_shops_screen_offers_actions_to_operators_only_and_bans_deauthorized_shops() -> None:
    def shops_html(user: ConsoleUser) -> str:
        model = shops.build_shops(user, store_with_shops(), now=NOW, warn_ahead_seconds=86400)
        return render("shops.html", model=model, user=user, notice="")

    operator, viewer = shops_html(OPERATOR), shops_html(VIEWER)

    assert 'hx-post="ui/shops/authorize"' in operator and "Choose…" in operator
    assert "hx-post" not in viewer and "Choose…" not in viewer
    for html in (operator, viewer):
        assert 'role="alert"><strong>Gone Shop: Deauthorized.</strong>' in html
        assert "<code>WH-1</code>" in html
    # The deauthorized shop cannot be re-selected before it is authorized again.
    assert operator.split('id="shop-row-1002"')[1].split("</tr>")[0].count("Authorize first") == 1


def test_settings_screen_is_a_form_for_operators_and_facts_for_viewers() -> None:
    def settings_html(user: ConsoleUser) -> str:
        sections = [
            {"section": s, "value": ConnectorSettings(allow_app_store_installs=True)} for s in settings_screen.SECTIONS
        ]
        return render("settings.html", user=user, sections=sections, saved="", shops=[], shop_id=None, shop_sections=[])

    assert 'hx-post="ui/settings/connector"' in settings_html(OPERATOR)
    assert "checked" in settings_html(OPERATOR)
    assert not WRITE_CONTROL.search(settings_html(VIEWER))
    assert "<dd>Yes</dd>" in settings_html(VIEWER)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [({}, False), ({"allow_app_store_installs": "true"}, True)],
)
def test_settings_form_maps_the_checkbox(fields: dict[str, str], expected: bool) -> None:
    parsed = settings_screen._parse_connector(fields)
    assert isinstance(parsed, ConnectorSettings) and parsed.allow_app_store_installs is expected


@pytest.mark.parametrize("fields", [{"allow_app_store_installs": "yes"}, {"surprise": "1"}])
def test_settings_form_refuses_anything_else(fields: dict[str, str]) -> None:
    with pytest.raises(InvalidInputError):
        settings_screen._parse_connector(fields)


def test_shop_selection_form_is_parsed_strictly() -> None:
    assert shops.parse_selection({"selected": "true", "warehouse_id": "W1"}).model_dump() == {
        "selected": True,
        "warehouse_id": "W1",
    }
    assert shops.parse_selection({}).selected is False
    with pytest.raises(InvalidInputError):
        shops.parse_selection({"selected": "maybe"})
    with pytest.raises(InvalidInputError):
        shops.parse_selection({"selected": "true", "warehouse_id": "W" * 65})


def activity_html(user: ConsoleUser, events: list[StoredEvent | UnreadableEvent]) -> str:
    filters = activity.ActivityFilters()
    rows = activity.list_activity(user, FakeActivity(events), filters, now=NOW, stuck_after=3600)  # type: ignore[arg-type]
    return render(
        "activity.html",
        user=user,
        rows=rows,
        filters=filters,
        shops=["1001"],
        severities=list(activity.Severity),
        windows=list(activity.WINDOWS),
        limit=100,
        notice="",
        filter_query="",
    )


def test_activity_offers_replay_only_for_failed_events_and_only_to_operators() -> None:
    events: list[StoredEvent | UnreadableEvent] = [
        stored("tts:failed", EventStatus.FAILED, detail="<b>Magento said no</b>"),
        stored("tts:done", EventStatus.PROCESSED),
        stored("tts:stuck", EventStatus.ENQUEUED, age=7200),
        UnreadableEvent("tts:broken", "KeyError: 'type'"),
    ]
    operator, viewer = activity_html(OPERATOR, events), activity_html(VIEWER, events)

    assert operator.count("Replay event ") == 1 and 'aria-label="Replay event tts:failed"' in operator
    assert "Replay" not in viewer.replace("Replay everything", "")
    assert "hx-post" not in viewer
    assert "&lt;b&gt;Magento said no&lt;/b&gt;" in operator and "<b>Magento" not in operator
    assert "Fix the cause named in the detail" in operator
    assert "Stuck" in operator and "Processed" in operator and "Unreadable" in operator
    assert "<code>req-tts:failed</code>" in operator  # the delivering request's id
    assert "order 5770001" in operator  # the entity, from the message group


def test_activity_severity_filter_selects_statuses() -> None:
    fake = FakeActivity([])
    filters = activity.parse_filters({"severity": "error", "shop": "1001", "window": "7d"})
    activity.list_activity(VIEWER, fake, filters, now=NOW, stuck_after=3600)  # type: ignore[arg-type]

    assert fake.asked[0]["statuses"] == {EventStatus.FAILED}
    assert fake.asked[0]["shop_id"] == "1001" and fake.asked[0]["since"] == NOW - 7 * 86400
    with pytest.raises(InvalidInputError):
        activity.parse_filters({"window": "1y"})
    with pytest.raises(InvalidInputError):
        activity.parse_filters({"shop": "1001' OR 1=1"})


# ---------- the UI resolver: identity and refusals, before any store is touched ----------
class _Context:
    function_name = "ConsoleUiFunction"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:ConsoleUiFunction"
    aws_request_id = "req-1"


def ui_event(method: str, path: str, claims: dict[str, str] | None, body: str = "") -> dict[str, Any]:
    from pathlib import Path

    event: dict[str, Any] = json.loads((Path(__file__).parents[3] / "events" / "console_ui.json").read_text())
    event.update(httpMethod=method, path=path, body=body or None, pathParameters={"proxy": path.split("/ui/")[1]})
    event["requestContext"]["authorizer"] = {"claims": claims} if claims is not None else None
    event["headers"]["Content-Type"] = "application/x-www-form-urlencoded"
    return event


def resolve_ui(method: str, path: str, group: str, body: str = "", **params: str) -> dict[str, Any]:
    """`method /console/ui/<path>` through the console's resolver, as a user of `group`."""
    event = ui_event(method, f"/console/ui/{path}", claims(group), body)
    event["queryStringParameters"] = params or None
    return build_console_app().resolve(event, _Context())


def header(response: dict[str, Any], name: str) -> str:
    return str((response.get("multiValueHeaders") or {}).get(name, [None])[0] or response.get("headers", {}).get(name))


def claims(groups: str) -> dict[str, str]:
    return {"sub": "s", "token_use": "id", "cognito:groups": groups, "email": "m@example.com"}


@pytest.mark.parametrize(
    "path",
    ["shops/authorize", "shops/1001/selection", "settings/connector", "activity/replay", "activity/replay-parked"],
)
def test_every_write_is_refused_to_a_viewer(path: str) -> None:
    response = build_console_app().resolve(ui_event("POST", f"/console/ui/{path}", claims("viewer")), _Context())

    assert response["statusCode"] == 403
    assert "Viewers can look but not change anything" in response["body"]
    assert header(response, "Content-Type").startswith("text/html")
    assert "frame-ancestors 'none'" in header(response, "Content-Security-Policy")


def test_a_user_in_no_group_and_a_request_without_claims_are_refused() -> None:
    app = build_console_app()
    nobody = app.resolve(ui_event("GET", "/console/ui/nav", claims("")), _Context())
    unverified = app.resolve(ui_event("GET", "/console/ui/nav", None), _Context())

    assert nobody["statusCode"] == 403 and "operator or viewer group" in nobody["body"]
    assert unverified["statusCode"] == 401


def test_nav_lists_the_screens_and_who_is_signed_in() -> None:
    response = build_console_app().resolve(ui_event("GET", "/console/ui/nav", claims("viewer,other")), _Context())

    assert response["statusCode"] == 200
    for slug in ("overview", "shops", "mappings", "listings", "jobs", "orders", "refunds", "settings", "activity"):
        assert f'href="#/{slug}"' in response["body"]
    assert "m@example.com" in response["body"] and ">viewer<" in response["body"]
    assert header(response, "Cache-Control") == "no-store"


def test_an_unknown_screen_is_a_404_fragment() -> None:
    response = build_console_app().resolve(ui_event("GET", "/console/ui/nowhere", claims("operator")), _Context())
    assert response["statusCode"] == 404 and "There is no such console screen" in response["body"]
