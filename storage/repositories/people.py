"""Where people are reached (their 1:1 chats) and the report forms they have under way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from bot.services.ports import ConversationRef
from storage.mapping import columns, from_row
from storage.models import ConversationRow, ReportDraftRow
from storage.repositories.base import Scope


class SqlConversations:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    async def upsert(self, ref: ConversationRef) -> None:
        values = {**columns(ref), "school_id": self._s.school}
        statement = (
            self._s.insert(ConversationRow)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["school_id", "user_id"],
                set_={k: v for k, v in values.items() if k not in ("user_id", "school_id")},
            )
        )
        await self._s.session.execute(statement)

    async def get(self, user_id: str) -> ConversationRef | None:
        row = (
            await self._s.session.scalars(
                self._s.where(
                    select(ConversationRow)
                    .where(ConversationRow.user_id == user_id)
                    .order_by(ConversationRow.updated_at.desc())
                    .limit(1),
                    ConversationRow,
                )
            )
        ).first()
        return self._ref(row) if row else None

    async def delete(self, user_id: str) -> None:
        await self._s.session.execute(
            delete(ConversationRow).where(
                ConversationRow.user_id == user_id, self._s.mine(ConversationRow)
            )
        )

    async def latest(self) -> ConversationRef | None:
        row = (
            await self._s.session.scalars(
                self._s.where(
                    select(ConversationRow).order_by(ConversationRow.updated_at.desc()).limit(1),
                    ConversationRow,
                )
            )
        ).first()
        return self._ref(row) if row else None

    @staticmethod
    def _ref(row: ConversationRow) -> ConversationRef:
        return from_row(ConversationRef, row, reference=dict(row.reference))


def values_where(draft_id: str) -> str:
    return f"report_drafts.values:{draft_id}"


class SqlDrafts:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    def _sealed(self, draft_id: str, values: dict[str, str]) -> str:
        return self._s.keyring.seal_json(values, values_where(draft_id))

    def _insert(self, draft_id: str, user_id: str, sealed: str, now: datetime) -> Any:
        """The row as this school and user write it; the caller says what a clash does."""
        return self._s.insert(ReportDraftRow).values(
            draft_id=draft_id,
            school_id=self._s.school,
            user_id=user_id,
            values=sealed,
            updated_at=now,
        )

    async def open(self, draft_id: str, user_id: str, now: datetime) -> None:
        await self._s.session.execute(
            self._insert(draft_id, user_id, self._sealed(draft_id, {}), now).on_conflict_do_nothing(
                index_elements=["draft_id"]
            )
        )

    async def owner(self, draft_id: str) -> str | None:
        owner: str | None = await self._s.session.scalar(
            self._s.where(
                select(ReportDraftRow.user_id).where(ReportDraftRow.draft_id == draft_id),
                ReportDraftRow,
            )
        )
        return owner

    async def save(
        self, draft_id: str, user_id: str, values: dict[str, str], now: datetime
    ) -> None:
        sealed = self._sealed(draft_id, values)
        await self._s.session.execute(
            self._insert(draft_id, user_id, sealed, now).on_conflict_do_update(
                index_elements=["draft_id"],
                set_={"values": sealed, "updated_at": now},
                # Another user cannot overwrite someone's draft by guessing its id.
                where=(ReportDraftRow.user_id == user_id)
                & (ReportDraftRow.school_id == self._s.school),
            )
        )

    async def get(self, draft_id: str, user_id: str) -> dict[str, str] | None:
        row = (
            await self._s.session.scalars(
                self._s.where(
                    select(ReportDraftRow).where(ReportDraftRow.draft_id == draft_id),
                    ReportDraftRow,
                )
            )
        ).first()
        if row is None or row.user_id != user_id:
            return None
        values = self._s.keyring.open_json(row.values, values_where(draft_id))
        return {str(k): str(v) for k, v in values.items()}

    async def delete(self, draft_id: str, user_id: str) -> None:
        await self._s.session.execute(
            delete(ReportDraftRow).where(
                ReportDraftRow.draft_id == draft_id,
                ReportDraftRow.user_id == user_id,
                self._s.mine(ReportDraftRow),
            )
        )

    async def purge(self, before: datetime) -> int:
        result = await self._s.session.execute(
            delete(ReportDraftRow).where(
                ReportDraftRow.updated_at < before, self._s.mine(ReportDraftRow)
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
