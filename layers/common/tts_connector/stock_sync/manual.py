"""Manual price and stock pushes (the guide's "Push Price" / "Push Stock"): a job over a selection of SKUs.

The selection is resolved to listings when the job starts (SKUs, or a Magento filter: category, attribute
set, updated since; or every listing of the shop). The job has one item per Magento SKU; its chunks run on the
shop's group of the push queue and record each SKU's outcome, TikTok's per-SKU failures included.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tts_connector.errors import ConflictError, InvalidInputError, NotFoundError
from tts_connector.jobs.records import ItemFailure, ItemStatus, Job
from tts_connector.listings.records import Listing
from tts_connector.magento.search_criteria import SearchCriteria, iterate_all
from tts_connector.observability import logger
from tts_connector.stock_sync.changes import listed_product
from tts_connector.stock_sync.records import SyncKind
from tts_connector.stock_sync.services import SyncServices
from tts_connector.stock_sync.work import publish, push_work

PRODUCTS_PER_CHUNK = 50
SKUS_PER_CHUNK = 200
# A Magento filter selecting more products than this is refused: narrow it, or push `--all` (read from the
# connector's own listings, not from Magento).
MAX_FILTERED_PRODUCTS = 10_000
JOB_KINDS = {SyncKind.PRICE: "price_push", SyncKind.STOCK: "stock_push"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?(Z|[+-]\d{2}:?\d{2})?$")

Sku = Annotated[str, Field(min_length=1, max_length=64)]


class Selection(BaseModel):
    """Exactly one of: `skus`, `category_id`, `attribute_set_id`, `updated_since`, `all`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    skus: list[Sku] | None = Field(default=None, min_length=1, max_length=1000)
    category_id: Annotated[int, Field(ge=1)] | None = None
    attribute_set_id: Annotated[int, Field(ge=1)] | None = None
    # ISO 8601 or Magento's `YYYY-MM-DD HH:MM:SS` (UTC when no offset is given).
    updated_since: Annotated[str, Field(max_length=40)] | None = None
    all: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> Selection:
        given = [
            name
            for name in ("skus", "category_id", "attribute_set_id", "updated_since")
            if getattr(self, name) is not None
        ] + (["all"] if self.all else [])
        if len(given) != 1:
            raise ValueError(
                "select exactly one of skus, category_id, attribute_set_id, updated_since or all "
                f"(got {', '.join(given) or 'none'})"
            )
        if self.updated_since is not None and not _DATE.match(self.updated_since):
            raise ValueError("updated_since must be a date or time such as 2025-06-01 or 2025-06-01T12:00:00Z")
        return self


class PushRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: SyncKind
    selection: Selection
    shop_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    # Stock only: push this warehouse's quantity (the SKU's other warehouses keep what they were given).
    warehouse_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None

    @model_validator(mode="after")
    def _warehouse_is_for_stock(self) -> PushRequest:
        if self.warehouse_id is not None and self.kind is not SyncKind.STOCK:
            raise ValueError("warehouse_id applies to stock pushes only")
        return self


def magento_time(value: str) -> str:
    """`updated_since` as Magento stores `updated_at` (UTC, `Y-m-d H:i:s`)."""
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInputError(f"updated_since {value!r} is not a date or time") from exc
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _filtered_skus(services: SyncServices, selection: Selection) -> list[str]:
    criteria = SearchCriteria(page_size=100)
    if selection.category_id is not None:
        criteria = criteria.where("category_id", selection.category_id)
    elif selection.attribute_set_id is not None:
        criteria = criteria.where("attribute_set_id", selection.attribute_set_id)
    else:
        criteria = criteria.where("updated_at", magento_time(str(selection.updated_since)), "gteq")
    client = services.magento()
    skus: list[str] = []
    fields = "items[sku],total_count"
    for item in iterate_all(lambda c: client.catalog.search_products(c, fields=fields), criteria, max_pages=101):
        skus.append(str(item["sku"]))
        if len(skus) > MAX_FILTERED_PRODUCTS:
            raise InvalidInputError(
                f"The filter selects more than {MAX_FILTERED_PRODUCTS} Magento products",
                hint="Narrow the filter, or push every listed product with --all",
            )
    return skus


