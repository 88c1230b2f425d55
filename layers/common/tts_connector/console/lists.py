"""What the console's filtered list screens share (activity, orders, jobs): the shops to filter by, the fragment.

Each screen decides its rows and its own filters; the template gets them with the shops the connector knows, the
page limit (a full page says that older rows exist) and a notice after an action.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel

from tts_connector import wiring
from tts_connector.console.auth import ConsoleUser
from tts_connector.console.responses import fragment


def known_shop_ids() -> list[str]:
    """Every shop the connector has a record of, served or not: its records stay findable and filterable."""
    return [s.shop_id for s in wiring.connect_store().list_shops()]


def list_fragment(
    template: str,
    user: ConsoleUser,
    rows: Sequence[Any],
    filters: BaseModel,
    *,
    limit: int,
    notice: str = "",
    **choices: Any,
) -> Response[str]:
    """`choices`: the options of the screen's other filters (states, severities, ...)."""
    return fragment(
        template,
        user=user,
        rows=rows,
        filters=filters,
        shops=known_shop_ids(),
        limit=limit,
        notice=notice,
        **choices,
    )
