"""Mappings: Magento's category tree beside TikTok's leaves, TikTok's recommendation, attributes, conflicts.

Every read and write is what the catalog admin routes call (`catalog.service`): the tree with each
category's own or inherited mapping (`GET /admin/catalog/magento-categories`), the leaf search
(`GET /admin/catalog/tiktok-categories/search`), map and unmap (`PUT`/`DELETE
/admin/catalog/category-mappings/{id}`: a category that is not a leaf the shop may use is refused there, and
the refusal is shown), TikTok's recommendation (`POST .../recommend`, without `apply`: the merchant maps it
with one more click), a TikTok category's attribute report with what is still missing (`GET
/admin/catalog/attributes/{id}`), the exact-name matches (`POST .../auto`) and attribute mappings (`PUT`/`DELETE
/admin/catalog/attribute-mappings`). Conflicts are `catalog.categories.same_depth_conflicts` over the same
mappings. A map or unmap sets a state, so repeating it changes nothing.
"""

# No `from __future__ import annotations`: Powertools reads route annotations at runtime.
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from tts_connector import wiring
from tts_connector.catalog import service
from tts_connector.catalog.categories import same_depth_conflicts
from tts_connector.catalog.records import AttributeMapping, CategoryMapping, MappingSource
from tts_connector.connect.records import Shop
from tts_connector.console.auth import ConsoleUser, require_operator
from tts_connector.console.responses import current_user, form, fragment, parsed, query
from tts_connector.errors import ConnectorError, InvalidInputError, NotFoundError

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

SHOP_ID = r"^[A-Za-z0-9_-]{1,64}$"
TIKTOK_ID = r"^[A-Za-z0-9_-]{1,32}$"
MAGENTO_CODE = r"^[A-Za-z0-9_]{1,60}$"
# Magento's Root Catalog (level 0) holds every store's tree; nothing is listed in it.
FIRST_LEVEL = 1


