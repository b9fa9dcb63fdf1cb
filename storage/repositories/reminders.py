"""Reminders: rows due at a time, claimed once by whichever dispatcher gets there first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.domain.reminders import Reminder, ReminderStatus
from storage.mapping import columns, from_row
from storage.models import ReminderRow
from storage.repositories.base import Scope


class SqlReminders:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    def _reminder(self, row: ReminderRow) -> Reminder:
        return from_row(Reminder, row, detail={str(k): str(v) for k, v in row.detail.items()})

    async def add(self, reminder: Reminder) -> bool:
        return await self.add_many([reminder]) == 1

    async def add_many(self, reminders: Sequence[Reminder]) -> int:
        return await self._s.insert_rows(
            ReminderRow,
            [
                {**columns(r), "detail": dict(r.detail), "school_id": self._s.school}
                for r in reminders
            ],
            unless_taken=("key",),
        )

    async def claim_due(self, now: datetime, limit: int) -> Sequence[Reminder]:
        rows = (
            await self._s.session.scalars(
                self._s.where(
                    select(ReminderRow)
                    .where(
                        ReminderRow.status == ReminderStatus.PENDING.value,
                        ReminderRow.due_at <= now,
                    )
                    .order_by(ReminderRow.due_at, ReminderRow.key)
                    .limit(limit)
                    .with_for_update(skip_locked=True),
                    ReminderRow,
                )
            )
        ).all()
        return [self._reminder(r) for r in rows]

    async def save(self, reminder: Reminder) -> None:
        await self._s.session.execute(
            update(ReminderRow)
            .where(ReminderRow.key == reminder.key, self._s.mine(ReminderRow))
            .values(
                status=reminder.status.value,
                sent_at=reminder.sent_at,
                due_at=reminder.due_at,
                detail=dict(reminder.detail),
            )
        )

    async def mark(
        self, keys: Sequence[str], status: ReminderStatus, sent_at: datetime | None
    ) -> None:
        if keys:
            await self._s.session.execute(
                update(ReminderRow)
                .where(ReminderRow.key.in_(list(keys)), self._s.mine(ReminderRow))
                .values(status=status.value, sent_at=sent_at)
            )

    async def for_case(self, case_id: str) -> Sequence[Reminder]:
        rows = (
            await self._s.session.scalars(
                self._s.where(
                    select(ReminderRow)
                    .where(ReminderRow.case_id == case_id)
                    .order_by(ReminderRow.due_at, ReminderRow.key),
                    ReminderRow,
                )
            )
        ).all()
        return [self._reminder(r) for r in rows]

    async def delete_for_case(self, case_id: str) -> int:
        result = await self._s.session.execute(
            delete(ReminderRow).where(ReminderRow.case_id == case_id, self._s.mine(ReminderRow))
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
