"""The archive queue: each document of a case on its way to Websak (bot/services/archiving.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class ArchiveStatus(StrEnum):
    PENDING = "pending"
    RECEIVED = "received"
    """The archive answered 201: never send this document again (Mottak does not de-duplicate)."""
    REJECTED = "rejected"
    """The archive refused it (400/422): nothing more of the case goes until someone acts."""
    WRITTEN = "written"
    """No archive API: the ZIP lies in ARCHIVE_DIR for manual import."""
    IMPORTED = "imported"
    """Rektor confirmed the written package was imported in Websak."""
    SUPERSEDED = "superseded"
    """A document replaced before it went (an investigation saved again): its newer version
    is queued instead."""


ARCHIVED = frozenset({ArchiveStatus.RECEIVED, ArchiveStatus.IMPORTED})


@dataclass
class ArchiveEntry:
    """One document of a case on its way to the archive."""

    case_id: str
    key: str
    position: int
    queued_at: datetime
    generated_at: datetime
    """When the document's PDF says it was made: the same ZIP is drawn again at every try."""
    next_attempt_at: datetime
    status: ArchiveStatus = ArchiveStatus.PENDING
    attempts: int = 0
    first_failure_at: datetime | None = None
    delivered_at: datetime | None = None
    receipt: str | None = None
    reason: str | None = None
    late_reported_at: datetime | None = None


class ArchiveQueue(Protocol):
    async def add(self, entries: Sequence[ArchiveEntry]) -> None:
        """Entries already there (same case and key) are left as they are."""
        ...

    async def for_case(self, case_id: str) -> Sequence[ArchiveEntry]:
        """In the order they are sent."""
        ...

    async def due_cases(self, now: datetime, limit: int) -> Sequence[str]:
        """Cases with a pending document due now."""
        ...

    async def pending_cases(self) -> Sequence[str]: ...

    async def save(self, entry: ArchiveEntry) -> None: ...

    async def forget_for_case(self, case_id: str) -> None:
        """The archive's reasons (they may quote the case) go with the case's personal data."""
        ...
