"""The transaction every use case runs in, holding one repository of each kind, and the one
read across schools (the locator).
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Protocol

from bot.services.ports.archive import ArchiveQueue
from bot.services.ports.calendars import CalendarEvents
from bot.services.ports.cases import (
    CaseRepository,
    Drafts,
    EventLog,
    Observations,
)
from bot.services.ports.export import ExportLinks
from bot.services.ports.messaging import (
    Conversations,
    Outbox,
)
from bot.services.ports.reminders import Reminders
from bot.services.ports.stats import StatsSource
from bot.services.ports.substitutes import Substitutions


class UnitOfWork(Protocol):
    """One transaction: what a use case changes is committed together or not at all."""

    # Read-only, so an implementation may narrow them to its own repository classes.
    @property
    def cases(self) -> CaseRepository: ...

    @property
    def events(self) -> EventLog: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def conversations(self) -> Conversations: ...

    @property
    def drafts(self) -> Drafts: ...

    @property
    def reminders(self) -> Reminders: ...

    @property
    def observations(self) -> Observations: ...

    @property
    def export_links(self) -> ExportLinks: ...

    @property
    def calendar_events(self) -> CalendarEvents: ...

    @property
    def archive(self) -> ArchiveQueue: ...

    @property
    def substitutions(self) -> Substitutions: ...

    @property
    def stats(self) -> StatsSource: ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class Locator(Protocol):
    """The one read across schools, returning school ids only: a turn about a case or a draft
    goes to its school's use cases, and the sender asks once which schools have work due."""

    async def school_of_case(self, case_id: str) -> str | None: ...

    async def school_of_draft(self, draft_id: str) -> str | None: ...

    async def schools_with_mail(self, now: datetime) -> set[str]: ...

    async def schools_with_archive_work(self, now: datetime) -> set[str]: ...

    async def schools_with_due_work(self, now: datetime) -> set[str]: ...

    async def schools_of_person(self, person_id: str) -> set[str]: ...
