"""One-time PDF download links and the Outlook events that hold evaluation dates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from bot.services.ports import ExportLink
from storage.mapping import columns, from_row
from storage.models import CalendarEventRow, ExportLinkRow
from storage.repositories.base import Scope


class SqlExportLinks:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    async def add(self, link: ExportLink) -> None:
        await self._s.session.execute(
            self._s.insert(ExportLinkRow).values(**columns(link), school_id=self._s.school)
        )

    async def use(self, token: str, now: datetime) -> ExportLink | None:
        result = await self._s.session.execute(
            update(ExportLinkRow)
            .where(
                ExportLinkRow.token == token,
                ExportLinkRow.used_at.is_(None),
                ExportLinkRow.expires_at > now,
                self._s.mine(ExportLinkRow),
            )
            .values(used_at=now)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        row = await self._s.session.get(ExportLinkRow, token)
        assert row is not None
        return from_row(ExportLink, row)

    async def delete_for_case(self, case_id: str) -> int:
        result = await self._s.session.execute(
            delete(ExportLinkRow).where(
                ExportLinkRow.case_id == case_id, self._s.mine(ExportLinkRow)
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


class SqlCalendarEvents:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    async def get(self, case_id: str, user_id: str) -> str | None:
        event_id: str | None = await self._s.session.scalar(
            self._s.where(
                select(CalendarEventRow.event_id).where(
                    CalendarEventRow.case_id == case_id, CalendarEventRow.user_id == user_id
                ),
                CalendarEventRow,
            )
        )
        return event_id

    async def put(self, case_id: str, user_id: str, event_id: str, now: datetime) -> None:
        values = {
            "case_id": case_id,
            "user_id": user_id,
            "school_id": self._s.school,
            "event_id": event_id,
            "updated_at": now,
        }
        await self._s.session.execute(
            self._s.insert(CalendarEventRow)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["case_id", "user_id"],
                set_={"event_id": event_id, "updated_at": now},
            )
        )

    async def delete_for_case(self, case_id: str) -> int:
        result = await self._s.session.execute(
            delete(CalendarEventRow).where(
                CalendarEventRow.case_id == case_id, self._s.mine(CalendarEventRow)
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
