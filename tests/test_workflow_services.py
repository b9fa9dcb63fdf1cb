"""Issue 14 through the use cases with fakes and a fixed clock: § 12-5's own clock, the plan
deadline's reminders, substitutes while someone is away."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from bot.config import ConfigError, parse_school
from bot.domain.case import Case, EventKind
from bot.domain.reminders import ReminderKind
from bot.domain.routing import Reason
from bot.domain.school import ConfiguredDirectory, School
from bot.domain.substitutes import Substitution
from bot.services.context import Services
from bot.services.reminders import run_due_reminders
from bot.services.reporting import act_on_case, escalate_unacknowledged, submit_report
from bot.services.substitutes import acts_for_rektor, current_and_coming, set_substitute
from tests.conftest import DEPUTY, LEADER_9, MILJO, OSLO, REKTOR, T0, TEACHER_8, TEACHER_9
from tests.fakes import FakeClock, FakeStore, FakeUnitOfWork
from tests.samples import report
from tests.usecases import outbox_of, staff

AWAY = Substitution(REKTOR, MILJO, date(2026, 11, 23), date(2026, 12, 4), None, "config-1")
"""Rektor away Monday 23.11 to Friday 4.12; the miljøteam's Mia stands in."""


def _services(school: School, clock: FakeClock, *subs: Substitution) -> Services:
    chosen = replace(school, substitutes=subs)
    store = FakeStore()
    return Services(
        uow=lambda: FakeUnitOfWork(store),
        directory=ConfiguredDirectory(chosen),
        clock=clock,
        school=chosen,
    )


async def _case(svc: Services, case_id: str) -> Case:
    async with svc.uow() as uow:
        found = await uow.cases.get(case_id)
    assert found is not None
    return found


# --- § 12-5 -------------------------------------------------------------------------------------


async def test_12_5_case_escalates_after_one_school_hour(school: School) -> None:
    clock = FakeClock(T0)
    svc = _services(school, clock)
    urgent = (
        await submit_report(svc, staff(svc, TEACHER_9), "a" * 32, report(staff_suspected="true"))
    ).case
    ordinary = (await submit_report(svc, staff(svc, TEACHER_9), "b" * 32, report())).case
    clock.advance(minutes=59)
    assert await escalate_unacknowledged(svc) == 0
    clock.advance(minutes=1)
    assert await escalate_unacknowledged(svc) == 1  # the § 12-5 case only
    assert (await _case(svc, urgent.id)).escalated_at is not None
    assert (await _case(svc, ordinary.id)).escalated_at is None
    clock.advance(hours=1)
    assert await escalate_unacknowledged(svc) == 1  # the ordinary one after 2 school hours


# --- the plan deadline ----------------------------------------------------------------------------


async def test_plan_deadline_reminders_are_planned_when_the_investigation_starts(
    school: School,
) -> None:
    clock = FakeClock(T0)
    svc = _services(school, clock)
    case = (await submit_report(svc, staff(svc, TEACHER_9), "c" * 32, report())).case
    await act_on_case(svc, case.id, LEADER_9, Case.start_investigation)
    async with svc.uow() as uow:
        planned = {r.kind: r for r in await uow.reminders.for_case(case.id)}
    assert planned[ReminderKind.PLAN_LEADER].recipient_id == LEADER_9
    assert planned[ReminderKind.PLAN_LEADER].due_at == datetime(2026, 12, 3, 8, tzinfo=OSLO)
    assert planned[ReminderKind.PLAN_REKTOR].recipient_id == REKTOR
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=OSLO))
    # Sent: the plan deadline's; void: the two that asked for the investigation to start.
    assert await run_due_reminders(svc) == (1, 2)
    assert ("reminder", LEADER_9) in await outbox_of(svc, case.id)


# --- substitutes ------------------------------------------------------------------------------


async def test_substitute_in_the_period_gets_new_alerts_beside_the_absent_rektor(
    school: School,
) -> None:
    svc = _services(school, FakeClock(T0), AWAY)
    case = (await submit_report(svc, staff(svc, TEACHER_9), "d" * 32, report())).case
    assert sorted(await outbox_of(svc, case.id)) == sorted(
        [("alert", LEADER_9), ("alert", REKTOR), ("alert", MILJO)]
    )
    stored = await _case(svc, case.id)
    substitute = stored.recipient(MILJO)
    assert substitute is not None and substitute.reason is Reason.SUBSTITUTE
    assert stored.substitutes[MILJO] == (REKTOR, "23.11.2026–04.12.2026")
    async with svc.uow() as uow:
        kinds = [e.kind for e in await uow.events.for_case(case.id)]
    assert EventKind.SUBSTITUTE_ADDED in kinds


async def test_substitute_period_ends_by_itself(school: School) -> None:
    svc = _services(school, FakeClock(datetime(2026, 12, 7, 10, 0, tzinfo=OSLO)), AWAY)
    case = (await submit_report(svc, staff(svc, TEACHER_9), "e" * 32, report())).case
    assert ("alert", MILJO) not in await outbox_of(svc, case.id)
    assert (await _case(svc, case.id)).recipient(MILJO) is None
    assert not await acts_for_rektor(svc, MILJO, date(2026, 12, 7))
    assert await acts_for_rektor(svc, MILJO, date(2026, 12, 4))


