"""The one read that crosses schools: where a case or a draft belongs, and which schools have
work due. It returns school ids only — never a row's content — so a turn can be handed to the
right school's use cases, and the sender need not ask 180 schools a second whether they have
mail. Everything else goes through a unit of work limited to one school."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.case import CaseState
from bot.domain.reminders import ReminderStatus
from bot.services.ports import ArchiveStatus, MessageStatus
from storage.models import (
    ArchiveDeliveryRow,
    CaseRecipientRow,
    CaseRow,
    OutboxRow,
    ReminderRow,
    ReportDraftRow,
)
from storage.repositories.cases import may_concern


class SqlLocator:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def school_of_case(self, case_id: str) -> str | None:
        async with self._sessions() as session:
            found = await session.scalar(select(CaseRow.school_id).where(CaseRow.id == case_id))
        return str(found) if found is not None else None

    async def school_of_draft(self, draft_id: str) -> str | None:
        async with self._sessions() as session:
            found = await session.scalar(
                select(ReportDraftRow.school_id).where(ReportDraftRow.draft_id == draft_id)
            )
        return str(found) if found is not None else None

    async def schools_with_mail(self, now: datetime) -> set[str]:
        return await self._schools_due(OutboxRow, MessageStatus.PENDING.value, now)

    async def schools_with_archive_work(self, now: datetime) -> set[str]:
        return await self._schools_due(ArchiveDeliveryRow, ArchiveStatus.PENDING.value, now)

    async def _schools_due(
        self, table: type[OutboxRow] | type[ArchiveDeliveryRow], pending: str, now: datetime
    ) -> set[str]:
        """The schools with a row of `table` waiting to be sent by now."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(table.school_id)
                .where(table.status == pending, table.next_attempt_at <= now)
                .distinct()
            )
            return {str(r) for r in rows}

    async def schools_with_due_work(self, now: datetime) -> set[str]:
        """Schools with a reminder due, or a report nobody has acknowledged and that has not
        been escalated: only they need the escalation and reminder passes."""
        acknowledged = select(CaseRecipientRow.case_id).where(
            CaseRecipientRow.acknowledged_at.is_not(None)
        )
        reminders = select(ReminderRow.school_id).where(
            ReminderRow.status == ReminderStatus.PENDING.value, ReminderRow.due_at <= now
        )
        waiting = select(CaseRow.school_id).where(
            CaseRow.state == CaseState.MELDE_FRA.value,
            CaseRow.escalated_at.is_(None),
            CaseRow.id.not_in(acknowledged),
        )
        async with self._sessions() as session:
            rows = await session.scalars(union(reminders, waiting))
            return {str(r) for r in rows}

    async def schools_of_person(self, person_id: str) -> set[str]:
        """Schools with a case the person may see or has reported: «Mine saker» for the
        owner's people asks these, not all 180."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(CaseRow.school_id)
                .where(or_(may_concern(person_id), CaseRow.reporter_id == person_id))
                .distinct()
            )
            return {str(r) for r in rows}
