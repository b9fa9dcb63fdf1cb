"""Many due reminders for the dispatcher race test and the benchmark."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.people import Person
from bot.domain.reminders import Reminder, ReminderKind
from bot.services.context import Services
from bot.services.reporting import submit_report
from tests.conftest import LEADER_9, T0, TEACHER_9
from tests.samples import report


async def load_due_reminders(svc: Services, total: int, per_case: int = 100) -> list[str]:
    """`total` reminders due at T0, spread over cases still waiting for investigation; returns
    the case ids."""
    teacher = svc.directory.person(TEACHER_9)
    assert isinstance(teacher, Person)
    cases: list[str] = []
    added = 0
    while added < total:
        case = (await submit_report(svc, teacher, f"{len(cases):032x}", report())).case
        cases.append(case.id)
        async with svc.uow() as uow:
            for n in range(min(per_case, total - added)):
                await uow.reminders.add(Reminder(
                    f"load:{case.id}:{n}", case.id, ReminderKind.INVESTIGATION_LEADER,
                    LEADER_9, T0 - timedelta(minutes=1), detail={"school_days": "2"}))
                added += 1
            await uow.commit()
    return cases
