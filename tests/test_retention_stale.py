"""Open cases nobody works on: rektor gets one message a day naming them, and each case is
named once per quiet spell (issue 10's «an open case makes rektor decide», at a school's scale)."""

from __future__ import annotations

import uuid

from bot.domain.case import EventKind
from bot.services.context import Services
from bot.services.reporting import submit_report
from bot.services.retention import purge
from tests.conftest import REKTOR, TEACHER_9
from tests.fakes import FakeClock
from tests.samples import report


async def _report(svc: Services) -> str:
    teacher = svc.directory.person(TEACHER_9)
    assert teacher is not None
    case = (await submit_report(svc, teacher, uuid.uuid4().hex, report())).case
    assert case is not None
    return case.reference


def _key(svc: Services, clock: FakeClock) -> str:
    day = clock.now().astimezone(svc.school.calendar.zone).date()
    return f"stale:{svc.school.id}:{day.isoformat()}"


async def test_one_message_names_every_quiet_case_and_each_only_once(
    sql_services: Services, clock: FakeClock
) -> None:
    svc = sql_services
    first, second = await _report(svc), await _report(svc)
    clock.advance(days=svc.school.retention.stale_days + 1)
    await purge(svc)
    async with svc.uow() as uow:
        message = await uow.outbox.get(_key(svc, clock))
    assert message is not None and message.recipient_id == REKTOR
    text = str(message.payload)
    assert first in text and second in text and "2 åpne saker" in text

    # The next day: nothing new to name, so no message.
    clock.advance(days=1)
    await purge(svc)
    async with svc.uow() as uow:
        assert await uow.outbox.get(_key(svc, clock)) is None
        case = await uow.cases.by_reference(2026, 1)
        assert case is not None
        asked = [e for e in await uow.events.for_case(case.id)
                 if e.kind is EventKind.REMINDER_SENT]
    assert len(asked) == 1 and asked[0].detail == {"kind": "stale"}

    # Worked on, then quiet again for as long: named again, alone.
    async with svc.uow() as uow:
        live = await uow.cases.get_for_update(case.id)
        assert live is not None
        events = live.start_investigation(REKTOR, clock.now())
        await uow.cases.save(live)
        await uow.events.append(events)
        await uow.commit()
    clock.advance(days=svc.school.retention.stale_days + 1)
    await purge(svc)
    async with svc.uow() as uow:
        again = await uow.outbox.get(_key(svc, clock))
    assert again is not None
    assert first in str(again.payload) and second not in str(again.payload)
    assert "1 åpen sak har ikke" in str(again.payload)
