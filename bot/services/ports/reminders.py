"""The reminders a case's sub-duties fire (bot/services/reminders.py); the rules are the
domain's (bot/domain/reminders.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.reminders import Reminder, ReminderStatus


class Reminders(Protocol):
    async def add(self, reminder: Reminder) -> bool:
        """False when a reminder with that key exists (planning twice is harmless)."""
        ...

    async def add_many(self, reminders: Sequence[Reminder]) -> int:
        """One statement for many; returns how many were new."""
        ...

    async def claim_due(self, now: datetime, limit: int) -> Sequence[Reminder]:
        """Due reminders, locked to this transaction (`SKIP LOCKED`: other dispatchers get
        others); they are marked in the same transaction, so each fires once."""
        ...

    async def save(self, reminder: Reminder) -> None: ...

    async def mark(
        self, keys: Sequence[str], status: ReminderStatus, sent_at: datetime | None
    ) -> None:
        """One statement for a batch of claimed reminders."""
        ...

    async def for_case(self, case_id: str) -> Sequence[Reminder]: ...

    async def delete_for_case(self, case_id: str) -> int: ...
