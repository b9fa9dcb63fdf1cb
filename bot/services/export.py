"""The case's documentation as a PDF (plan 8.5: archived in Vigilo/Websak)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.case import Case, CaseEvent
from bot.export.pdf import case_pdf
from bot.services.context import Services
from bot.services.people import display_name


def render_case_pdf(
    svc: Services, case: Case, events: Sequence[CaseEvent], *, redacted: bool, by: str
) -> bytes:
    def name_of(person_id: str) -> str:
        return display_name(svc.directory, person_id)

    school = svc.school
    return case_pdf(
        case,
        events=events,
        name_of=name_of,
        school_name=school.name,
        plan_name=school.plan_name,
        generated_at=svc.clock.now(),
        generated_by=by,
        redacted=redacted,
        zone=school.calendar.zone,
    )


def render_pack(svc: Services, case: Case, events: Sequence[CaseEvent]) -> bytes:
    """The documentation pack: what the archive gets, and what Statsforvalteren asks for."""
    from bot.archive.build import documentation_pack
    from bot.services.archiving import archive_context

    return documentation_pack(case, events, archive_context(svc, svc.clock.now())).zip
