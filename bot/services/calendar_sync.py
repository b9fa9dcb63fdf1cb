"""The evaluation date in the responsible persons' Outlook calendars (optional per school).

Best effort, after the plan is saved: a calendar is a convenience, the reminders are the duty,
so a Graph failure is logged by id and never undoes or delays the plan.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.domain.case import Case
from bot.domain.reminders import evaluation_recipients, school_morning
from bot.services.context import Services
from bot.services.ports import Calendar

log = logging.getLogger(__name__)

_background: set[asyncio.Task[int]] = set()


async def sync_evaluation_events(svc: Services, calendar: Calendar, case: Case) -> int:
    """Creates or moves the event for everyone who evaluates; returns how many were written."""
    due_on = case.next_evaluation_on
    if due_on is None:
        return 0
    start = school_morning(svc.school.calendar, due_on)
    written = 0
    for person_id in evaluation_recipients(case):
        try:
            async with svc.uow() as uow:
                known = await uow.calendar_events.get(case.id, person_id)
            event_id = await calendar.upsert_event(
                person_id,
                known,
                f"Evaluering av aktivitetsplan, sak {case.reference}",
                start,
                start + timedelta(minutes=30),
                f"Evaluer aktivitetsplanen i sak {case.reference} (versjon "
                f"{case.current_plan.version if case.current_plan else 0}). "
                "Åpne Trygg skole i Teams for saken og evalueringsskjemaet.",
            )
            async with svc.uow() as uow:
                await uow.calendar_events.put(case.id, person_id, event_id, svc.clock.now())
                await uow.commit()
            written += 1
        except Exception as error:  # a calendar must never break the case
            log.warning(
                "calendar event for case %s, user %s failed: %s",
                case.id,
                person_id,
                type(error).__name__,
            )
    return written


def schedule_sync(svc: Services, case: Case) -> None:
    """Runs the sync beside the turn, so a slow Graph does not hold up the leader's reply."""
    if svc.calendar is None:
        return
    task = asyncio.create_task(sync_evaluation_events(svc, svc.calendar, case))
    _background.add(task)
    task.add_done_callback(_background.discard)


async def wait_for_syncs() -> None:
    """Tests and shutdown: let scheduled calendar writes finish."""
    if _background:
        await asyncio.gather(*list(_background), return_exceptions=True)
