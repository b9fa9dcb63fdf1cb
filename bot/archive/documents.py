"""Which documents a case has for the archive, each with a key that never changes.

One journalpost per document: the report, the investigation, each plan version, each
evaluation and, once the case is closed, the closing note. The key says what was already
archived, so a case archived while open («Arkiver nå») sends only what was added since when
it closes. The plan versions and the evaluations never change once saved; the investigation
can be updated, and a new state of it is a new document (its key holds the time it was saved).
Nothing here draws a PDF or loads fpdf.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.case import Case
from bot.domain.followup import Outcome


class Kind(StrEnum):
    MELDING = "melding"
    UNDERSOKELSE = "undersokelse"
    PLAN = "plan"
    EVALUERING = "evaluering"
    AVSLUTNING = "avslutning"


# At the same moment an evaluation comes before the plan version it led to, and the closing
# evaluation before the closing note.
_ORDER = {
    Kind.MELDING: 0,
    Kind.UNDERSOKELSE: 1,
    Kind.EVALUERING: 2,
    Kind.PLAN: 3,
    Kind.AVSLUTNING: 4,
}


@dataclass(frozen=True)
class CaseDocument:
    key: str
    """Stable and ASCII: «melding», «undersokelse-20261201T090000Z», «plan-2», «evaluering-1»,
    «avslutning». Also the document's file name in the package."""
    kind: Kind
    title: str
    """Without the pupil's name: «Aktivitetsplan versjon 2»."""
    at: datetime
    author_id: str | None
    number: int = 0
    """The plan version, or the evaluation's place among the case's evaluations (from 1)."""

    @property
    def file(self) -> str:
        return f"{self.key}.pdf"


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y")


def case_documents(case: Case, zone: ZoneInfo) -> tuple[CaseDocument, ...]:
    """Every document of the case as it stands, oldest first."""
    found = [
        CaseDocument(
            "melding",
            Kind.MELDING,
            "Melding om skolemiljø (delplikt 3)",
            case.created_at,
            case.reporter_id,
        )
    ]
    investigation = case.investigation
    if investigation is not None:
        stamp = investigation.updated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        found.append(
            CaseDocument(
                f"undersokelse-{stamp}",
                Kind.UNDERSOKELSE,
                f"Undersøkelse (delplikt 4) per {_day(investigation.updated_at, zone)}",
                investigation.updated_at,
                investigation.updated_by,
            )
        )
    found += [
        CaseDocument(
            f"plan-{plan.version}",
            Kind.PLAN,
            f"Aktivitetsplan versjon {plan.version}",
            plan.created_at,
            plan.created_by,
            plan.version,
        )
        for plan in case.plans
    ]
    found += [
        CaseDocument(
            f"evaluering-{number}",
            Kind.EVALUERING,
            f"Evaluering av aktivitetsplan versjon {evaluation.plan_version}, "
            f"{_day(evaluation.at, zone)}",
            evaluation.at,
            evaluation.by,
            number,
        )
        for number, evaluation in enumerate(case.evaluations, start=1)
    ]
    if case.closed_at is not None:
        closer = next(
            (e.by for e in reversed(case.evaluations) if e.outcome is Outcome.CLOSE), None
        )
        closing = "Avslutning av saken"
        found.append(CaseDocument("avslutning", Kind.AVSLUTNING, closing, case.closed_at, closer))
    return tuple(sorted(found, key=lambda d: (d.at, _ORDER[d.kind])))


def unsent(case: Case, zone: ZoneInfo, already_sent: Collection[str]) -> tuple[CaseDocument, ...]:
    """What the archive has not received yet (`already_sent`: keys of received documents)."""
    return tuple(d for d in case_documents(case, zone) if d.key not in already_sent)
