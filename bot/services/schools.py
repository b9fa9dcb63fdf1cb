"""Every school of one deployment, each with its own use cases, and the owner above them.

A turn is handed to one school's `Services` (its unit of work sees that school's rows alone);
this is where the conversation and the background passes find which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain.people import Person
from bot.domain.school import SchoolOwner
from bot.services.context import Services
from bot.services.ports import Locator


@dataclass
class Schools:
    services: Sequence[Services]
    owner: SchoolOwner
    locator: Locator
    _by_id: dict[str, Services] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {s.school.id: s for s in self.services}

    def get(self, school_id: str) -> Services | None:
        return self._by_id.get(school_id)

    @property
    def first(self) -> Services:
        return self.services[0]

    def owner_person(self, person_id: str) -> Person | None:
        return self.owner.person(person_id)

    def of_person(self, person_id: str) -> tuple[Services, ...]:
        """The schools whose staff the person is on; the owner's people are on none."""
        if self.owner.person(person_id) is not None:
            return ()
        return tuple(
            s
            for s in self.services
            if s.directory.is_staff(person_id) and s.directory.person(person_id) is not None
        )
