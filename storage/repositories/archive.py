"""The documents on their way to the archive, one row each, in the order they are sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from bot.services.ports import ArchiveEntry, ArchiveStatus
from storage.mapping import columns, from_row
from storage.models import ArchiveDeliveryRow
from storage.repositories.base import Scope


def reason_where(case_id: str, key: str) -> str:
    return f"archive_deliveries.reason:{case_id}/{key}"


class SqlArchive:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    def _values(self, entry: ArchiveEntry) -> dict[str, Any]:
        values = columns(entry, leave_out={"reason"})
        values["reason"] = (
            self._s.keyring.seal_text(entry.reason, reason_where(entry.case_id, entry.key))
            if entry.reason is not None
            else None
        )
        return values

    def _entry(self, row: ArchiveDeliveryRow) -> ArchiveEntry:
        reason = (
            self._s.keyring.open_text(row.reason, reason_where(row.case_id, row.key))
            if row.reason is not None
            else None
        )
        return from_row(ArchiveEntry, row, reason=reason)

    async def add(self, entries: Sequence[ArchiveEntry]) -> None:
        await self._s.insert_rows(
            ArchiveDeliveryRow,
            [{**self._values(e), "school_id": self._s.school} for e in entries],
            unless_taken=("case_id", "key"),
        )

    async def for_case(self, case_id: str) -> Sequence[ArchiveEntry]:
        rows = (
            await self._s.session.scalars(
                self._s.where(
                    select(ArchiveDeliveryRow)
                    .where(ArchiveDeliveryRow.case_id == case_id)
                    .order_by(ArchiveDeliveryRow.position),
                    ArchiveDeliveryRow,
                )
            )
        ).all()
        return [self._entry(r) for r in rows]

    async def due_cases(self, now: datetime, limit: int) -> Sequence[str]:
        rows = await self._s.session.execute(
            self._s.where(
                select(ArchiveDeliveryRow.case_id)
                .where(
                    ArchiveDeliveryRow.status == ArchiveStatus.PENDING.value,
                    ArchiveDeliveryRow.next_attempt_at <= now,
                )
                .group_by(ArchiveDeliveryRow.case_id)
                .limit(limit),
                ArchiveDeliveryRow,
            )
        )
        return [str(r[0]) for r in rows]

    async def pending_cases(self) -> Sequence[str]:
        rows = await self._s.session.execute(
            self._s.where(
                select(ArchiveDeliveryRow.case_id)
                .where(
                    ArchiveDeliveryRow.status.in_(
                        [
                            ArchiveStatus.PENDING.value,
                            ArchiveStatus.REJECTED.value,
                            ArchiveStatus.WRITTEN.value,
                        ]
                    )
                )
                .group_by(ArchiveDeliveryRow.case_id),
                ArchiveDeliveryRow,
            )
        )
        return [str(r[0]) for r in rows]

    async def save(self, entry: ArchiveEntry) -> None:
        values = self._values(entry)
        for key in ("case_id", "key"):
            values.pop(key)
        await self._s.session.execute(
            update(ArchiveDeliveryRow)
            .where(
                ArchiveDeliveryRow.case_id == entry.case_id,
                ArchiveDeliveryRow.key == entry.key,
                self._s.mine(ArchiveDeliveryRow),
            )
            .values(**values)
        )

    async def forget_for_case(self, case_id: str) -> None:
        await self._s.session.execute(
            update(ArchiveDeliveryRow)
            .where(ArchiveDeliveryRow.case_id == case_id, self._s.mine(ArchiveDeliveryRow))
            .values(reason=None)
        )
