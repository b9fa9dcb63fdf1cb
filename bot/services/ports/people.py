"""Who is who, and what time it is: every use case asks; the school's configuration (or
Graph, bot.graph) and the system clock answer, the fakes in tests.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.people import Person


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware, always."""
        ...


class Directory(Protocol):
    def person(self, aad_object_id: str) -> Person | None: ...

    def is_staff(self, aad_object_id: str) -> bool:
        """On the school's staff as configured (or, with Graph, as a leader the school takes
        from Entra ID), or one of the school owner's people: only they ever see a case,
        whoever may report one."""
        ...

    def rektor(self) -> Person | None: ...

    def deputy(self) -> Person | None: ...

    def nearest_leader(self, person: Person) -> Person | None: ...
