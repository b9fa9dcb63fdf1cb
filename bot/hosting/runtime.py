"""Everything one running bot is made of, as `bot.bootstrap` builds it and the web app runs it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.domain.school import School
from bot.graph.parts import GraphParts
from bot.hosting.auth import TokenValidator
from bot.hosting.host import Host
from bot.hosting.turns import InFlight
from bot.services.archiving import ArchiveHealth, ArchiveSender
from bot.services.context import Services
from bot.services.delivery import DeliveryWorker
from bot.services.ports import ConversationRef, Notifier
from bot.services.schools import Schools
from storage.crypto import Keyring


@dataclass
class LatestConversation:
    """The newest conversation seen: its service URL and tenant open a chat with someone new."""

    value: ConversationRef | None = None

    def remember(self, ref: ConversationRef) -> None:
        self.value = ref

    def get(self) -> ConversationRef | None:
        return self.value


@dataclass
class Runtime:
    settings: Settings
    school: School
    engine: AsyncEngine
    services: Services
    host: Host
    notifier: Notifier
    worker: DeliveryWorker
    latest: LatestConversation = field(default_factory=LatestConversation)
    graph: GraphParts = field(default_factory=lambda: GraphParts())
    validator: TokenValidator | None = None
    """Checks inbound tokens; None in local mode. Its keys are kept fresh by the app."""
    keyring: Keyring | None = None
    """The data key(s): what the migrations and the start-up key check need."""
    archive: ArchiveSender | None = None
    """Sends closed (and «Arkiver nå») cases to the archive, document by document."""
    archive_health: ArchiveHealth = field(default_factory=ArchiveHealth)
    schools: Schools | None = None
    """Every school of the deployment (`services` is the first's, `worker` its sender)."""
    workers: tuple[DeliveryWorker, ...] = ()
    """One sender per school, sharing the app's send budget."""
    archives: tuple[ArchiveSender, ...] = ()
    in_flight: InFlight = field(default_factory=InFlight)
    """The host's turns being answered: the outbox sender lets them finish first."""

    @property
    def every_school(self) -> tuple[Services, ...]:
        return tuple(self.schools.services) if self.schools else (self.services,)

    @property
    def every_worker(self) -> tuple[DeliveryWorker, ...]:
        return self.workers or (self.worker,)