async def test_substitute_gets_a_copy_of_the_absent_persons_reminders(school: School) -> None:
    clock = FakeClock(T0)
    leader_away = Substitution(LEADER_9, TEACHER_8, date(2026, 11, 30), date(2026, 11, 30))
    svc = _services(school, clock, leader_away)
    case = (await submit_report(svc, staff(svc, TEACHER_9), "f" * 32, report())).case
    assert (await _case(svc, case.id)).recipient(TEACHER_8) is None  # not away on 26.11
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=OSLO))  # the leader's reminder is due
    assert await run_due_reminders(svc) == (1, 0)
    sent = await outbox_of(svc, case.id)
    assert ("reminder", LEADER_9) in sent and ("reminder", TEACHER_8) in sent
    assert (await _case(svc, case.id)).recipient(TEACHER_8) is not None


async def test_substitute_gets_the_escalation_of_the_absent_rektor(school: School) -> None:
    clock = FakeClock(T0)
    svc = _services(school, clock)
    case = (await submit_report(svc, staff(svc, TEACHER_9), "g" * 32, report())).case
    away = replace(AWAY, substitute_id=TEACHER_8)
    svc = replace(svc, school=replace(svc.school, substitutes=(away,)))
    clock.advance(hours=2)
    assert await escalate_unacknowledged(svc) == 1
    sent = await outbox_of(svc, case.id)
    assert ("escalation", REKTOR) in sent and ("escalation", TEACHER_8) in sent


async def test_substitute_set_on_the_card_by_rektor_only_and_audited(school: School) -> None:
    svc = _services(school, FakeClock(T0))
    refused = await set_substitute(
        svc, staff(svc, LEADER_9), REKTOR, TEACHER_8, date(2026, 11, 30), date(2026, 12, 4)
    )
    assert refused == "Bare rektor kan sette vikar."
    backwards = await set_substitute(
        svc, staff(svc, REKTOR), LEADER_9, TEACHER_8, date(2026, 12, 4), date(2026, 11, 30)
    )
    assert backwards == "«Til» må være samme dag som eller etter «fra»."
    made = await set_substitute(
        svc, staff(svc, REKTOR), LEADER_9, TEACHER_8, date(2026, 11, 30), date(2026, 12, 4)
    )
    assert isinstance(made, Substitution) and made.set_by == REKTOR
    assert [s.substitute_id for s in await current_and_coming(svc, T0.date())] == [TEACHER_8]
    case = (await submit_report(svc, staff(svc, TEACHER_9), "h" * 32, report())).case
    assert (await _case(svc, case.id)).recipient(TEACHER_8) is None  # from 30.11 only
    async with svc.uow() as uow:
        audited = [e for e in await uow.events.for_case(None) if e.kind is EventKind.SUBSTITUTE_SET]
    assert audited and audited[0].detail["substitute"] == TEACHER_8


def _school_with(substitutes: list[dict[str, object]]) -> School:
    return parse_school(
        {
            "school": {"name": "Testskolen"},
            "school_owner": {"name": "Eier", "phone": "1"},
            "staff": [
                {"aad_object_id": REKTOR, "name": "Rektor", "roles": ["rektor"]},
                {"aad_object_id": DEPUTY, "name": "Leder", "roles": ["leder"]},
                {"aad_object_id": TEACHER_9, "name": "Lærer", "roles": ["ansatt"]},
            ],
            "substitutes": substitutes,
        }
    )


def test_substitutes_in_the_school_config() -> None:
    school = _school_with(
        [{"absent": REKTOR, "substitute": DEPUTY, "from": date(2026, 12, 1), "to": "2026-12-11"}]
    )
    [sub] = school.substitutes
    assert (sub.absent_id, sub.substitute_id) == (REKTOR, DEPUTY)
    assert sub.active(date(2026, 12, 11)) and not sub.active(date(2026, 12, 12))


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (
            {"absent": REKTOR, "substitute": "ukjent", "from": "2026-12-01", "to": "2026-12-02"},
            "substitutes[1].substitute «ukjent» er ingen i [[staff]]",
        ),
        (
            {"absent": TEACHER_9, "substitute": DEPUTY, "from": "2026-12-01", "to": "2026-12-02"},
            "substitutes[1].absent må være rektor eller en leder",
        ),
        (
            {"absent": REKTOR, "substitute": DEPUTY, "from": "1.12", "to": "2026-12-02"},
            "substitutes[1].from må være en dato",
        ),
        (
            {"absent": REKTOR, "substitute": DEPUTY, "from": "2026-12-03", "to": "2026-12-02"},
            "substitutes[1].to må være samme dag som eller etter from",
        ),
    ],
)
def test_substitutes_config_mistakes_name_the_key(entry: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigError, match=r".*") as raised:
        _school_with([entry])
    assert words in str(raised.value)


async def test_12_5_escalation_never_reaches_the_deputy_when_the_deputy_is_suspected(
    school: School,
) -> None:
    clock = FakeClock(T0)
    svc = _services(school, clock)
    r = replace(report(staff_suspected="true"), suspected_id=DEPUTY)
    case = (await submit_report(svc, staff(svc, TEACHER_9), "k" * 32, r)).case
    clock.advance(hours=1)
    assert await escalate_unacknowledged(svc) == 1
    sent = await outbox_of(svc, case.id)
    assert ("escalation", REKTOR) in sent and all(person != DEPUTY for _, person in sent)
    assert (await _case(svc, case.id)).recipient(DEPUTY) is None


async def test_plan_deadline_is_the_next_step_on_the_case_card(school: School) -> None:
    from bot.dialogs.case import next_step

    svc = _services(school, FakeClock(T0))
    case = (await submit_report(svc, staff(svc, TEACHER_9), "m" * 32, report())).case
    case.start_investigation(LEADER_9, T0)  # Thursday 26.11
    step = next_step(svc, case, T0.date())
    assert step is not None and step.on == date(2026, 12, 3) and not step.late
    assert "avslutt uten tiltak" in step.label
    late = next_step(svc, case, date(2026, 12, 4))
    assert late is not None and late.late
