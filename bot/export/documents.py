"""The case's documents one by one, as the archive journals them: each its own PDF/A file.

The archive package (bot.archive) decides which documents a case has and what they are called;
this module draws each with the same sections as the full case document, under a head that
says which school, case and pupil it belongs to, when it was written and by whom.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.case import Case, CaseEvent
from bot.export import sections
from bot.export.layout import Document, Writer
from bot.export.pdf import LOST_NOTE, SECRECY, generated_line


@dataclass(frozen=True)
class Letterhead:
    """Where every document comes from: the school, whose names, made when and by whom."""

    school_name: str
    name_of: Callable[[str], str]
    """A staff id to the person's display name."""
    generated_at: datetime
    zone: ZoneInfo
    generated_by: str = "Trygg skole"
    """Who made the file: the person who exported it, or the bot itself."""


def _document(
    case: Case, head: Letterhead, title: str, *, at: datetime, author_id: str | None
) -> tuple[Document, Writer]:
    pdf = Document(
        title=f"{title} – sak {case.reference}",
        subject=SECRECY,
        author=head.school_name,
        created=head.generated_at,
        footer=(
            SECRECY,
            generated_line(head.generated_at, head.generated_by, head.zone),
            f"Sak {case.reference}",
        ),
    )
    pdf.add_page()
    writer = Writer(pdf, zone=head.zone, name_of=head.name_of)
    writer.title(title)
    sections.facts(writer, case, head.school_name, at=at, author_id=author_id)
    return pdf, writer


def _done(pdf: Document, writer: Writer) -> bytes:
    if pdf.lost:
        writer.note(LOST_NOTE)
    return pdf.render()


def report_pdf(case: Case, head: Letterhead, *, title: str) -> bytes:
    pdf, writer = _document(case, head, title, at=case.created_at, author_id=case.reporter_id)
    sections.report(writer, case, heading=None)
    return _done(pdf, writer)


def investigation_pdf(case: Case, head: Letterhead, *, title: str) -> bytes:
    found = case.investigation
    if found is None:
        raise ValueError("the case has no investigation")
    pdf, writer = _document(case, head, title, at=found.updated_at, author_id=found.updated_by)
    sections.investigation(writer, case, heading=None)
    return _done(pdf, writer)


def plan_pdf(case: Case, version: int, head: Letterhead, *, title: str) -> bytes:
    plan = next(p for p in case.plans if p.version == version)
    pdf, writer = _document(case, head, title, at=plan.created_at, author_id=plan.created_by)
    sections.plan(writer, case, plan, marked=False)
    return _done(pdf, writer)


def evaluation_pdf(case: Case, number: int, head: Letterhead, *, title: str) -> bytes:
    """`number` counts the case's evaluations from 1, oldest first."""
    evaluation = case.evaluations[number - 1]
    pdf, writer = _document(case, head, title, at=evaluation.at, author_id=evaluation.by)
    sections.evaluation(writer, evaluation)
    return _done(pdf, writer)


def overview_pdf(
    case: Case,
    events: Sequence[CaseEvent],
    head: Letterhead,
    *,
    title: str,
    at: datetime,
    author_id: str | None,
    documents: Sequence[tuple[str, str, str]],
) -> bytes:
    """Every sub-duty with dates and who did it, the pupil's voice, the documents and the
    audit trail: what Statsforvalteren asks for (§ 12-6), and the closing note of a case."""
    pdf, writer = _document(case, head, title, at=at, author_id=author_id)
    sections.duties(writer, case, events)
    sections.pupil_voice(writer, case)
    sections.documents(writer, documents, number="3")
    sections.log(writer, events, number="4")
    return _done(pdf, writer)
