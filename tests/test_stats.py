"""The figures: what each counts, measured against the school's own routines, suppressed when
shared, and the same after the purge emptied the cases."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import build_services
from bot.domain.followup import Outcome
from bot.domain.school import ConfiguredDirectory, School
from bot.services.context import Services
from bot.services.ports import ArchiveEntry, ArchiveStatus, CaseFacts, EvaluationFact, PlanFact
from bot.services.reporting import submit_report
from bot.services.retention import FINAL, purge
from bot.services.stats import (
    Period,
    SchoolFacts,
    compute,
    figures,
    measure,
    report,
    school_year,
    suppress,
)
from storage.migrate import upgrade
from tests.cards.samples import evaluation, plan
from tests.conftest import BACKENDS, LEADER_9, OSLO, T0, TEACHER_9, unmigrated_engine
from tests.fakes import FakeClock, FakeStore, FakeUnitOfWork
from tests.keys import TEST_KEYRING
from tests.samples import report as sample_report

YEAR = Period(date(2026, 8, 1), date(2027, 7, 31))
LATER = T0 + timedelta(days=60)


def fact(reported: datetime = T0, **changes: Any) -> CaseFacts:
    base = CaseFacts(
        case_id=uuid.uuid4().hex, reported_at=reported, category="utenforskap",
        state="melde_fra", section_12_5=False, leadership=False, serious=False, routed=True,
        acknowledged_at=None, rektor_acknowledged_at=None, investigation_started_at=None,
        closed_at=None,
    )
    return replace(base, **changes)


def of(school: School, facts: list[CaseFacts], now: datetime = LATER) -> dict[str, Any]:
    return figures([measure(f, school, now) for f in facts], YEAR)


def test_reports_are_counted_by_category_and_by_month(school: School) -> None:
    got = of(school, [
        fact(T0), fact(T0, category="vold"),
        fact(datetime(2026, 8, 31, 23, 30, tzinfo=OSLO), category="vold"),
    ])["reports"]
    assert got["total"] == 3
    assert got["by_category"]["vold"] == 2 and got["by_category"]["utenforskap"] == 1
    assert got["by_category"]["digitalt"] == 0  # every category is shown, also with none
    assert list(got["by_month"])[:4] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert len(got["by_month"]) == 12
    # 23:30 in Oslo on 31 August is August's, though it is 1 September nowhere yet in UTC.
    assert got["by_month"]["2026-08"] == 1 and got["by_month"]["2026-11"] == 2


def test_acknowledgement_is_measured_in_the_schools_hours(school: School) -> None:
    """Reported Thursday 10:00; two school hours run to 12:00."""
    got = of(school, [
        fact(acknowledged_at=T0 + timedelta(hours=1)),
        fact(acknowledged_at=T0 + timedelta(hours=24)),
        fact(),  # never acknowledged, long overdue: late
        fact(routed=False, leadership=True, state="skoleeier"),  # nobody at school received it
    ])["acknowledgement"]
    assert got == {"total": 3, "acknowledged": 2, "median_hours": 12.5,
                   "within_escalation": 1, "within_escalation_share": 0.333}
    # A report made at 15:30 on Friday is within its two hours until 09:30 on Monday.
    friday = datetime(2026, 11, 27, 15, 30, tzinfo=OSLO)
    monday = datetime(2026, 11, 30, 9, 15, tzinfo=OSLO)
    waiting = of(school, [fact(friday)], now=monday)["acknowledgement"]
    assert waiting["total"] == 0  # not due yet, so neither late nor in time
    weekend = of(school, [fact(friday, acknowledged_at=monday)], now=monday)["acknowledgement"]
    assert weekend["within_escalation"] == 1


def test_investigations_started_within_the_configured_school_days(school: School) -> None:
    friday = datetime(2026, 11, 27, 12, 0, tzinfo=OSLO)
    got = of(school, [
        fact(friday, investigation_started_at=datetime(2026, 12, 1, 11, 0, tzinfo=OSLO)),
        fact(friday, investigation_started_at=datetime(2026, 12, 1, 13, 0, tzinfo=OSLO)),
        fact(friday),  # never started
    ])["investigation"]
    # Two school days after Friday noon is Tuesday noon (the weekend does not count).
    assert got == {"total": 3, "within": 1, "within_share": 0.333}
    recent = of(school, [fact(friday)], now=datetime(2026, 11, 30, 8, tzinfo=OSLO))
    assert recent["investigation"]["total"] == 0


def test_school_days_from_report_to_plan(school: School) -> None:
    def saved(day: date) -> tuple[PlanFact, ...]:
        return (PlanFact(1, datetime.combine(day, T0.timetz()), date(2027, 1, 20)),)

    got = of(school, [
        fact(plans=saved(date(2026, 12, 1))),   # 3 school days after Thursday 26.11
        fact(plans=saved(date(2026, 12, 7))),   # 7
        fact(plans=saved(date(2026, 12, 14))),  # 12
        fact(),  # no plan
    ])["plans"]
    assert got == {"total": 3, "median_school_days": 7.0, "within_5": 1, "within_10": 2,
                   "within_5_share": 0.333, "within_10_share": 0.667}


def test_plans_evaluated_on_or_before_their_date(school: School) -> None:
    due = date(2027, 1, 11)  # a Monday
    one = (PlanFact(1, T0, due),)

    def on(day: date, version: int = 1, outcome: Outcome = Outcome.CONTINUE) -> EvaluationFact:
        return EvaluationFact(version, datetime.combine(day, T0.timetz()), outcome.value)

    now = datetime(2027, 1, 20, 12, tzinfo=OSLO)
    got = of(school, [
        fact(plans=one, evaluations=(on(due),)),
        fact(plans=one, evaluations=(on(date(2027, 1, 14)),)),  # 3 school days late
        fact(plans=one),  # not evaluated: 7 school days late on the 20th
        fact(plans=(PlanFact(1, T0, date(2027, 2, 1)),)),  # not due yet: not counted
        # v1 replaced by v2 before anyone evaluated it: only v2's date counts.
        fact(plans=(PlanFact(1, T0, date(2027, 1, 4)), PlanFact(2, T0, due)),
             evaluations=(on(due, 2, Outcome.CLOSE),), closed_at=T0, state="avsluttet"),
    ], now=now)
    assert got["evaluations"] == {"total": 4, "on_time": 2, "on_time_share": 0.5, "late": 2,
                                  "median_days_overdue": 5.0}
    assert got["closed"] == {"total": 1}


def test_section_12_5_leadership_serious_and_open_cases(school: School) -> None:
    got = of(school, [
        fact(section_12_5=True, rektor_acknowledged_at=T0 + timedelta(minutes=30),
             acknowledged_at=T0 + timedelta(minutes=30), state="undersoke"),
        fact(section_12_5=True, serious=True, state="tiltak"),
        fact(leadership=True, routed=False, state="skoleeier"),
        fact(serious=True, state="avsluttet", closed_at=T0),
    ])
    assert got["section_12_5"] == {"total": 2, "to_rektor": 1, "median_hours_to_rektor": 0.5}
    assert got["leadership"] == {"total": 1}
    assert got["serious"] == {"total": 2}
    assert got["open"] == {"total": 2,
                           "by_state": {"melde_fra": 0, "undersoke": 1, "tiltak": 1}}


def test_shared_counts_under_five_are_suppressed_and_their_shares_left_out(
    school: School,
) -> None:
    quick = [fact(acknowledged_at=T0 + timedelta(minutes=10)) for _ in range(6)]
    slow = [fact(acknowledged_at=T0 + timedelta(days=2), category="vold") for _ in range(2)]
    exact = of(school, quick + slow)
    shared = suppress(exact)
    assert exact["reports"]["total"] == 8 and shared["reports"]["total"] == 8
    assert shared["reports"]["by_category"]["vold"] == "<5"
    assert shared["reports"]["by_category"]["utenforskap"] == 6
    assert shared["reports"]["by_category"]["digitalt"] == "<5"  # 0 is under 5 too
    assert shared["acknowledgement"] == {
        "total": 8, "acknowledged": 8, "median_hours": 0.2, "within_escalation": 6,
        "within_escalation_share": 0.75,
    }
    assert shared["section_12_5"] == {"total": "<5", "to_rektor": "<5"}  # no median of none
    assert shared["leadership"] == {"total": "<5"}
    # Two of eight late: the share would tell the two, so it goes with the count.
    few = suppress(of(school, quick[:4] + slow))["acknowledgement"]
    assert few == {"total": 6, "acknowledged": 6, "median_hours": 0.2,
                   "within_escalation": "<5"}
    assert exact["acknowledgement"]["within_escalation"] == 6  # the exact figures stay


def test_each_school_is_measured_by_its_own_routines_and_the_total_adds_them(
    school: School,
) -> None:
    patient = replace(school, id="beta", name="Beta skole", escalation_hours=4.0)
    three_hours = fact(acknowledged_at=T0 + timedelta(hours=3))
    result = report(
        [SchoolFacts(school, [three_hours, fact(category="vold")], LATER),
         SchoolFacts(patient, [three_hours], LATER)],
        YEAR, shared=False,
    )
    alfa, beta = result["schools"]
    assert (alfa["school"], alfa["name"]) == (school.id, school.name)
    assert alfa["acknowledgement"]["within_escalation"] == 0
    assert beta["acknowledgement"]["within_escalation"] == 1
    total = result["total"]
    assert total["reports"]["total"] == 3
    assert total["acknowledgement"]["within_escalation"] == 1
    assert total["acknowledgement"]["total"] == 3
    assert result["period"] == {"from": "2026-08-01", "to": "2027-07-31"}
    assert report([SchoolFacts(school, [three_hours], LATER)], YEAR,
                  shared=True)["total"]["reports"]["total"] == "<5"


def test_the_school_year_runs_from_august_to_july() -> None:
    assert school_year(date(2026, 12, 1)) == YEAR
    assert school_year(date(2027, 7, 31)) == YEAR
    assert school_year(date(2026, 8, 1)) == YEAR
    assert school_year(date(2026, 7, 31)) == Period(date(2025, 8, 1), date(2026, 7, 31))
    assert len(Period(date(2026, 8, 15), date(2027, 6, 20)).months()) == 11


async def _worked_case(svc: Services) -> str:
    """A case reported, taken, investigated, planned, evaluated and closed."""
    teacher = svc.directory.person(TEACHER_9)
    assert teacher is not None
    case = (await submit_report(svc, teacher, uuid.uuid4().hex,
                                sample_report(category="vold"))).case
    async with svc.uow() as uow:
        live = await uow.cases.get_for_update(case.id)
        assert live is not None
        events = live.take(LEADER_9, T0 + timedelta(minutes=20))
        events += live.start_investigation(LEADER_9, T0 + timedelta(days=1))
        events += live.save_plan(plan(1, evaluate_on=date(2026, 12, 14)), LEADER_9,
                                 T0 + timedelta(days=5))
        closed_at = datetime(2026, 12, 14, 9, tzinfo=OSLO)
        events += live.evaluate(evaluation(outcome=Outcome.CLOSE, next_evaluation_on=None,
                                           at=closed_at), LEADER_9, closed_at)
        await uow.cases.save(live)
        await uow.events.append(events)
        await uow.archive.add([ArchiveEntry(case.id, FINAL, 0, closed_at, closed_at, closed_at,
                                            status=ArchiveStatus.RECEIVED,
                                            delivered_at=closed_at)])
        await uow.commit()
    return case.id


@pytest.fixture(params=["fake", *BACKENDS])
async def svc(request: pytest.FixtureRequest, tmp_path: Path, school: School,
              clock: FakeClock) -> AsyncIterator[Services]:
    if request.param == "fake":
        store = FakeStore()
        yield Services(uow=lambda: FakeUnitOfWork(store), directory=ConfiguredDirectory(school),
                       clock=clock, school=school)
        return
    async with unmigrated_engine(request.param, tmp_path) as engine:
        await upgrade(engine)
        yield build_services(engine, TEST_KEYRING, school, clock)


async def test_the_figures_survive_the_purge(svc: Services, clock: FakeClock) -> None:
    case_id = await _worked_case(svc)
    teacher = svc.directory.person(TEACHER_9)
    assert teacher is not None
    await submit_report(svc, teacher, uuid.uuid4().hex, sample_report(staff_suspected="true"))
    clock.set(datetime(2027, 2, 1, 12, tzinfo=OSLO))
    before = await compute([svc], YEAR, shared=False)

    done = await purge(svc)

    assert [p.kind for p in done if p.reference] == ["sakens personopplysninger"]
    async with svc.uow() as uow:
        assert await uow.cases.get(case_id) is None  # the personal data is gone
    after = await compute([svc], YEAR, shared=False)
    assert after == before
    school = after["schools"][0]
    assert school["reports"]["total"] == 2
    assert school["reports"]["by_category"]["vold"] == 1
    assert school["closed"] == {"total": 1}
    assert school["plans"]["total"] == 1 and school["plans"]["median_school_days"] == 3.0
    assert school["evaluations"]["on_time"] == 1
    # The § 12-5 case was never started, and its two school days ran out long ago.
    assert school["investigation"] == {"total": 2, "within": 1, "within_share": 0.5}
    assert school["section_12_5"]["total"] == 1
    assert school["acknowledgement"]["acknowledged"] == 1
