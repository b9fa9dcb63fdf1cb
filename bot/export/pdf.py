"""A case's documentation as one PDF, laid out like the aktivitetsplan kept in Vigilo/Websak.

The school's plan (8.3–8.7) says the report, the investigation, the plan and its evaluations
are documented in the pupil's aktivitetsplan, made from UDA's template and archived in
Vigilo/Websak. The bot holds the same facts in structured form; this module lays them out in
that order so a leader can archive one file instead of copying fields by hand, and so the
document shows the law's five required elements (§ 12-4) where an inspector looks for them.
The archive package (bot.archive) gives each part its own document, drawn by the same sections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.case import Case, CaseEvent
from bot.export import sections
from bot.export.layout import Document, Writer
from bot.export.redact import likely_names, redact

SECRECY = "Taushetsbelagt – unntatt offentlighet (offl. § 13, fvl. § 13)"
REDACTED_MARK = "Sladdet utgave (innsyn)"
LOST_NOTE = (
    "Merk: Noen tegn (for eksempel emoji eller kinesisk skrift) kan ikke vises i denne PDF-en "
    "og er erstattet med «?». Se saken i Trygg skole for originalteksten."
)


def generated_line(generated_at: datetime, generated_by: str, zone: ZoneInfo) -> str:
    return (
        f"Generert {generated_at.astimezone(zone).strftime('%d.%m.%Y kl. %H:%M')} av {generated_by}"
    )


def _involved(case: Case, events: Iterable[CaseEvent]) -> set[str]:
    """Everyone on the staff side of the case: their names stay in the redacted copy."""
    ids = {case.reporter_id, *case.members}
    ids.update(r.person_id for r in case.recipients)
    ids.update(i for i in (case.assignee_id, case.owner_notified_by) if i)
    if case.investigation is not None:
        ids.add(case.investigation.updated_by)
    for plan in case.plans:
        ids.add(plan.created_by)
        ids.update(plan.responsible_ids)
    ids.update(e.by for e in case.evaluations)
    for event in events:
        if event.actor_id:
            ids.add(event.actor_id)
    return ids


def _free_texts(case: Case) -> list[str]:
    report = case.report
    texts = [report.description, report.place, report.intervention]
    if case.investigation is not None:
        texts += [s.note for s in case.investigation.steps]
        texts += [case.investigation.findings, case.investigation.best_interest]
    for plan in case.plans:
        texts += [plan.problem, plan.pupil_view, plan.parents_view, plan.not_followed]
        texts += [m.description for m in plan.measures] + [m.when for m in plan.measures]
    texts += [e.note for e in case.evaluations]
    return texts


def _redactor(
    case: Case, events: Sequence[CaseEvent], name_of: Callable[[str], str]
) -> Callable[[str], str]:
    keep = [case.report.pupil_name] + [name_of(i) for i in sorted(_involved(case, events))]
    known: set[str] = set()
    for text in _free_texts(case):
        known |= likely_names(text, keep=keep)
    frozen = frozenset(known)
    return lambda text: redact(text, keep=keep, known=frozen)


def case_pdf(
    case: Case,
    *,
    events: Sequence[CaseEvent],
    name_of: Callable[[str], str],
    school_name: str,
    plan_name: str,
    generated_at: datetime,
    generated_by: str,
    redacted: bool,
    zone: ZoneInfo,
) -> bytes:
    """The case as an aktivitetsplan, ready to archive in Vigilo/Websak.

    `name_of` turns a staff id into a display name; `generated_by` is the display name of the
    person exporting. With `redacted`, names of other pupils in free text are replaced with
    «[navn]» for an access request; the pupil's own name and the staff of the case stay.
    """
    free: Callable[[str], str] = (
        _redactor(case, events, name_of) if redacted else (lambda text: text)
    )
    title = f"Aktivitetsplan – sak {case.reference}"
    reference = f"Sak {case.reference}" + (" – sladdet utgave" if redacted else "")
    pdf = Document(
        title=title,
        subject=SECRECY,
        author=school_name,
        created=generated_at,
        footer=(SECRECY, generated_line(generated_at, generated_by, zone), reference),
    )
    pdf.add_page()
    writer = Writer(pdf, zone=zone, name_of=name_of, free=free)

    writer.title(title, REDACTED_MARK if redacted else None)
    sections.front(writer, case, school_name, plan_name)
    if redacted:
        writer.note("Navn på andre elever er erstattet med «[navn]».")
    sections.report(writer, case)
    sections.investigation(writer, case)
    sections.plans(writer, case)
    sections.evaluations(writer, case)
    sections.log(writer, events)
    if pdf.lost:
        writer.note(LOST_NOTE)
    return pdf.render()