def resolve(services: SyncServices, shop_id: str, selection: Selection) -> tuple[list[Listing], list[str]]:
    """The listings selected, and the SKUs asked for by name that no listing of the shop sells."""
    listings = services.listings()
    if selection.all:
        return list(listings.iter_listings(shop_id)), []
    names = list(selection.skus or [])
    candidates = names if selection.skus is not None else _filtered_skus(services, selection)
    found: dict[str, Listing] = {}
    unlisted: list[str] = []
    for sku in dict.fromkeys(candidates):
        product = listed_product(listings, shop_id, sku)
        listing = listings.get(shop_id, product[1]) if product else None
        if listing is None:
            unlisted.append(sku)
            continue
        found.setdefault(listing.magento_sku, listing)
    return list(found.values()), unlisted if selection.skus is not None else []


def _chunks(listings: list[Listing]) -> list[list[Listing]]:
    chunks: list[list[Listing]] = []
    current: list[Listing] = []
    skus = 0
    for listing in listings:
        if current and (len(current) >= PRODUCTS_PER_CHUNK or skus + len(listing.skus) > SKUS_PER_CHUNK):
            chunks.append(current)
            current, skus = [], 0
        current.append(listing)
        skus += len(listing.skus)
    if current:
        chunks.append(current)
    return chunks


def start_push(services: SyncServices, request: PushRequest) -> Job:
    shop_id = services.only_shop(request.shop_id)
    target = services.target(shop_id)
    if request.warehouse_id is not None:
        known = set(target.inventory.sources_by_warehouse) or (
            {target.default_warehouse} if target.default_warehouse else set()
        )
        if request.warehouse_id not in known:
            raise InvalidInputError(
                f"Warehouse {request.warehouse_id} does not sell this shop's products",
                hint=f"Use one of: {', '.join(sorted(known)) or 'none (select a warehouse first)'}",
            )
    listings, unlisted = resolve(services, shop_id, request.selection)
    if not listings and not unlisted:
        raise NotFoundError(
            "No listed product matches the selection", hint="Push the products to TikTok first (product push)"
        )
    if len(listings) > 50_000:
        raise ConflictError("The selection holds more than 50,000 listings", hint="Push it in parts")
    skus = [s.magento_sku for listing in listings for s in listing.skus]
    job = Job(
        job_id=uuid.uuid4().hex,
        kind=JOB_KINDS[request.kind],
        shop_id=shop_id,
        warehouse_id=request.warehouse_id,
        selection=request.selection.model_dump(exclude_none=True, exclude_defaults=True) or {"all": True},
    )
    jobs = services.jobs()
    created = jobs.create(job, skus + unlisted)
    for sku in unlisted:
        jobs.record(
            job.job_id,
            sku,
            ItemStatus.FAILED,
            failure=ItemFailure(
                code="not_listed",
                message=f"{sku} is not listed in shop {shop_id}",
                hint="Push the product to TikTok first (product push)",
            ),
        )
    now = services.clock()
    for number, chunk in enumerate(_chunks(listings)):
        payload = {
            "kind": request.kind.value,
            "warehouse_id": request.warehouse_id,
            "products": [{"listing_sku": x.magento_sku, "skus": [s.magento_sku for s in x.skus]} for x in chunk],
        }
        publish(services, push_work(shop_id, job.job_id, number, payload, now))
    logger.info(
        "Push job started",
        extra={
            "job_id": job.job_id,
            "kind": job.kind,
            "shop_id": shop_id,
            "skus": len(skus),
            "unlisted": len(unlisted),
        },
    )
    return jobs.get(job.job_id) or created
