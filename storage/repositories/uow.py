"""One transaction over every repository, limited to one school (or, for the sender, all)."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.ports import DuplicateSubmission
from storage.crypto import Keyring
from storage.repositories.archive import SqlArchive
from storage.repositories.audit import SqlEvents
from storage.repositories.base import Scope
from storage.repositories.cases import SqlCases
from storage.repositories.links import SqlCalendarEvents, SqlExportLinks
from storage.repositories.notes import SqlObservations
from storage.repositories.outbox import SqlOutbox
from storage.repositories.people import SqlConversations, SqlDrafts
from storage.repositories.reminders import SqlReminders
from storage.repositories.stats import SqlStats


class SqlUnitOfWork:
    cases: SqlCases
    events: SqlEvents
    outbox: SqlOutbox
    conversations: SqlConversations
    drafts: SqlDrafts
    reminders: SqlReminders
    observations: SqlObservations
    export_links: SqlExportLinks
    calendar_events: SqlCalendarEvents
    archive: SqlArchive
    stats: SqlStats

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        keyring: Keyring,
        school_id: str | None,
    ) -> None:
        self._sessions = sessions
        self._keyring = keyring
        self._school_id = school_id
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        self._session = self._sessions()
        scope = Scope(self._session, self._keyring, self._school_id)
        self.cases = SqlCases(scope)
        self.events = SqlEvents(scope)
        self.outbox = SqlOutbox(scope)
        self.conversations = SqlConversations(scope)
        self.drafts = SqlDrafts(scope)
        self.reminders = SqlReminders(scope)
        self.observations = SqlObservations(scope)
        self.export_links = SqlExportLinks(scope)
        self.calendar_events = SqlCalendarEvents(scope)
        self.archive = SqlArchive(scope)
        self.stats = SqlStats(scope)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    async def commit(self) -> None:
        assert self._session is not None
        try:
            await self._session.commit()
        except IntegrityError as error:
            await self._session.rollback()
            if "submission_id" in str(error.orig) or "uq_cases_submission_id" in str(error.orig):
                raise DuplicateSubmission() from error
            raise

    async def rollback(self) -> None:
        assert self._session is not None
        await self._session.rollback()
