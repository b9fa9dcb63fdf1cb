"""Staff and their roles, as the school configuration names them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    REKTOR = "rektor"
    LEDER = "leder"
    ANSATT = "ansatt"
    MILJOTEAM = "miljoteam"
    SKOLEEIER = "skoleeier"
    """The school owner's people (UDA in Oslo): not a school's staff, they take the cases about
    a school's leadership and hear of every serious and § 12-5 case."""


LEADERSHIP_ROLES = frozenset({Role.REKTOR, Role.LEDER})

UNKNOWN_NAME = "Ukjent ansatt"
"""Shown for someone no longer (or never) in the configuration: a card must still read."""

SYSTEM_NAME = "Trygg skole (automatisk)"
"""Who did what the bot did by itself (a reminder sent, the owner's notice delivered)."""


@dataclass(frozen=True)
class Person:
    """A staff member. `aad_object_id` is the id Teams sends in `from.aadObjectId`."""

    aad_object_id: str
    name: str
    roles: frozenset[Role] = field(default_factory=lambda: frozenset({Role.ANSATT}))
    team: str | None = None
    leader: str | None = None
    email: str | None = None

    @property
    def is_rektor(self) -> bool:
        return Role.REKTOR in self.roles

    @property
    def is_leadership(self) -> bool:
        """Rektor and the other leaders: §12-5 routes a case about any of them past the school."""
        return bool(self.roles & LEADERSHIP_ROLES)


def unknown_person(aad_object_id: str, name: str | None) -> Person:
    """Someone who writes to the bot but is not in the configuration.

    The plan says every employee must report, so an unknown sender is treated as staff without
    a known leader (rektor then receives the report), never rejected.
    """
    return Person(aad_object_id=aad_object_id, name=name or UNKNOWN_NAME)
