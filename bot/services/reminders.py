"""The reminder dispatcher: sends what is due, once, with several bot instances.

Due reminders are claimed with `FOR UPDATE SKIP LOCKED`, turned into outbox messages and marked
sent in one transaction: a second dispatcher skips the locked rows, and the outbox's unique key
makes a replay after a crash harmless. Whether a reminder still matters is decided here, at
the time it is due.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.cards.followup import (
    evaluation_overdue_rektor_card,
    evaluation_reminder_card,
    investigation_reminder_card,
    plan_reminder_card,
)
from bot.domain.case import Case, CaseEvent, EventKind
from bot.domain.reminders import (
    Reminder,
    ReminderKind,
    ReminderStatus,
    follow_ups,
    still_relevant,
)
from bot.domain.substitutes import substitutes_for
from bot.services.context import Services
from bot.services.messages import card_activity, outbox_message
from bot.services.people import display_name
from bot.services.ports import MessageKind, OutboxMessage
from bot.services.reporting import reminder_rules
from bot.services.substitutes import active_substitutions

log = logging.getLogger(__name__)


def render(svc: Services, reminder: Reminder, case: Case, now: datetime) -> dict[str, Any]:
    kind = reminder.kind
    pupil = case.report.pupil_name
    if kind in (ReminderKind.INVESTIGATION_LEADER, ReminderKind.INVESTIGATION_REKTOR):
        card = investigation_reminder_card(
            case.id,
            case.reference,
            pupil,
            case.created_at,
            school_days=int(reminder.detail.get("school_days", "0")),
            to_rektor=kind is ReminderKind.INVESTIGATION_REKTOR,
        )
        return card_activity(card, f"Påminnelse: undersøk sak {case.reference}")
    if kind in (ReminderKind.PLAN_LEADER, ReminderKind.PLAN_REKTOR):
        card = plan_reminder_card(
            case.id,
            case.reference,
            pupil,
            case.investigation_started_at or case.created_at,
            school_days=int(reminder.detail.get("school_days", "0")),
            to_rektor=kind is ReminderKind.PLAN_REKTOR,
        )
        return card_activity(card, f"Påminnelse: plan eller konklusjon i sak {case.reference}")
    plan = case.current_plan
    assert plan is not None
    due_on = case.next_evaluation_on or plan.evaluate_on
    overdue = int(reminder.detail.get("overdue_days", "0"))
    if kind is ReminderKind.EVALUATION_REKTOR:
        card = evaluation_overdue_rektor_card(
            case.id,
            case.reference,
            pupil,
            due_on,
            overdue,
            [display_name(svc.directory, p) for p in plan.responsible_ids],
        )
        return card_activity(card, f"Evaluering på overtid i sak {case.reference}")
    card = evaluation_reminder_card(
        case.id, case.reference, pupil, due_on=due_on, overdue_days=overdue
    )
    return card_activity(card, f"Evaluer aktivitetsplanen i sak {case.reference}")


async def run_due_reminders(svc: Services, *, limit: int = 500) -> tuple[int, int]:
    """One pass; returns (sent, voided)."""
    now = svc.clock.now()
    policy = reminder_rules(svc.school)
    async with svc.uow() as uow:
        due = await uow.reminders.claim_due(now, limit)
        day = svc.today()
        substitutions = await active_substitutions(svc, uow, day) if due else []
        cases: dict[str, Case | None] = {}
        events: list[CaseEvent] = []
        messages: list[OutboxMessage] = []
        sent_keys: list[str] = []
        void_keys: list[str] = []
        for reminder in due:
            if reminder.case_id not in cases:
                cases[reminder.case_id] = await uow.cases.get(reminder.case_id)
            case = cases[reminder.case_id]
            if case is None or not still_relevant(reminder, case):
                void_keys.append(reminder.key)
                continue
            # The absent person still gets it; their substitutes today get a copy, and come
            # onto the case to act on it.
            added = case.add_substitutes(substitutions, day, now)
            if added:
                await uow.cases.save(case)
                events += added
            copies = [
                s.substitute_id
                for s in substitutes_for(substitutions, reminder.recipient_id, day)
                if case.recipient(s.substitute_id) is not None
            ]
            activity = render(svc, reminder, case, now)
            for person, key in (
                (reminder.recipient_id, f"reminder:{reminder.key}"),
                *((sub, f"reminder:{reminder.key}:vikar:{sub}") for sub in copies),
            ):
                messages.append(
                    outbox_message(key, MessageKind.NOTICE, person, activity, now, case_id=case.id)
                )
            events += [
                CaseEvent(
                    case.id,
                    EventKind.REMINDER_SENT,
                    None,
                    now,
                    {"kind": reminder.kind.value, "recipient": sub, "for": reminder.recipient_id},
                )
                for sub in copies
            ]
            for follow in follow_ups(reminder, case, svc.school.calendar, policy):
                await uow.reminders.add(follow)
            sent_keys.append(reminder.key)
            events.append(
                CaseEvent(
                    case.id,
                    EventKind.REMINDER_SENT,
                    None,
                    now,
                    {"kind": reminder.kind.value, "recipient": reminder.recipient_id},
                )
            )
        # One statement each for the batch; the claimed rows stay locked until this commit.
        await uow.outbox.enqueue_many(messages)
        await uow.reminders.mark(sent_keys, ReminderStatus.SENT, now)
        await uow.reminders.mark(void_keys, ReminderStatus.VOID, None)
        await uow.events.append(events)
        await uow.commit()
    if sent_keys:
        log.info("reminders: %d sent, %d void", len(sent_keys), len(void_keys))
        svc.outbox_ready.set()
    return len(sent_keys), len(void_keys)


async def run_all_due(svc: Services, *, limit: int = 500) -> tuple[int, int]:
    total_sent = total_void = 0
    while True:
        sent, voided = await run_due_reminders(svc, limit=limit)
        total_sent += sent
        total_void += voided
        if sent + voided < limit:
            return total_sent, total_void
