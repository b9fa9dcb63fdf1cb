"""Substitutes rektor set on the card: ids and dates, nothing personal beyond who stands in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select

from bot.domain.substitutes import Substitution
from storage.mapping import columns, from_row
from storage.models import SubstitutionRow
from storage.repositories.base import Scope


class SqlSubstitutions:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    async def add(self, substitution: Substitution, now: datetime) -> None:
        await self._s.session.execute(
            self._s.insert(SubstitutionRow).values(
                **columns(substitution), school_id=self._s.school, set_at=now
            )
        )

    async def current(self, day: date) -> Sequence[Substitution]:
        rows = await self._s.session.scalars(
            self._s.where(
                select(SubstitutionRow)
                .where(SubstitutionRow.ends_on >= day)
                .order_by(SubstitutionRow.starts_on),
                SubstitutionRow,
            )
        )
        return [from_row(Substitution, row) for row in rows]