class MappingFilters(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    shop: str | None = Field(default=None, pattern=SHOP_ID)
    # The TikTok leaf search, and the Magento category its results are offered for.
    keyword: str | None = Field(default=None, min_length=1, max_length=100)
    category: int | None = Field(default=None, ge=1)
    # `#/mappings?attributes=<id>`: that TikTok category's attribute report.
    attributes: str | None = Field(default=None, pattern=TIKTOK_ID)


class CategoryForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shop_id: str = Field(pattern=SHOP_ID)
    magento_category_id: int = Field(ge=1)


class CategoryMapForm(CategoryForm):
    tiktok_category_id: str = Field(pattern=TIKTOK_ID)


class ReportForm(BaseModel):
    """A TikTok category's attribute report, which each attribute form comes back to."""

    model_config = ConfigDict(extra="forbid")

    shop_id: str = Field(pattern=SHOP_ID)
    category_id: str = Field(pattern=TIKTOK_ID)


class AttributeUnmapForm(ReportForm):
    tiktok_attribute_id: str = Field(pattern=TIKTOK_ID)
    # "shop": the shop-wide default for this TikTok attribute; "category": this TikTok category only.
    scope: Literal["category", "shop"] = "category"


class AttributeMapForm(AttributeUnmapForm):
    magento_attribute: str = Field(pattern=MAGENTO_CODE)


@dataclass(frozen=True)
class MagentoRow:
    view: service.MagentoCategoryView
    indent: int
    # The TikTok category its products go to, and where that comes from ("" when none).
    target: str
    inherited_from: str


@dataclass(frozen=True)
class ConflictGroup:
    level: int
    mappings: list[CategoryMapping]


@dataclass(frozen=True)
class AttributeMappingRow:
    mapping: AttributeMapping
    scope: Literal["category", "shop"]


@dataclass(frozen=True)
class ReportPanel:
    report: service.AttributeReport
    # The merchant's own mappings this report uses (category or shop-wide), which Remove undoes.
    mappings: list[AttributeMappingRow]


@dataclass(frozen=True)
class MappingsPage:
    shop_id: str | None
    shops: list[str]
    rows: list[MagentoRow]
    mapped_tiktok: list[tuple[str, str]]
    conflicts: list[ConflictGroup]
    filters: MappingFilters
    results: list[service.TikTokCategoryView]
    report: ReportPanel | None
    recommendation: service.RecommendationView | None
    notice: str = ""
    error: ConnectorError | None = None


def tiktok_text(mapping: CategoryMapping) -> str:
    return " > ".join(mapping.tiktok_category_path) or mapping.tiktok_category_name or mapping.tiktok_category_id


def magento_rows(tree: list[service.MagentoCategoryView]) -> list[MagentoRow]:
    names = {v.id: v.path for v in tree}
    rows = []
    for view in tree:
        if view.level < FIRST_LEVEL:
            continue
        mapping = view.mapping or view.inherited
        inherited = names.get(view.inherited_from, str(view.inherited_from)) if view.inherited_from else ""
        rows.append(
            MagentoRow(
                view=view,
                indent=view.level - FIRST_LEVEL,
                target=tiktok_text(mapping) if mapping else "",
                inherited_from=inherited,
            )
        )
    return rows


def conflicts_of(tree: list[service.MagentoCategoryView]) -> list[ConflictGroup]:
    levels = {v.id: v.level for v in tree}
    own = [v.mapping for v in tree if v.mapping is not None]
    return [
        ConflictGroup(level=levels.get(group[0].magento_category_id, group[0].magento_level), mappings=group)
        for group in same_depth_conflicts(own, levels)
    ]


def report_panel(report: service.AttributeReport, mappings: list[AttributeMapping]) -> ReportPanel:
    """The report with the merchant's own mappings of its attributes (auto-matches are not theirs to remove)."""
    ids = {a.id for a in report.attributes}
    own = [
        AttributeMappingRow(m, "category" if m.category_id else "shop")
        for m in mappings
        if m.tiktok_attribute_id in ids
        and m.source is MappingSource.MANUAL
        and m.category_id in (None, report.category_id)
    ]
    return ReportPanel(report, sorted(own, key=lambda r: (r.mapping.tiktok_attribute_name, r.scope)))


def build_page(
    shop_id: str | None,
    shops: list[str],
    filters: MappingFilters,
    *,
    tree: list[service.MagentoCategoryView],
    results: list[service.TikTokCategoryView] | None = None,
    report: ReportPanel | None = None,
    recommendation: service.RecommendationView | None = None,
    notice: str = "",
    error: ConnectorError | None = None,
) -> MappingsPage:
    mapped = {v.mapping.tiktok_category_id: tiktok_text(v.mapping) for v in tree if v.mapping is not None}
    return MappingsPage(
        shop_id=shop_id,
        shops=shops,
        rows=magento_rows(tree),
        mapped_tiktok=sorted(mapped.items(), key=lambda item: item[1]),
        conflicts=conflicts_of(tree),
        filters=filters,
        results=results or [],
        report=report,
        recommendation=recommendation,
        notice=notice,
        error=error,
    )


# ---------- routes ----------
def _shops() -> list[Shop]:
    return wiring.connect_store().list_shops()


def _shop_id(requested: str | None, shops: list[Shop]) -> str | None:
    """The shop asked for, else the first one served, else the first authorized (as the catalog routes take any)."""
    ids = [s.shop_id for s in shops]
    if requested is not None:
        if requested not in ids:
            raise InvalidInputError(f"No shop {requested} is connected", hint="Choose one of the shops listed")
        return requested
    served = [s.shop_id for s in shops if s.selected]
    first = served or ids
    return first[0] if first else None


def _page(
    user: ConsoleUser,
    filters: MappingFilters,
    *,
    recommendation: service.RecommendationView | None = None,
    notice: str = "",
    error: ConnectorError | None = None,
) -> Response[str]:
    shops = _shops()
    shop_id = _shop_id(filters.shop, shops)
    ids = [s.shop_id for s in shops]
    if shop_id is None:
        page = build_page(None, ids, filters, tree=[])
        return fragment("mappings.html", user=user, page=page)
    ctx = wiring.catalog_context(shop_id)
    results = service.search_tiktok(ctx, filters.keyword) if filters.keyword else []
    report = None
    if filters.attributes is not None:
        try:
            report = report_panel(
                service.attribute_report(ctx, filters.attributes), ctx.store.attribute_mappings(shop_id)
            )
        except InvalidInputError as exc:  # not a leaf of the shop's tree: said, the rest of the page stays
            error = error or exc
    page = build_page(
        shop_id,
        ids,
        filters,
        tree=service.magento_tree(ctx),
        results=results,
        report=report,
        recommendation=recommendation,
        notice=notice,
        error=error,
    )
    return fragment("mappings.html", status=error.http_status if error else 200, user=user, page=page)


@router.get("/console/ui/mappings")
def mappings() -> Response[str]:
    event = router.current_event
    return _page(current_user(event), parsed(MappingFilters, query(event), "Filter "))


def _write[F: BaseModel](
    model: type[F],
    back_to: Callable[[F], MappingFilters],
    change: Callable[[F], str | service.RecommendationView],
) -> Response[str]:
    """An operator's change from a form of `model`; the page comes back with what happened, or with the
    refusal (4xx) the merchant can fix, on the page the form came from."""
    user = current_user(router.current_event)
    require_operator(user)  # before the form is read: a viewer's POST is refused whatever it sends
    request = parsed(model, form(router.current_event))
    try:
        outcome = change(request)
    except ConnectorError as exc:
        if exc.http_status >= 500:
            raise
        return _page(user, back_to(request), error=exc)
    if isinstance(outcome, service.RecommendationView):
        return _page(user, back_to(request), recommendation=outcome)
    return _page(user, back_to(request), notice=outcome)


def _tree_page(request: CategoryForm) -> MappingFilters:
    return MappingFilters(shop=request.shop_id, category=request.magento_category_id)


def _report_page(request: ReportForm) -> MappingFilters:
    return MappingFilters(shop=request.shop_id, attributes=request.category_id)


def _map_category(request: CategoryMapForm) -> str:
    ctx = wiring.catalog_context(request.shop_id)
    saved = service.map_category(ctx, request.magento_category_id, request.tiktok_category_id)
    return (
        f"Magento {saved.magento_category_name} ({saved.magento_category_id}) is mapped to TikTok "
        f"{tiktok_text(saved)} ({saved.tiktok_category_id})."
    )


def _unmap_category(request: CategoryForm) -> str:
    try:
        service.unmap_category(wiring.catalog_context(request.shop_id), request.magento_category_id)
    except NotFoundError:
        return f"Magento category {request.magento_category_id} is not mapped: nothing to remove."
    return f"Magento category {request.magento_category_id} is no longer mapped."


def _recommend(request: CategoryForm) -> service.RecommendationView:
    return service.recommend(wiring.catalog_context(request.shop_id), request.magento_category_id)


def _map_attribute(request: AttributeMapForm) -> str:
    saved = service.map_attribute(
        wiring.catalog_context(request.shop_id),
        service.AttributeMapRequest(
            shop_id=request.shop_id,
            tiktok_attribute_id=request.tiktok_attribute_id,
            category_id=request.category_id if request.scope == "category" else None,
            magento_attribute=request.magento_attribute,
        ),
    )
    where = f"in TikTok category {request.category_id}" if saved.category_id else "shop-wide"
    return f"TikTok's {saved.tiktok_attribute_name} comes from Magento '{saved.magento_attribute}' {where}."


def _unmap_attribute(request: AttributeUnmapForm) -> str:
    category = request.category_id if request.scope == "category" else None
    try:
        service.unmap_attribute(wiring.catalog_context(request.shop_id), request.tiktok_attribute_id, category)
    except NotFoundError:
        return f"TikTok attribute {request.tiktok_attribute_id} has no such mapping: nothing to remove."
    return f"The mapping of TikTok attribute {request.tiktok_attribute_id} is removed."


def _auto_map(request: ReportForm) -> str:
    saved = service.auto_map(wiring.catalog_context(request.shop_id), request.category_id)
    return f"{len(saved)} exact-name match(es) saved for TikTok category {request.category_id}."


@router.post("/console/ui/mappings/categories/map")
def map_category() -> Response[str]:
    return _write(CategoryMapForm, _tree_page, _map_category)


@router.post("/console/ui/mappings/categories/unmap")
def unmap_category() -> Response[str]:
    return _write(CategoryForm, _tree_page, _unmap_category)


@router.post("/console/ui/mappings/categories/recommend")
def recommend_category() -> Response[str]:
    """TikTok's suggestion from a sample product (a POST: it may upload the product's image to TikTok)."""
    return _write(CategoryForm, _tree_page, _recommend)


@router.post("/console/ui/mappings/attributes/map")
def map_attribute() -> Response[str]:
    return _write(AttributeMapForm, _report_page, _map_attribute)


@router.post("/console/ui/mappings/attributes/unmap")
def unmap_attribute() -> Response[str]:
    return _write(AttributeUnmapForm, _report_page, _unmap_attribute)


@router.post("/console/ui/mappings/attributes/auto")
def auto_map() -> Response[str]:
    return _write(ReportForm, _report_page, _auto_map)
