"""The report use cases: saved first, routed right, idempotent, escalated when ignored."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.case import NO_ACCESS, Case, CaseState, EventKind
from bot.services.context import Services
from bot.services.ports import MessageKind
from bot.services.reporting import act_on_case, escalate_unacknowledged, submit_report
from tests.conftest import DEPUTY, LEADER_9, REKTOR, TEACHER_8, TEACHER_9
from tests.fakes import FakeClock
from tests.samples import report
from tests.usecases import outbox_of, staff


async def _events(svc: Services, case_id: str) -> list[EventKind]:
    async with svc.uow() as uow:
        return [e.kind for e in await uow.events.for_case(case_id)]


async def test_a_report_is_saved_with_its_alerts_and_audit(fake_services: Services) -> None:
    svc = fake_services
    outcome = await submit_report(svc, staff(svc, TEACHER_9), "a" * 32, report())
    assert outcome.created
    assert outcome.case.reference == "2026-0001"
    assert sorted(await outbox_of(svc, outcome.case.id)) == sorted([("alert", LEADER_9),
                                                                  ("alert", REKTOR)])
    assert await _events(svc, outcome.case.id) == [
        EventKind.REPORTED, EventKind.ROUTED, EventKind.ALERT_QUEUED, EventKind.ALERT_QUEUED]
    assert svc.outbox_ready.is_set()


async def test_the_same_draft_twice_is_one_case(sql_services: Services) -> None:
    svc = sql_services
    teacher = staff(svc, TEACHER_9)
    first = await submit_report(svc, teacher, "b" * 32, report())
    second = await submit_report(svc, teacher, "b" * 32, report())
    assert first.created and not second.created
    assert second.case.id == first.case.id
    assert len(await outbox_of(svc, first.case.id)) == 2


async def test_concurrent_submits_of_one_draft_make_one_case(sql_services: Services) -> None:
    svc = sql_services
    teacher = staff(svc, TEACHER_9)
    outcomes = await asyncio.gather(
        *(submit_report(svc, teacher, "c" * 32, report()) for _ in range(5)))
    assert sum(o.created for o in outcomes) == 1
    assert len({o.case.id for o in outcomes}) == 1


async def test_leadership_case_is_forwarded_and_alerts_nobody(fake_services: Services) -> None:
    svc = fake_services
    outcome = await submit_report(svc, staff(svc, TEACHER_9), "d" * 32,
                                  report(leadership_suspected="true"))
    assert outcome.case.state is CaseState.SKOLEEIER
    assert await outbox_of(svc, outcome.case.id) == []
    assert EventKind.FORWARDED_TO_OWNER in await _events(svc, outcome.case.id)


async def test_rektors_own_report_sends_no_alert_to_rektor(fake_services: Services) -> None:
    svc = fake_services
    outcome = await submit_report(svc, staff(svc, REKTOR), "e" * 32, report())
    assert await outbox_of(svc, outcome.case.id) == []
    assert not outcome.case.unacknowledged


async def test_acknowledge_updates_every_recipients_card(fake_services: Services) -> None:
    svc = fake_services
    case = (await submit_report(svc, staff(svc, TEACHER_9), "f" * 32, report())).case
    outcome = await act_on_case(svc, case.id, LEADER_9, Case.acknowledge)
    assert outcome.changed and outcome.error is None
    assert sorted(await outbox_of(svc, case.id)) == sorted([
        ("alert", LEADER_9), ("alert", REKTOR), ("update", LEADER_9), ("update", REKTOR)])
    again = await act_on_case(svc, case.id, LEADER_9, Case.acknowledge)
    assert not again.changed
    assert (await _events(svc, case.id)).count(EventKind.ACKNOWLEDGED) == 1


async def test_someone_not_on_the_case_is_refused(fake_services: Services) -> None:
    svc = fake_services
    case = (await submit_report(svc, staff(svc, TEACHER_9), "g" * 32, report())).case
    for step in (Case.acknowledge, Case.take, Case.start_investigation, None):
        outcome = await act_on_case(svc, case.id, TEACHER_8, step)
        assert outcome.case is None and outcome.error == NO_ACCESS
    # A case that does not exist answers exactly as one that is not yours: no oracle.
    missing = await act_on_case(svc, "0" * 32, REKTOR, Case.acknowledge)
    assert missing.case is None and missing.error == NO_ACCESS


async def test_taking_a_taken_case_explains(fake_services: Services) -> None:
    svc = fake_services
    case = (await submit_report(svc, staff(svc, TEACHER_9), "h" * 32, report())).case
    assert (await act_on_case(svc, case.id, LEADER_9, Case.take)).changed
    refused = await act_on_case(svc, case.id, REKTOR, Case.take)
    assert not refused.changed and refused.error == "Saken er allerede tatt av en annen."
    assert refused.case is not None


async def test_unacknowledged_report_escalates_after_two_school_hours(
    fake_services: Services, clock: FakeClock,
) -> None:
    svc = fake_services
    case = (await submit_report(svc, staff(svc, TEACHER_9), "i" * 32, report())).case
    clock.advance(hours=1, minutes=59)
    assert await escalate_unacknowledged(svc) == 0
    clock.advance(minutes=1)
    assert await escalate_unacknowledged(svc) == 1
    assert await escalate_unacknowledged(svc) == 0
    queued = await outbox_of(svc, case.id)
    assert ("escalation", REKTOR) in queued and ("escalation", DEPUTY) in queued
    async with svc.uow() as uow:
        stored = await uow.cases.get(case.id)
    assert stored is not None and stored.recipient(DEPUTY) is not None
    assert EventKind.ESCALATED in await _events(svc, case.id)


async def test_escalation_counts_school_hours_only(fake_services: Services,
                                                  clock: FakeClock) -> None:
    svc = fake_services
    clock.advance(hours=5, minutes=30)  # Thursday 15:30: half an hour of school left
    await submit_report(svc, staff(svc, TEACHER_9), "j" * 32, report())
    clock.advance(hours=16)  # Friday 07:30
    assert await escalate_unacknowledged(svc) == 0
    clock.advance(hours=2)  # Friday 09:30: 0.5 h Thursday + 1.5 h Friday
    assert await escalate_unacknowledged(svc) == 1


async def test_an_acknowledged_report_does_not_escalate(fake_services: Services,
                                                        clock: FakeClock) -> None:
    svc = fake_services
    case = (await submit_report(svc, staff(svc, TEACHER_9), "k" * 32, report())).case
    await act_on_case(svc, case.id, REKTOR, Case.acknowledge)
    clock.advance(days=3)
    assert await escalate_unacknowledged(svc) == 0


@pytest.mark.parametrize("kind", [MessageKind.ALERT])
async def test_alert_payload_has_no_free_text(fake_services: Services, kind: MessageKind
                                              ) -> None:
    svc = fake_services
    r = report(description="Hemmelig beskrivelse som ikke skal i varselet")
    case = (await submit_report(svc, staff(svc, TEACHER_9), "l" * 32, r)).case
    async with svc.uow() as uow:
        messages = [m for m in await uow.outbox.for_case(case.id) if m.kind is kind]
    assert messages
    for message in messages:
        assert "Hemmelig beskrivelse" not in str(message.payload)
        assert "Ola Nordmann" in str(message.payload)


async def test_sql_escalation_on_both_backends(sql_services: Services, clock: FakeClock) -> None:
    svc = sql_services
    await submit_report(svc, staff(svc, TEACHER_9), "m" * 32, report())
    clock.advance(hours=3)
    assert await escalate_unacknowledged(svc) == 1
    clock.advance(hours=3)
    assert await escalate_unacknowledged(svc) == 0
