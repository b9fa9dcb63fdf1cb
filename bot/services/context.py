"""What every use case is handed: built once in `bot/bootstrap.py`, replaced by fakes in tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

from bot.domain.school import School
from bot.services.ports import Calendar, Clock, Directory, UnitOfWorkFactory


@dataclass
class Services:
    uow: UnitOfWorkFactory
    directory: Directory
    clock: Clock
    school: School
    calendar: Calendar | None = None
    """Outlook, when the school puts evaluation dates in calendars (Graph)."""
    outbox_ready: asyncio.Event = field(default_factory=asyncio.Event)
    """Set after a commit that queued messages, so the sender does not wait for its next poll."""

    def today(self) -> date:
        """The school's date now: a report at 00:30 in Oslo is dated that day, not UTC's."""
        return self.clock.now().astimezone(self.school.calendar.zone).date()
