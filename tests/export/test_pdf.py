"""The case exported as an aktivitetsplan PDF, read back the way an archivist's tools read it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
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
from bot.domain.routing import route
from bot.domain.school import ConfiguredDirectory, School, SchoolOwner
from bot.domain.time import SchoolCalendar
from bot.export.pdf import case_pdf, printable
from tests.samples import report

OSLO = ZoneInfo("Europe/Oslo")
T0 = datetime(2026, 11, 26, 10, 0, tzinfo=OSLO)
REKTOR = "id-rektor"
LEADER = "id-leder"
TEACHER = "id-laerer"
MILJO = "id-miljo"

DESCRIPTION = (
    "Kari dyttet Ola i gangen etter storefri. Ola sa at Bjørnar lo av ham. "
    "Berit Solberg snakket med dem etterpå."
)


@pytest.fixture
def school() -> School:
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


def _names(school: School) -> Callable[[str], str]:
    names = {p.aad_object_id: p.name for p in school.staff}
    return lambda person_id: names.get(person_id, "Ukjent ansatt")


def _open(school: School, r: Report) -> tuple[Case, list[CaseEvent]]:
    directory = ConfiguredDirectory(school)
    reporter = directory.person(TEACHER)
    assert reporter is not None
    return Case.open(
        case_id="c1",
        number=1,
        submission_id="s" * 32,
        reporter_id=TEACHER,
        report=r,
        routing=route(r, reporter, directory),
        now=T0,
    )


def _plan(version: int, at: datetime, problem: str, measure: str) -> ActivityPlan:
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


def _full_case(school: School) -> tuple[Case, list[CaseEvent]]:
    case, events = _open(
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
    events += case.save_plan(
        _plan(1, first, "Ola holdes utenfor i friminuttene.", "Voksen følger Ola i storefri"),
        LEADER,
        first,
    )
    adjusted = first + timedelta(weeks=3)
    events += case.evaluate(
        Evaluation(1, Outcome.ADJUST, "Tiltakene virket delvis.", adjusted, LEADER),
        LEADER,
        adjusted,
    )
    events += case.save_plan(
        _plan(2, adjusted, "Ola er fortsatt mye alene.", "Fast lekegruppe med Ola"),
        LEADER,
        adjusted,
    )
    later = adjusted + timedelta(weeks=3)
    events += case.evaluate(
        Evaluation(
            2,
            Outcome.CONTINUE,
            "Ola sier det går bedre.",
            later,
            TEACHER,
            later.date() + timedelta(weeks=3),
        ),
        TEACHER,
        later,
    )
    return case, events


def _export(school: School, case: Case, events: list[CaseEvent], *, redacted: bool) -> bytes:
    return case_pdf(
        case,
        events=events,
        name_of=_names(school),
        school_name=school.name,
        plan_name="Skolemiljøplanen",
        generated_at=T0 + timedelta(days=60),
        generated_by="Berit Solberg",
        redacted=redacted,
        zone=OSLO,
    )


def _text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _word(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def test_the_pdf_is_laid_out_as_an_aktivitetsplan(school: School) -> None:
    case, events = _full_case(school)
    data = _export(school, case, events, redacted=False)
    assert data.startswith(b"%PDF")
    text = _text(data)
    for heading in (
        "Aktivitetsplan – sak 2026-0001",
        "1 Melding (delplikt 3 – melde fra)",
        "2 Undersøkelse (delplikt 4)",
        "3 Aktivitetsplan (delplikt 5)",
        "4 Evalueringer",
        "5 Logg (revisjonsspor)",
    ):
        assert heading in text
    assert "Ellingsrud skole" in text and "Ola Nordmann" in text and "9B" in text
    assert "Meldt 26.11.2026 kl. 10:00 av Lise Dahl" in text
    assert "Ola satt" not in text and DESCRIPTION in text
    assert "Rita Haugen Rektor 26.11.2026 kl. 10:05" in text  # told, and when acknowledged


def test_the_report_investigation_and_five_elements_are_shown(school: School) -> None:
    case, events = _full_case(school)
    text = _text(_export(school, case, events, redacted=False))
    assert "Krenkelser" not in text and "Utestenging eller utenforskap" in text
    assert "Kvier seg for å gå på skolen" in text
    assert "Samtale med eleven (dialogisk) 27.11.2026 Ola forteller" in text
    assert "Ola er mye alene i friminuttene." in text
    assert "Barnets beste-vurdering" in text and "tett oppfølging" in text
    # The law's five elements, for the current version.
    assert "Problemet tiltakene skal løse Ola er fortsatt mye alene." in text
    assert "Nivå Tiltak Når Ansvarlig" in text
    assert "Individnivå Fast lekegruppe med Ola Hver mandag kl. 08.30 Lise Dahl" in text
    assert "Klassenivå Klassemøte om inkludering Uke 49 Berit Solberg" in text
    assert "Evalueres 13.01.2027" in text
    assert "Elevens syn" in text and "Foresattes syn" in text
    assert "Forslag som ikke er fulgt" in text and "Bytte klasse" in text


def test_every_plan_version_is_kept_newest_first(school: School) -> None:
    case, events = _full_case(school)
    text = _text(_export(school, case, events, redacted=False))
    second = text.index("Versjon 2, laget 23.12.2026 av Berit Solberg (gjeldende)")
    first = text.index("Versjon 1, laget 02.12.2026 av Berit Solberg (erstattet av versjon 2)")
    assert second < first
    assert "Voksen følger Ola i storefri" in text and "Fast lekegruppe med Ola" in text


def test_evaluations_and_the_audit_trail_are_listed(school: School) -> None:
    case, events = _full_case(school)
    text = _text(_export(school, case, events, redacted=False))
    assert "Justere planen (ny versjon)" in text and "Tiltakene virket delvis." in text
    assert "Videreføre tiltakene" in text and "Ola sier det går bedre." in text
    assert "Neste evaluering 03.02.2027" in text
    assert "Evaluert av Lise Dahl" in text
    for line in (
        "26.11.2026 kl. 10:00 Melding sendt Lise Dahl",
        "Melding fordelt Trygg skole (automatisk) til: Rita Haugen, Berit Solberg",
        "26.11.2026 kl. 10:05 Bekreftet mottatt Rita Haugen",
        "Tok saken Berit Solberg",
        "Fra «Meldt fra» til «Undersøkes»",
        "Aktivitetsplan lagret Berit Solberg versjon 2",
        "Tiltak evaluert Lise Dahl versjon 2; videreføre tiltakene",
    ):
        assert line in text


def test_every_page_has_the_footer(school: School) -> None:
    case, events = _full_case(school)
    reader = PdfReader(BytesIO(_export(school, case, events, redacted=False)))
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join((page.extract_text() or "").split())
        assert f"Side {number} av {pages}" in text
        assert "Generert 25.01.2027 kl. 10:00 av Berit Solberg" in text
        assert "Taushetsbelagt – unntatt offentlighet (offl. § 13, fvl. § 13)" in text


def test_the_redacted_copy_leaves_out_other_pupils(school: School) -> None:
    case, events = _full_case(school)
    full = _text(_export(school, case, events, redacted=False))
    assert _word("Kari", full) and _word("Bjørnar", full) and _word("Sigurd", full)

    text = _text(_export(school, case, events, redacted=True))
    assert "Sladdet utgave (innsyn)" in text
    assert not _word("Kari", text)
    assert not _word("Bjørnar", text)
    assert not _word("Sigurd", text)
    assert "[navn] dyttet Ola i gangen" in text
    assert "Ola Nordmann" in text and "Olas beste" in text
    assert "Berit Solberg snakket med dem" in text
    assert "Lise Dahl skilte dem og snakket med [navn]." in text
    assert "Sak 2026-0001 – sladdet utgave" in text


def test_text_outside_latin_1_does_not_stop_the_export(school: School) -> None:
    case, events = _open(
        school,
        report(
            pupil_name="Michał Nordmann",
            description="Han skrev 😢👍🏽 og \U0001f468\u200d\U0001f469\u200d\U0001f467"
            " – «محمد» 你好 — “sitat” ’ … • Şule\u200b.",
        ),
    )
    for redacted in (False, True):
        data = _export(school, case, events, redacted=redacted)
        assert data.startswith(b"%PDF")
        text = _text(data)
        assert "Michal Nordmann" in text
        assert "– «?» ? — “sitat” ’ … • Sule." in text
        assert "erstattet med «?»" in text


def test_a_fresh_case_exports_without_investigation_or_plan(school: School) -> None:
    case, events = _open(school, report())
    text = _text(_export(school, case, events, redacted=True))
    assert "Ingen undersøkelse er dokumentert ennå." in text
    assert "Ingen aktivitetsplan er laget ennå." in text
    assert "Ingen evalueringer er gjort ennå." in text
    assert "Ikke bekreftet" in text


def test_a_case_about_the_leadership_exports(school: School) -> None:
    case, events = _open(school, report(leadership_suspected="true"))
    text = _text(_export(school, case, events, redacted=False))
    assert "Sendt til skoleeier" in text and "kontakter skoleeier direkte" in text


def test_text_too_long_for_a_table_row_still_exports(school: School) -> None:
    case, events = _full_case(school)
    long_measure = Measure(Level.SCHOOL, "Langt tiltak " * 900, "Hele året", LEADER)
    plan = _plan(3, T0 + timedelta(days=90), "Lang plan", "kort")
    case.plans.append(
        ActivityPlan(
            3, plan.problem, (long_measure,), plan.evaluate_on, "", "", "", plan.created_at, LEADER
        )
    )
    text = _text(_export(school, case, events, redacted=False))
    assert "Langt tiltak Langt tiltak" in text and "Hele året" in text
    assert "Ikke fylt ut." in text


def test_printable_keeps_norwegian_and_replaces_the_rest() -> None:
    assert printable("Blåbærsyltetøy – «ÆØÅ» “x” …") == ("Blåbærsyltetøy – «ÆØÅ» “x” …", False)
    assert printable("a\u200bb\u00adc\r\nd\te") == ("abc\nd e", False)
    assert printable("e\u0301") == ("é", False)
    assert printable("ﬁ ≤ →") == ("fi <= ->", False)
    assert printable("Hei 😀😀 محمد!") == ("Hei ? ?!", True)
