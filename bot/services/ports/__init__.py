"""The side effects the use cases need, as small protocols, one module an area.

Storage, Teams and the directory of people live behind these, so the use cases run the same
against the SQL repositories in production and the hand-written fakes in `tests/fakes.py`.
Every port is named here too: `from bot.services.ports import X` is how the rest imports one.
"""

from __future__ import annotations

from bot.services.ports.archive import ARCHIVED, ArchiveEntry, ArchiveQueue, ArchiveStatus
from bot.services.ports.calendars import Calendar, CalendarEvents
from bot.services.ports.cases import (
    CaseRepository,
    Drafts,
    DuplicateSubmission,
    EventLog,
    Observations,
)
from bot.services.ports.export import ExportLink, ExportLinks
from bot.services.ports.messaging import (
    AppInstaller,
    ConversationRef,
    Conversations,
    Delivered,
    DeliveryError,
    MessageKind,
    MessageStatus,
    Notifier,
    Outbox,
    OutboxMessage,
)
from bot.services.ports.people import Clock, Directory
from bot.services.ports.reminders import Reminders
from bot.services.ports.stats import CaseFacts, EvaluationFact, PlanFact, StatsSource
from bot.services.ports.substitutes import Substitutions
from bot.services.ports.uow import Locator, UnitOfWork, UnitOfWorkFactory

__all__ = [
    "ARCHIVED",
    "AppInstaller",
    "ArchiveEntry",
    "ArchiveQueue",
    "ArchiveStatus",
    "Calendar",
    "CalendarEvents",
    "CaseFacts",
    "CaseRepository",
    "Clock",
    "ConversationRef",
    "Conversations",
    "Delivered",
    "DeliveryError",
    "Directory",
    "Drafts",
    "DuplicateSubmission",
    "EvaluationFact",
    "EventLog",
    "ExportLink",
    "ExportLinks",
    "Locator",
    "MessageKind",
    "MessageStatus",
    "Notifier",
    "Observations",
    "Outbox",
    "OutboxMessage",
    "PlanFact",
    "Reminders",
    "StatsSource",
    "Substitutions",
    "UnitOfWork",
    "UnitOfWorkFactory",
]
