"""«Logg» notes about pupils, found by a keyed hash of the pupil, their text sealed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.domain.followup import Observation
from storage.mapping import columns, from_row
from storage.models import ObservationRow
from storage.repositories.base import Scope
from storage.serialize import observation_document

SEALED = frozenset({"pupil_name", "pupil_class", "note", "pupil_key"})


def sealed_where(observation_id: str) -> str:
    return f"observations.sealed:{observation_id}"


class SqlObservations:
    def __init__(self, scope: Scope) -> None:
        self._s = scope

    async def add(self, observation: Observation) -> None:
        keyring = self._s.keyring
        await self._s.session.execute(
            self._s.insert(ObservationRow).values(
                **columns(observation, leave_out=SEALED),
                school_id=self._s.school,
                case_id=None,
                pupil_key=keyring.pseudonym(observation.pupil_key),
                sealed=keyring.seal_json(
                    observation_document(observation), sealed_where(observation.id)
                ),
            )
        )

    async def for_pupil(self, pupil_key: str) -> Sequence[Observation]:
        rows = (
            await self._s.session.scalars(
                self._s.where(
                    select(ObservationRow)
                    .where(ObservationRow.pupil_key == self._s.keyring.pseudonym(pupil_key))
                    .order_by(ObservationRow.observed_on.desc(), ObservationRow.created_at.desc()),
                    ObservationRow,
                )
            )
        ).all()
        found = []
        for row in rows:
            document = self._s.keyring.open_json(row.sealed, sealed_where(row.id))
            found.append(from_row(Observation, row, pupil_key=pupil_key, **document))
        return found

    async def link(self, pupil_key: str, case_id: str) -> int:
        result = await self._s.session.execute(
            update(ObservationRow)
            .where(
                ObservationRow.pupil_key == self._s.keyring.pseudonym(pupil_key),
                ObservationRow.case_id.is_(None),
                self._s.mine(ObservationRow),
            )
            .values(case_id=case_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def purge(self, before: datetime) -> int:
        result = await self._s.session.execute(
            delete(ObservationRow).where(
                ObservationRow.created_at < before,
                ObservationRow.case_id.is_(None),
                self._s.mine(ObservationRow),
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def delete_for_case(self, case_id: str) -> int:
        result = await self._s.session.execute(
            delete(ObservationRow).where(
                ObservationRow.case_id == case_id, self._s.mine(ObservationRow)
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
