"""Cases: the routed recipients in their own table, everything personal in one sealed document."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.domain.case import Case, CaseRecipient, CaseState
from bot.services.ports import DuplicateSubmission
from storage.mapping import columns, from_row
from storage.models import CaseCounterRow, CaseRecipientRow, CaseRow
from storage.repositories.base import Scope
from storage.serialize import case_document, case_document_parts

SEALED_FIELDS = frozenset(
    {
        "report",
        "investigation",
        "investigation_history",
        "plans",
        "evaluations",
        "recipients",
        "conclusion",
    }
)
"""Case fields not stored as columns of their own: sealed in the document, or a table apart."""
FIXED = frozenset({"id", "submission_id", "reporter_id", "created_at", "number"})
"""Columns a case never changes after it was reported."""


def may_concern(person_id: str) -> ColumnElement[bool]:
    """The cases a person may see or has reported, told by the columns alone (a superset of
    `Case.can_view`: the case's own rule has the last word)."""
    pattern = "%" + _like_escape(json.dumps(person_id)) + "%"  # as the JSON column spells it
    recipient = select(CaseRecipientRow.case_id).where(CaseRecipientRow.person_id == person_id)
    return or_(
        CaseRow.id.in_(recipient),
        CaseRow.assignee_id == person_id,
        cast(CaseRow.members, Text).like(pattern, escape="!"),
        cast(CaseRow.responsible, Text).like(pattern, escape="!"),
    )


def _like_escape(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def sealed_where(case_id: str) -> str:
    return f"cases.sealed:{case_id}"


class SqlCases:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    def _row_values(self, case: Case) -> dict[str, Any]:
        return {
            **columns(case, leave_out=SEALED_FIELDS),
            "category": case.report.category,
            "leadership": case.report.leadership_suspected,
            "serious": case.serious,  # as reported, or marked so later
            # Who «Mine saker» finds the case for, asked without opening the document.
            "responsible": list(case.current_plan.responsible_ids) if case.current_plan else [],
            "sealed": self._s.keyring.seal_json(case_document(case), sealed_where(case.id)),
        }

    async def add(self, case: Case) -> None:
        values = self._row_values(case)
        values.update(school_id=self._s.school, year=case.created_at.year, purged_at=None)
        try:
            await self._s.session.execute(self._s.insert(CaseRow).values(**values))
        except IntegrityError as error:
            if "submission" in str(error.orig):
                raise DuplicateSubmission() from error
            raise
        await self._add_recipients(case)

    async def _add_recipients(self, case: Case) -> None:
        await self._s.insert_rows(
            CaseRecipientRow,
            [
                {
                    "case_id": case.id,
                    "school_id": self._s.school,
                    "position": position,
                    **columns(recipient),
                }
                for position, recipient in enumerate(case.recipients)
            ],
        )

    async def save(self, case: Case) -> None:
        values = {k: v for k, v in self._row_values(case).items() if k not in FIXED}
        await self._s.session.execute(
            update(CaseRow).where(CaseRow.id == case.id, self._s.mine(CaseRow)).values(**values)
        )
        await self._s.session.execute(
            delete(CaseRecipientRow).where(
                CaseRecipientRow.case_id == case.id, self._s.mine(CaseRecipientRow)
            )
        )
        await self._add_recipients(case)

    async def _load(self, rows: Sequence[CaseRow]) -> list[Case]:
        rows = [row for row in rows if row.sealed is not None]  # a purged case is a tombstone
        if not rows:
            return []
        ids = [row.id for row in rows]
        recipients = (
            await self._s.session.scalars(
                select(CaseRecipientRow)
                .where(CaseRecipientRow.case_id.in_(ids))
                .order_by(CaseRecipientRow.position)
            )
        ).all()
        by_case: dict[str, list[CaseRecipient]] = {i: [] for i in ids}
        for r in recipients:
            by_case[r.case_id].append(from_row(CaseRecipient, r))
        cases = []
        for row in rows:
            assert row.sealed is not None
            document = self._s.keyring.open_json(row.sealed, sealed_where(row.id))
            cases.append(
                from_row(
                    Case,
                    row,
                    recipients=by_case[row.id],
                    members=list(row.members or []),
                    substitutes={k: (v[0], v[1]) for k, v in (row.substitutes or {}).items()},
                    **case_document_parts(document),
                )
            )
        return cases

    async def _one(self, statement: Any) -> Case | None:
        row = (await self._s.session.scalars(self._s.where(statement, CaseRow))).first()
        if row is None:
            return None
        found = await self._load([row])
        return found[0] if found else None

    async def _many(self, statement: Any) -> list[Case]:
        rows = (await self._s.session.scalars(self._s.where(statement, CaseRow))).all()
        return await self._load(rows)

    async def get(self, case_id: str) -> Case | None:
        return await self._one(select(CaseRow).where(CaseRow.id == case_id))

    async def get_for_update(self, case_id: str) -> Case | None:
        return await self._one(
            select(CaseRow)
            .where(CaseRow.id == case_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def by_reference(self, year: int, number: int) -> Case | None:
        return await self._one(
            select(CaseRow).where(CaseRow.year == year, CaseRow.number == number)
        )

    async def by_submission(self, submission_id: str) -> Case | None:
        return await self._one(select(CaseRow).where(CaseRow.submission_id == submission_id))

    async def next_number(self, year: int) -> int:
        statement = (
            self._s.insert(CaseCounterRow)
            .values(school_id=self._s.school, year=year, last=1)
            .on_conflict_do_update(
                index_elements=["school_id", "year"], set_={"last": CaseCounterRow.last + 1}
            )
            .returning(CaseCounterRow.last)
        )
        return int((await self._s.session.execute(statement)).scalar_one())

    async def routed_to(self, person_id: str) -> Sequence[Case]:
        """Every case the person may see: recipients, the taker, added members and the current
        plan's responsible staff. The columns narrow it down in SQL (the owner's people ask
        this of 180 schools); the case's own rule decides."""
        statement = (
            select(CaseRow).where(may_concern(person_id)).order_by(CaseRow.created_at.desc())
        )
        cases = await self._many(statement)
        return [case for case in cases if case.can_view(person_id)]

    async def reported_by(self, person_id: str) -> Sequence[Case]:
        return await self._many(
            select(CaseRow)
            .where(CaseRow.reporter_id == person_id)
            .order_by(CaseRow.created_at.desc())
        )

    async def awaiting_acknowledgement(self) -> Sequence[Case]:
        acknowledged = select(CaseRecipientRow.case_id).where(
            CaseRecipientRow.acknowledged_at.is_not(None)
        )
        cases = await self._many(
            select(CaseRow).where(
                CaseRow.state == CaseState.MELDE_FRA.value,
                CaseRow.escalated_at.is_(None),
                CaseRow.id.not_in(acknowledged),
            )
        )
        return [case for case in cases if case.recipients]

    async def open_cases(self) -> Sequence[Case]:
        return await self._many(
            select(CaseRow)
            .where(CaseRow.closed_at.is_(None), CaseRow.purged_at.is_(None))
            .order_by(CaseRow.created_at)
        )

    async def closed_unpurged(self) -> Sequence[Case]:
        return await self._many(
            select(CaseRow)
            .where(CaseRow.closed_at.is_not(None), CaseRow.purged_at.is_(None))
            .order_by(CaseRow.closed_at)
        )

    async def purge(self, case_id: str, now: datetime) -> None:
        await self._s.session.execute(
            update(CaseRow)
            .where(CaseRow.id == case_id, self._s.mine(CaseRow))
            .values(sealed=None, purged_at=now)
        )
