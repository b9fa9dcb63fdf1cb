"""Access that ends: closed cases fade to rektor, members can be taken off, only staff see cases,
and the employee a § 12-5 report is about is never on it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.case import AccessDenied, CaseState, EventKind
from bot.domain.people import unknown_person
from bot.domain.school import ConfiguredDirectory, School
from bot.services import followup
from bot.services.access import sees
from bot.services.cases import my_cases
from bot.services.context import Services
from bot.services.reporting import act_on_case, submit_report
from tests.conftest import LEADER_9, MILJO, REKTOR, TEACHER_8, TEACHER_9
from tests.fakes import FakeClock
from tests.samples import report
from tests.usecases import staff


async def _case(svc: Services, **overrides: object) -> str:
    outcome = await submit_report(svc, staff(svc, TEACHER_9), "a" * 32, report(**overrides))
    return outcome.case.id


async def _close(svc: Services, case_id: str) -> None:
    async with svc.uow() as uow:
        case = await uow.cases.get(case_id)
        assert case is not None
        case.state, case.closed_at = CaseState.AVSLUTTET, svc.clock.now()
        await uow.cases.save(case)
        await uow.commit()


async def test_a_closed_case_fades_to_rektor_after_closed_visible_days(
    fake_services: Services, clock: FakeClock
) -> None:
    svc = fake_services
    case_id = await _case(svc)
    await _close(svc, case_id)
    clock.advance(days=svc.school.privacy.closed_visible_days)
    assert (await followup.open_case(svc, case_id, staff(svc, LEADER_9))).id == case_id
    clock.advance(seconds=1)
    with pytest.raises(AccessDenied):
        await followup.open_case(svc, case_id, staff(svc, LEADER_9))
    assert (await followup.open_case(svc, case_id, staff(svc, REKTOR))).id == case_id
    assert [c.id for c in (await my_cases(svc, staff(svc, LEADER_9))).routed] == []
    assert [c.id for c in (await my_cases(svc, staff(svc, REKTOR))).routed] == [case_id]
    refused = await act_on_case(svc, case_id, LEADER_9, None)
    assert refused.case is None


async def test_the_closed_rule_follows_the_schools_setting(fake_services: Services,
                                                          clock: FakeClock) -> None:
    svc = replace(fake_services, school=replace(
        fake_services.school,
        privacy=replace(fake_services.school.privacy, closed_visible_days=0)))
    case_id = await _case(svc)
    await _close(svc, case_id)
    clock.advance(seconds=1)
    with pytest.raises(AccessDenied):
        await followup.open_case(svc, case_id, staff(svc, LEADER_9))


async def test_rektor_or_the_cases_leader_can_take_a_member_off(fake_services: Services) -> None:
    svc = fake_services
    case_id = await _case(svc)
    leader = staff(svc, LEADER_9)
    await act_on_case(svc, case_id, LEADER_9, lambda c, p, n: c.take(p, n))
    added = await followup.add_member(svc, case_id, leader, MILJO)
    assert added.case is not None and MILJO in added.case.members
    assert (await followup.open_case(svc, case_id, staff(svc, MILJO))).id == case_id
    refused = await followup.remove_member(svc, case_id, staff(svc, MILJO), MILJO)
    assert refused.message is not None and "Bare rektor" in refused.message
    removed = await followup.remove_member(svc, case_id, leader, MILJO)
    assert removed.case is not None and MILJO not in removed.case.members
    with pytest.raises(AccessDenied):
        await followup.open_case(svc, case_id, staff(svc, MILJO))
    async with svc.uow() as uow:
        events = await uow.events.for_case(case_id)
    assert [(e.kind, e.actor_id, e.detail) for e in events
            if e.kind is EventKind.MEMBER_REMOVED] == [
        (EventKind.MEMBER_REMOVED, LEADER_9, {"member": MILJO})]


async def test_only_the_schools_staff_see_a_case(fake_services: Services,
                                                 school: School) -> None:
    svc = fake_services
    stranger = unknown_person("ukjent-ansatt", "Vikar Vera")
    outcome = await submit_report(svc, stranger, "b" * 32, report())
    case = outcome.case
    assert [r.person_id for r in case.recipients] == [REKTOR]  # the report still arrives
    assert not sees(svc, case, stranger.aad_object_id)
    # Someone taken off [[staff]] loses the case even while still routed to it.
    without_leader = replace(school, staff=tuple(p for p in school.staff
                                                 if p.aad_object_id != LEADER_9))
    routed = (await submit_report(svc, staff(svc, TEACHER_9), "c" * 32, report())).case
    assert sees(svc, routed, LEADER_9)
    later = replace(svc, directory=ConfiguredDirectory(without_leader))
    assert not sees(later, routed, LEADER_9)
    with pytest.raises(AccessDenied):
        await followup.open_case(later, routed.id, staff(svc, LEADER_9))


async def test_the_employee_a_section_12_5_report_is_about_is_never_on_the_case(
    fake_services: Services,
) -> None:
    svc = fake_services
    case_id = await _case(svc, staff_suspected="true")
    async with svc.uow() as uow:
        case = await uow.cases.get(case_id)
        assert case is not None and case.urgent
        case.suspected_id = TEACHER_8
        await uow.cases.save(case)
        await uow.commit()
    refused = await followup.add_member(svc, case_id, staff(svc, REKTOR), TEACHER_8)
    assert refused.message is not None and "§ 12-5" in refused.message
    async with svc.uow() as uow:
        case = await uow.cases.get(case_id)
        assert case is not None
        case.members.append(TEACHER_8)  # even put there by hand, they see nothing
        await uow.cases.save(case)
        await uow.commit()
    with pytest.raises(AccessDenied):
        await followup.open_case(svc, case_id, staff(svc, TEACHER_8))
    assert (await my_cases(svc, staff(svc, TEACHER_8))).routed == []
