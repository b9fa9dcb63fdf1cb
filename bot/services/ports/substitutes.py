"""Substitutes: who acts for rektor or a leader, and when (the case's alerts and reminders)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from bot.domain.substitutes import Substitution


class Substitutions(Protocol):
    """«Vikar for rektor/leder fra–til» as rektor set them on the card."""

    async def add(self, substitution: Substitution, now: datetime) -> None: ...

    async def current(self, day: date) -> Sequence[Substitution]:
        """Every period whose last day is `day` or later."""
        ...
