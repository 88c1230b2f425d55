"""Magento setup: check the connection, create the connector's product attributes, record media URL and sources.

Running it again changes nothing: every step looks before it writes, and the report says which steps
found their work already done.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from tts_connector.errors import NotFoundError
from tts_connector.magento.client import MagentoClient
from tts_connector.magento.search_criteria import SearchCriteria

# Groups tried in order when adding an attribute to a set; every set cloned from Default has one of them.
PREFERRED_GROUPS = ("Product Details", "General")


@dataclass(frozen=True)
class AttributeSpec:
    code: str
    label: str
    frontend_input: str


CONNECTOR_ATTRIBUTES = (
    # Written back after a push; global scope so one value serves every store view.
    AttributeSpec("tiktok_product_id", "TikTok Shop Product ID", "text"),
    AttributeSpec("tiktok_shop_synced", "TikTok Shop Synced", "boolean"),
)


class MagentoSource(BaseModel):
    source_code: str
    name: str
    enabled: bool


class MagentoSetupReport(BaseModel):
    base_url: str
    media_base_url: str
    sources: list[MagentoSource]
    attribute_sets: list[int]
    actions: list[str]
    changed: bool


def set_up_magento(client: MagentoClient) -> MagentoSetupReport:
    actions: list[str] = []
    # The first call doubles as the credentials check: a refused integration fails here with its hint.
    media_base_url = client.store.media_base_url()
    sources = [
        MagentoSource(
            source_code=str(s["source_code"]), name=str(s.get("name", s["source_code"])), enabled=bool(s.get("enabled"))
        )
        for s in client.inventory.sources().items
    ]
    for spec in CONNECTOR_ATTRIBUTES:
        try:
            client.catalog.attribute(spec.code)
        except NotFoundError:
            client.catalog.create_attribute(spec.code, spec.label, frontend_input=spec.frontend_input, in_grid=True)
            actions.append(f"created attribute {spec.code}")
    set_ids = _attribute_sets_in_use(client)
    for set_id in set_ids:
        present = {str(a["attribute_code"]) for a in client.catalog.attribute_set_attributes(set_id)}
        missing = [spec.code for spec in CONNECTOR_ATTRIBUTES if spec.code not in present]
        if not missing:
            continue
        group_id = _group_for(client, set_id)
        for code in missing:
            client.catalog.assign_attribute_to_set(code, attribute_set_id=set_id, attribute_group_id=group_id)
            actions.append(f"added {code} to attribute set {set_id}")
    return MagentoSetupReport(
        base_url=client.base_url,
        media_base_url=media_base_url,
        sources=sources,
        attribute_sets=set_ids,
        actions=actions,
        changed=bool(actions),
    )


def _attribute_sets_in_use(client: MagentoClient) -> list[int]:
    """Attribute sets that products use; `fields=` keeps each page to a few bytes per product."""
    criteria = SearchCriteria(page_size=500)
    used = {
        int(p["attribute_set_id"])
        for p in client.catalog.iter_products(criteria, fields="items[attribute_set_id],total_count")
    }
    return sorted(used) or [4]


def _group_for(client: MagentoClient, set_id: int) -> int:
    groups = client.catalog.attribute_set_groups(set_id)
    by_name = {str(g.get("attribute_group_name")): int(g["attribute_group_id"]) for g in groups}
    for name in PREFERRED_GROUPS:
        if name in by_name:
            return by_name[name]
    if groups:
        return int(groups[0]["attribute_group_id"])
    raise NotFoundError(
        f"Attribute set {set_id} has no attribute groups",
        hint="Add a group to the attribute set in Stores > Attributes > Attribute Set, then run setup again",
    )
