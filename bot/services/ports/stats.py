"""The facts the figures are drawn from (bot/services/stats.py): flags and dates that outlive
the purge, never a name or a free text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class PlanFact:
    """A saved plan version as the audit trail keeps it after the purge: dates, no content."""

    version: int
    saved_at: datetime
    evaluate_on: date


@dataclass(frozen=True)
class EvaluationFact:
    version: int
    at: datetime
    outcome: str


@dataclass(frozen=True)
class CaseFacts:
    """What the figures need of one case: flags and dates, never a name or a free text.

    Everything here outlives the purge (columns of the case, its recipients' acknowledgements
    and the audit trail), so a year's figures can be drawn after its cases were emptied."""

    case_id: str
    reported_at: datetime
    category: str
    state: str
    section_12_5: bool
    """An employee is suspected (the report goes to rektor *straks*); the leadership: below."""
    leadership: bool
    serious: bool
    routed: bool
    """Someone at the school received it (a case about the leadership reaches nobody there)."""
    acknowledged_at: datetime | None
    """The first acknowledgement by anyone it was routed to."""
    rektor_acknowledged_at: datetime | None
    investigation_started_at: datetime | None
    closed_at: datetime | None
    plans: tuple[PlanFact, ...] = ()
    evaluations: tuple[EvaluationFact, ...] = ()


class StatsSource(Protocol):
    async def facts(self, since: datetime, until: datetime) -> Sequence[CaseFacts]:
        """The facts of the cases reported in [since, until), oldest first, purged ones too."""
        ...
