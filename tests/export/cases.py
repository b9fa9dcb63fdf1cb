"""A sample school and a case run from report to evaluation, for the export and archive tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from io import BytesIO

from pypdf import PdfReader

from bot.domain.case import Case, CaseEvent
from bot.domain.followup import (
    ActivityPlan,
    Evaluation,
    Investigation,
    InvestigationStep,
    Level,
    Measure,
    Method,
    Outcome,
)
from bot.domain.people import Person, Role
from bot.domain.report import Report
from bot.domain.school import School, SchoolOwner
from bot.domain.time import SchoolCalendar
from bot.export.pdf import case_pdf
from tests.conftest import OSLO, T0
from tests.samples import report, reported_case

REKTOR = "id-rektor"
LEADER = "id-leder"
TEACHER = "id-laerer"
MILJO = "id-miljo"

DESCRIPTION = (
    "Kari dyttet Ola i gangen etter storefri. Ola sa at Bjørnar lo av ham. "
    "Berit Solberg snakket med dem etterpå."
)


def sample_school() -> School:
    staff = (
        Person(REKTOR, "Rita Haugen", frozenset({Role.REKTOR})),
        Person(LEADER, "Berit Solberg", frozenset({Role.LEDER}), team="9. trinn"),
        Person(TEACHER, "Lise Dahl", frozenset({Role.ANSATT}), team="9. trinn"),
        Person(MILJO, "Mona Strand", frozenset({Role.MILJOTEAM})),
    )
    return School(
        name="Ellingsrud skole",
        owner=SchoolOwner("Utdanningsetaten (UDA)", "23 05 10 09"),
        staff=staff,
        calendar=SchoolCalendar(OSLO),
    )


def names(school: School) -> Callable[[str], str]:
    names = {p.aad_object_id: p.name for p in school.staff}
    return lambda person_id: names.get(person_id, "Ukjent ansatt")


def open_case(school: School, r: Report) -> tuple[Case, list[CaseEvent]]:
    return reported_case(school, r, reporter=TEACHER, case_id="c1", submission_id="s" * 32)


def plan(version: int, at: datetime, problem: str, measure: str) -> ActivityPlan:
    return ActivityPlan(
        version=version,
        problem=problem,
        measures=(
            Measure(Level.INDIVIDUAL, measure, "Hver mandag kl. 08.30", TEACHER),
            Measure(Level.CLASS, "Klassemøte om inkludering", "Uke 49", LEADER),
        ),
        evaluate_on=at.date() + timedelta(weeks=3),
        pupil_view="Ola ønsker å være med Sigurd i friminuttene.",
        parents_view="Foresatte vil ha ukentlig kontakt.",
        not_followed="Bytte klasse: ikke fulgt, tiltak i klassen prøves først.",
        created_at=at,
        created_by=LEADER,
    )


def full_case(school: School) -> tuple[Case, list[CaseEvent]]:
    case, events = open_case(
        school,
        report(
            description=DESCRIPTION,
            intervention="Lise Dahl skilte dem og snakket med Kari.",
        ),
    )
    t = T0 + timedelta(minutes=5)
    events += case.acknowledge(REKTOR, t)
    events += case.take(LEADER, t + timedelta(minutes=1))
    investigation = Investigation(
        steps=(
            InvestigationStep(
                Method.PUPIL_TALK, date(2026, 11, 27), "Ola forteller at Sigurd og Kari ler av ham."
            ),
            InvestigationStep(
                Method.OBSERVATION, date(2026, 11, 30), "Miljøteamet observerte storefri to dager."
            ),
        ),
        findings="Ola er mye alene i friminuttene.",
        best_interest="Det er til Olas beste å bli i klassen med tett oppfølging.",
        completed=True,
        updated_at=T0 + timedelta(days=5),
        updated_by=LEADER,
    )
    events += case.record_investigation(investigation, LEADER, T0 + timedelta(days=5))
    first = T0 + timedelta(days=6)
    adjusted = first + timedelta(weeks=3)
    later = adjusted + timedelta(weeks=3)
    # Berit saves each plan version; three weeks later it is evaluated (adjusted, then continued).
    for saved, problem, measure, evaluation in (
        (first, "Ola holdes utenfor i friminuttene.", "Voksen følger Ola i storefri",
         Evaluation(1, Outcome.ADJUST, "Tiltakene virket delvis.", adjusted, LEADER)),
        (adjusted, "Ola er fortsatt mye alene.", "Fast lekegruppe med Ola",
         Evaluation(2, Outcome.CONTINUE, "Ola sier det går bedre.", later, TEACHER,
                    later.date() + timedelta(weeks=3))),
    ):
        events += case.save_plan(plan(evaluation.plan_version, saved, problem, measure), LEADER,
                                 saved)
        events += case.evaluate(evaluation, evaluation.by, evaluation.at)
    return case, events


def export(school: School, case: Case, events: list[CaseEvent], *, redacted: bool) -> bytes:
    return case_pdf(
        case,
        events=events,
        name_of=names(school),
        school_name=school.name,
        plan_name="Skolemiljøplanen",
        generated_at=T0 + timedelta(days=60),
        generated_by="Berit Solberg",
        redacted=redacted,
        zone=OSLO,
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
