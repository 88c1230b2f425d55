"""Seller authorization: starting it with a one-time state, and completing it in the callback.

Improves on the guide's install-time static "Authorize State": every start issues a fresh, unguessable
state that lives 10 minutes and can be used once, so a forged or replayed callback stores nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from tts_connector.connect.records import Shop
from tts_connector.connect.store import ConnectStore
from tts_connector.connect.tokens import tokens_from_tiktok
from tts_connector.errors import ConfigurationError, ConnectorError
from tts_connector.observability import logger
from tts_connector.tiktok.auth import authorization_url
from tts_connector.tiktok.errors import UnexpectedAnswerError
from tts_connector.tiktok.models.auth import AuthorizedShop, TokenSet

STATE_TTL_SECONDS = 600
# Our states are 43 characters; anything much longer was not issued here (and a DynamoDB key is at most
# 2 KB), so it is refused before it reaches the store.
MAX_STATE_LENGTH = 256


class AuthorizationStart(BaseModel):
    model_config = ConfigDict(frozen=True)

    authorize_url: str
    state: str
    expires_at: int


class CallbackParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    code: str | None = None
    state: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class CallbackOutcome:
    ok: bool
    title: str
    message: str
    action: str = ""
    status_code: int = 200
    shops: list[Shop] = field(default_factory=list)


def start_authorization(store: ConnectStore, *, authorize_url: str, service_id: str, now: int) -> AuthorizationStart:
    if not service_id:
        raise ConfigurationError(
            "The TikTok app's service_id is not configured, so no authorization link can be built",
            hint='Add "service_id" (Partner Center > App details) to the TikTok app secret',
        )
    state = secrets.token_urlsafe(32)
    expires_at = now + STATE_TTL_SECONDS
    store.put_state(state, expires_at)
    return AuthorizationStart(
        authorize_url=authorization_url(authorize_url, service_id, state), state=state, expires_at=expires_at
    )


def _refused(title: str, message: str, action: str, status: int = 400) -> CallbackOutcome:
    return CallbackOutcome(ok=False, title=title, message=message, action=action, status_code=status)


RESTART = "Start again: run `ttsc connect` (or Connect in the admin) and open the new link within 10 minutes."


def complete_authorization(
    params: CallbackParams,
    *,
    store: ConnectStore,
    exchange_code: Callable[[str], TokenSet],
    authorized_shops: Callable[[str], list[AuthorizedShop]],
    now: int,
) -> CallbackOutcome:
    """Check the state, exchange the code, store the tokens and the seller's shops."""
    if params.state:
        state = params.state.strip()
        if len(state) > MAX_STATE_LENGTH or not store.consume_state(state, now):
            logger.warning("Authorization callback refused: unknown, reused or expired state")
            return _refused(
                "This authorization link is not valid",
                "The link was already used, has expired, or was not issued by this connector. Nothing was saved.",
                RESTART,
            )
    elif not store.get_settings().allow_app_store_installs:
        logger.warning("Authorization callback refused: no state")
        return _refused(
            "Authorization could not be verified",
            "The callback carried no state. Installs from the TikTok Shop App Store are not enabled for this "
            "connector, so nothing was saved.",
            "Start from `ttsc connect`, or enable App Store installs with "
            "`ttsc settings set --allow-app-store-installs` if that is how you install.",
        )

    if params.error:
        denied = params.error == "auth_denied"
        return _refused(
            "Authorization was declined" if denied else "TikTok Shop reported an error",
            "The seller did not grant access, so the connector has no access to the shop."
            if denied
            else f"TikTok Shop answered with error {params.error!r}.",
            RESTART,
            status=403 if denied else 400,
        )
    if not params.code or params.code == "null":
        return _refused("Authorization incomplete", "TikTok Shop sent no authorization code.", RESTART)

    try:
        tokens = exchange_code(params.code)
    except UnexpectedAnswerError as exc:
        logger.warning("Authorization code exchange reached something that is not TikTok's auth host")
        return _refused(
            "TikTok Shop's auth host could not be reached",
            f"{exc.message}. Nothing was saved.",
            f"{exc.hint or 'Check the auth host setting'}, then start again with `ttsc connect`.",
            status=502,
        )
    except ConnectorError as exc:
        logger.warning("Authorization code exchange failed", extra={"reason": exc.message})
        return _refused(
            "The authorization code could not be used",
            "TikTok Shop did not accept the code: codes are valid for 30 minutes and only once. Nothing was saved.",
            RESTART,
            status=502 if exc.retryable else 400,
        )
    seller = store.save_new_authorization(tokens_from_tiktok(tokens))
    shops = [
        store.upsert_authorized_shop(
            Shop(
                shop_id=s.id,
                open_id=seller.open_id,
                name=s.name,
                region=s.region,
                cipher=s.cipher,
                seller_type=s.seller_type,
                code=s.code,
            )
        )
        for s in authorized_shops(f"seller:{seller.open_id}")
    ]
    logger.info("Seller authorized", extra={"open_id": seller.open_id, "shops": [s.shop_id for s in shops]})
    return CallbackOutcome(
        ok=True,
        title="TikTok Shop connected",
        message=f"{seller.seller_name or 'The seller'} authorized the connector for {len(shops)} shop(s).",
        action="Choose the shops the connector serves and their warehouse: `ttsc shops select SHOP_ID --warehouse ID`.",
        shops=shops,
    )
