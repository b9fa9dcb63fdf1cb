"""Names of staff as cards and documents show them."""

from __future__ import annotations

from bot.domain.people import UNKNOWN_NAME
from bot.services.ports import Directory


def display_name(directory: Directory, person_id: str | None, fallback: str = UNKNOWN_NAME) -> str:
    """A person who left the school (or a stale id on an old case) still gets a readable name."""
    person = directory.person(person_id) if person_id else None
    return person.name if person else fallback
