"""Report values as a card would submit them, and the case such a report opens."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.case import Case, CaseEvent
from bot.domain.report import Report, parse_report
from bot.domain.routing import route
from bot.domain.school import ConfiguredDirectory, School
from tests.conftest import T0, TEACHER_9


def form_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "pupil_name": "Ola Nordmann",
        "pupil_class": "9B",
        "category": "utenforskap",
        "signs": "kvier_seg,relasjoner",
        "description": "Ola satt alene i friminuttet tre dager på rad og ble holdt utenfor.",
        "place": "Skolegården, storefri",
        "occurred_on": "2026-11-25",
        "source": "egen_observasjon",
        "intervened": "ja",
        "intervention": "Snakket med gruppen og tok Ola med i fotballen.",
        "pupil_informed": "ja",
        "staff_suspected": "false",
        "leadership_suspected": "false",
        "serious": "false",
    }
    values.update(overrides)
    return values


def report(**overrides: Any) -> Report:
    parsed = parse_report(form_values(**overrides), date(2026, 11, 26))
    assert isinstance(parsed, Report), parsed
    return parsed


def reported_case(
    school: School,
    r: Report | None = None,
    *,
    reporter: str = TEACHER_9,
    case_id: str = "c" * 32,
    number: int = 1,
    submission_id: str = "d" * 32,
) -> tuple[Case, list[CaseEvent]]:
    """The case `reporter` (Lise of 9. trinn unless named) opens at T0 with `r` (the sample
    report unless given), routed as the school's configuration says, and its first events."""
    staff = ConfiguredDirectory(school)
    person = staff.person(reporter)
    assert person is not None
    r = r or report()
    return Case.open(
        case_id=case_id,
        number=number,
        submission_id=submission_id,
        reporter_id=reporter,
        report=r,
        routing=route(r, person, staff),
        now=T0,
    )
