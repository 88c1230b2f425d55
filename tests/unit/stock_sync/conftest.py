"""A price and stock sync wired to fakes: Magento's reads, TikTok's updates, the pipeline's stores.

The sync store and the job store are the DynamoDB ones on the template's tables (moto in-process), so the
records written are the ones the deployed stack writes; the event pipeline is the in-memory one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.aws_tables import template_tables
from tests.unit.common_fakes import InMemoryShopSettingsStore
from tests.unit.connect.fakes import InMemoryConnectStore
from tests.unit.events.fakes import InMemoryEventStore, RecordingPublisher
from tests.unit.listings.fakes import InMemoryListingStore
from tests.unit.stock_sync.fakes import SHOP, WAREHOUSE, FakeMagento, FakeReader, FakeTikTok
from tts_connector.connect.records import Shop
from tts_connector.events.intake import EventIntake
from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent
from tts_connector.events.router import EventRegistry
from tts_connector.jobs.store import DynamoDBJobStore
from tts_connector.stock_sync import topics
from tts_connector.stock_sync.services import SyncServices
from tts_connector.stock_sync.store import DynamoDBSyncStore
from tts_connector.stock_sync.work import CHANGES_QUEUE, PUSH_QUEUE


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Harness:
    services: SyncServices
    magento: FakeMagento
    tiktok: FakeTikTok
    connect: InMemoryConnectStore
    listings: InMemoryListingStore
    settings: InMemoryShopSettingsStore
    sync_store: DynamoDBSyncStore
    jobs: DynamoDBJobStore
    events: InMemoryEventStore
    publisher: RecordingPublisher
    registry: EventRegistry
    clock: Clock
    outcomes: list[tuple[str, EventOutcome]] = field(default_factory=list)

    def deliver(self, event: InboundEvent) -> EventOutcome:
        """A Magento change event through the intake, then its queue's consumer."""
        self.services.intake().accept(event)
        return self.drain(CHANGES_QUEUE)[-1]

    def drain(self, queue: str = PUSH_QUEUE, *, passes: int = 10) -> list[EventOutcome]:
        """Run every message sent to `queue` (and what those send), in order, like its consumer would."""
        done: list[EventOutcome] = []
        handled = {key for key, _ in self.outcomes}
        for _ in range(passes):
            pending = [k for k, q, _ in self.publisher.sent if q == queue and k not in handled]
            if not pending:
                break
            for key in pending:
                stored = self.events.get(key)
                assert stored is not None
                event = InboundEvent.model_validate(stored.model_dump(include=set(InboundEvent.model_fields)))
                outcome = self.registry.router(queue).route(event)
                self.events.transition(key, outcome.status, outcome.detail, int(self.clock()))
                self.outcomes.append((key, outcome))
                handled.add(key)
                done.append(outcome)
        return done

    def status(self, key: str) -> EventStatus:
        return self.events.status(key)


@pytest.fixture
def harness() -> Iterator[Harness]:
    clock = Clock()
    magento = FakeMagento()
    tiktok = FakeTikTok()
    connect = InMemoryConnectStore()
    connect.shops[SHOP] = Shop(
        shop_id=SHOP,
        open_id="seller-1",
        name="Sandbox US Shop",
        region="US",
        cipher="ROW_cipher",
        selected=True,
        warehouse_id=WAREHOUSE,
    )
    listings = InMemoryListingStore()
    settings = InMemoryShopSettingsStore()
    events = InMemoryEventStore()
    publisher = RecordingPublisher()
    registry = EventRegistry()
    with template_tables("PriceStockSyncTable", "JobsTable") as tables:
        sync_store = DynamoDBSyncStore(tables["PriceStockSyncTable"], clock=clock)
        jobs = DynamoDBJobStore(tables["JobsTable"], clock=clock)
        intake = EventIntake(events, publisher, registry, clock=clock)
        reader = FakeReader(magento)
        services = SyncServices(
            connect=lambda: connect,
            listings=lambda: listings,
            shop_settings=lambda: settings,
            store=lambda: sync_store,
            jobs=lambda: jobs,
            reader=lambda: reader,
            magento=lambda: pytest.fail("the Magento client is not used here"),
            tiktok=lambda: tiktok,
            intake=lambda: intake,
            window_seconds=2,
            clock=clock,
        )
        topics.register(registry, services=services)
        yield Harness(
            services, magento, tiktok, connect, listings, settings, sync_store, jobs, events, publisher, registry, clock
        )
