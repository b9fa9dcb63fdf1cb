"""The case, its audit trail, the report drafts and the pupils' logs: what reporting and
follow-up (bot/services/reporting.py, followup.py) read and change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.case import Case, CaseEvent
from bot.domain.followup import Observation


class CaseRepository(Protocol):
    async def add(self, case: Case) -> None: ...

    async def get(self, case_id: str) -> Case | None: ...

    async def get_for_update(self, case_id: str) -> Case | None:
        """Locks the case row until commit (PostgreSQL), so two presses cannot both win."""
        ...

    async def by_submission(self, submission_id: str) -> Case | None: ...

    async def by_reference(self, year: int, number: int) -> Case | None: ...

    async def save(self, case: Case) -> None: ...

    async def next_number(self, year: int) -> int: ...

    async def routed_to(self, person_id: str) -> Sequence[Case]: ...

    async def reported_by(self, person_id: str) -> Sequence[Case]: ...

    async def awaiting_acknowledgement(self) -> Sequence[Case]:
        """Open cases no recipient has acknowledged and that were not escalated yet."""
        ...

    async def open_cases(self) -> Sequence[Case]:
        """Every case not closed (and not purged): what the stale-case reminder looks at."""
        ...

    async def closed_unpurged(self) -> Sequence[Case]:
        """Closed cases whose personal data is still here: what the purge looks at."""
        ...

    async def purge(self, case_id: str, now: datetime) -> None:
        """The case becomes a tombstone: its sealed document goes, its columns stay."""
        ...


class EventLog(Protocol):
    async def append(self, events: Sequence[CaseEvent]) -> None: ...

    async def for_case(self, case_id: str | None) -> Sequence[CaseEvent]:
        """None: the events about no case (a substitute set, a pupil's log read)."""
        ...


class Drafts(Protocol):
    """Report forms and their checked answers, waiting for «Send»; one row per form.

    A draft belongs to the person its form was made for: only they can fill, read or delete it.
    """

    async def open(self, draft_id: str, user_id: str, now: datetime) -> None:
        """A new form, empty, owned by `user_id`; an id already taken is left as it is."""
        ...

    async def owner(self, draft_id: str) -> str | None: ...

    async def save(
        self, draft_id: str, user_id: str, values: dict[str, str], now: datetime
    ) -> None:
        """Changes nothing when the draft belongs to someone else."""
        ...

    async def get(self, draft_id: str, user_id: str) -> dict[str, str] | None: ...

    async def delete(self, draft_id: str, user_id: str) -> None: ...

    async def purge(self, before: datetime) -> int: ...


class Observations(Protocol):
    async def add(self, observation: Observation) -> None: ...

    async def for_pupil(self, pupil_key: str) -> Sequence[Observation]: ...

    async def link(self, pupil_key: str, case_id: str) -> int:
        """The pupil's notes become part of a case reported about them: kept as long as it."""
        ...

    async def purge(self, before: datetime) -> int:
        """Notes written before `before` that did not become part of a case."""
        ...

    async def delete_for_case(self, case_id: str) -> int: ...


class DuplicateSubmission(Exception):
    """Raised by a repository when a concurrent turn stored the same draft first."""
