"""Melde fra: a report is saved with its routing, audit trail and alerts in one transaction.

The draft id from the form is the idempotency key: the same card submitted twice, or a retry
after a timeout, finds the case the first submission created instead of making a second.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.case import NO_ACCESS, Case, CaseEvent, CaseRecipient, DomainError, EventKind
from bot.domain.followup import pupil_key
from bot.domain.people import Person
from bot.domain.reminders import ReminderRules, investigation_reminders, plan_reminders
from bot.domain.report import Report, ReportErrors, parse_report
from bot.domain.routing import Reason, route
from bot.domain.school import School
from bot.domain.substitutes import Substitution, substitutes_for
from bot.services.access import sees
from bot.services.alerts import alert_message, queue_alert, queue_card_updates
from bot.services.context import Services
from bot.services.messages import queued_event
from bot.services.owner import queue_owner_notices
from bot.services.ports import DuplicateSubmission, UnitOfWork
from bot.services.substitutes import active_substitutions

log = logging.getLogger(__name__)


def reminder_rules(school: School) -> ReminderRules:
    return ReminderRules(
        investigation_school_days=school.investigation_start_school_days,
        investigation_rektor_school_days=school.investigation_rektor_school_days,
        evaluation_report_school_days=school.evaluation_overdue_report_school_days,
        plan_school_days=school.plan_school_days,
        plan_rektor_school_days=school.plan_rektor_school_days,
    )


async def plan_deadline(
    uow: UnitOfWork, svc: Services, case: Case, events: list[CaseEvent]
) -> None:
    """Once an investigation starts, its clock for a conclusion or a plan starts too."""
    if any(e.kind is EventKind.INVESTIGATION_STARTED for e in events):
        await uow.reminders.add_many(
            plan_reminders(case, svc.school.calendar, reminder_rules(svc.school))
        )


def escalation_hours(school: School, case: Case) -> float:
    """§ 12-5 cases run on their own, shorter clock (`[routines] escalation_hours_12_5`)."""
    return school.escalation_hours_12_5 if case.report.staff_suspected else school.escalation_hours


@dataclass(frozen=True)
class ReportOutcome:
    case: Case
    created: bool


class DraftProblem(StrEnum):
    NOT_YOURS = "not_yours"
    """The draft, or the case made from it, belongs to someone else."""
    GONE = "gone"
    """No checked answers are stored for it (expired, cancelled, never checked)."""


@dataclass(frozen=True)
class Confirmed:
    """What «Send til rektor» did: a case (new or already made), or why not."""

    case: Case | None = None
    created: bool = False
    problem: DraftProblem | None = None
    errors: ReportErrors | None = None
    values: dict[str, str] | None = None
    """The stored answers, for the form shown again when `errors` is set."""


async def submit_report(
    svc: Services, reporter: Person, submission_id: str, report: Report
) -> ReportOutcome:
    """A checked report made a case (tests, and the draft path below)."""

    async def given(uow: UnitOfWork) -> Report | Confirmed:
        return await _sent_already(uow, reporter, submission_id) or report

    outcome = await _once(svc, reporter, submission_id, given)
    assert outcome.case is not None
    return ReportOutcome(outcome.case, outcome.created)


async def confirm_draft(svc: Services, reporter: Person, draft_id: str) -> Confirmed:
    """The reporter's stored draft becomes a case, in one transaction with every check.

    Nobody but the draft's owner can send it; a draft sent twice is one case.
    """

    async def checked(uow: UnitOfWork) -> Report | Confirmed:
        # The owner's own draft is one query; the rest is asked only when it is not there.
        stored = await uow.drafts.get(draft_id, reporter.aad_object_id)
        if stored is None:
            owner = await uow.drafts.owner(draft_id)
            if owner is not None:
                return Confirmed(problem=DraftProblem.NOT_YOURS)
            return await _sent_already(uow, reporter, draft_id) or Confirmed(
                problem=DraftProblem.GONE
            )
        if not stored:
            return Confirmed(problem=DraftProblem.GONE)  # a form opened, never filled in
        parsed = parse_report(stored, svc.today())
        if isinstance(parsed, ReportErrors):
            return Confirmed(errors=parsed, values=stored)
        return parsed

    return await _once(svc, reporter, draft_id, checked)


async def _sent_already(uow: UnitOfWork, reporter: Person, submission_id: str) -> Confirmed | None:
    """The case this submission made before, if any: a form sent twice is one case."""
    existing = await uow.cases.by_submission(submission_id)
    if existing is None:
        return None
    if existing.reporter_id != reporter.aad_object_id:
        return Confirmed(problem=DraftProblem.NOT_YOURS)
    return Confirmed(existing, created=False)


async def _once(
    svc: Services,
    reporter: Person,
    submission_id: str,
    report_of: Callable[[UnitOfWork], Awaitable[Report | Confirmed]],
) -> Confirmed:
    now = svc.clock.now()
    for _attempt in range(2):
        try:
            outcome = await _store_report(svc, reporter, submission_id, report_of, now)
        except DuplicateSubmission:
            continue  # a concurrent turn stored this draft first: read its case back
        if outcome.created and outcome.case is not None:
            log.info(
                "case %s reported by %s, %d recipients",
                outcome.case.id,
                reporter.aad_object_id,
                len(outcome.case.recipients),
            )
            svc.outbox_ready.set()
        return outcome
    raise RuntimeError("submission stored concurrently but could not be read back")


async def _store_report(
    svc: Services,
    reporter: Person,
    submission_id: str,
    report_of: Callable[[UnitOfWork], Awaitable[Report | Confirmed]],
    now: datetime,
) -> Confirmed:
    async with svc.uow() as uow:
        # A draft still stored has made no case: the case and its draft go in one transaction.
        report = await report_of(uow)
        if isinstance(report, Confirmed):
            return report
        routing = route(report, reporter, svc.directory, svc.school.owner.people)
        for warning in routing.warnings:
            log.warning("report %s routed with warning %s", submission_id, warning.value)
        number = await uow.cases.next_number(now.year)
        case, events = Case.open(
            case_id=uuid.uuid4().hex,
            number=number,
            submission_id=submission_id,
            reporter_id=reporter.aad_object_id,
            report=report,
            routing=routing,
            now=now,
        )
        # Someone away today has a substitute: they get the alert too, beside the absent one.
        events += case.add_substitutes(
            await active_substitutions(svc, uow, svc.today()), svc.today(), now
        )
        await uow.cases.add(case)
        # The draft goes in the same breath: a case and its draft never both exist.
        await uow.drafts.delete(submission_id, reporter.aad_object_id)
        # «Logg» notes about the pupil become part of the case, and stay as long as it does.
        await uow.observations.link(pupil_key(report.pupil_name, report.pupil_class), case.id)
        alerts = []
        for recipient in case.recipients:
            if recipient.person_id == reporter.aad_object_id:
                continue  # rektor's own report: the receipt says the case is theirs
            key = f"alert:{case.id}:{recipient.person_id}"
            alerts.append(alert_message(svc, case, recipient.person_id, key, now))
            events.append(queued_event(case.id, recipient.person_id, key, now))
        await uow.outbox.enqueue_many(alerts)
        events += await queue_owner_notices(uow, svc, case, now)
        await uow.events.append(events)
        if case.recipients:
            await uow.reminders.add_many(
                investigation_reminders(case, svc.school.calendar, reminder_rules(svc.school))
            )
        await uow.commit()
    return Confirmed(case, created=True)


@dataclass(frozen=True)
class ActionOutcome:
    case: Case | None
    changed: bool
    error: str | None = None


CaseStep = Callable[[Case, str, datetime], list[CaseEvent]]
"""A button on the alert card, as the case's own method (`Case.acknowledge`, `Case.take` …)."""


async def act_on_case(
    svc: Services, case_id: str, actor_id: str, step: CaseStep | None
) -> ActionOutcome:
    """An alert card's button (`step` None: just show the card as it is now).

    A second press, or a press by the second leader, changes nothing. A case that does not
    exist and one that is not the presser's get the same answer.
    """
    now = svc.clock.now()
    async with svc.uow() as uow:
        case = await uow.cases.get_for_update(case_id)
        if case is None or not case.is_routed_to(actor_id) or not sees(svc, case, actor_id):
            log.warning("case action refused for %s", actor_id)
            return ActionOutcome(None, False, NO_ACCESS)
        if step is None:
            return ActionOutcome(case, False)
        try:
            events = step(case, actor_id, now)
        except DomainError as error:
            return ActionOutcome(case, False, error.message)
        if not events:
            return ActionOutcome(case, False)
        if any(e.kind is EventKind.MARKED_SERIOUS for e in events):
            events += await queue_owner_notices(uow, svc, case, now)  # serious later: § 12-4
        await uow.cases.save(case)
        await uow.events.append(events)
        await plan_deadline(uow, svc, case, events)
        await queue_card_updates(uow, svc, case, now)
        await uow.commit()
    log.info("case %s changed by %s", case.id, actor_id)
    svc.outbox_ready.set()
    return ActionOutcome(case, True)


def _escalation_targets(
    svc: Services, case: Case, substitutions: Sequence[Substitution], day: date
) -> list[str]:
    """Rektor again and the deputy (added to the case), and their substitutes today; on a
    case about the leadership, the owner's people again: the school's leadership never hears
    of it. Never the employee a § 12-5 report is about."""
    if case.forwarded_to_owner:
        return [r.person_id for r in case.recipients if r.reason is Reason.SKOLEEIER]
    rektor = svc.directory.rektor()
    deputy = svc.directory.deputy()
    if deputy is not None and deputy.aad_object_id == case.suspected_id:
        deputy = None
    if deputy is not None and case.recipient(deputy.aad_object_id) is None:
        case.recipients.append(CaseRecipient(deputy.aad_object_id, Reason.DEPUTY))
    targets = [p.aad_object_id for p in (rektor, deputy) if p is not None]
    targets += [
        s.substitute_id
        for person in list(targets)
        for s in substitutes_for(substitutions, person, day)
        if s.substitute_id != case.suspected_id
    ]
    return list(dict.fromkeys(targets))


async def escalate_unacknowledged(svc: Services) -> int:
    """Plan 8.3 wants a report handled at once: nobody acknowledging it is itself an alarm.

    After the configured school hours rektor is alerted again and the deputy is added.
    """
    now = svc.clock.now()
    escalated = 0
    async with svc.uow() as uow:
        candidates = await uow.cases.awaiting_acknowledgement()
        for case in candidates:
            due = svc.school.calendar.add_school_hours(
                case.created_at, escalation_hours(svc.school, case)
            )
            if now < due:
                continue
            locked = await uow.cases.get_for_update(case.id)
            if locked is None or locked.escalated_at is not None or not locked.unacknowledged:
                continue
            locked.escalated_at = now
            events = [CaseEvent(locked.id, EventKind.ESCALATED, None, now)]
            day = svc.today()
            substitutions = await active_substitutions(svc, uow, day)
            targets = _escalation_targets(svc, locked, substitutions, day)
            events += locked.add_substitutes(substitutions, day, now)
            await uow.cases.save(locked)
            await queue_card_updates(uow, svc, locked, now)
            for person in targets:
                key = f"escalation:{locked.id}:{person}"
                await queue_alert(uow, svc, locked, person, key, now)
                events.append(queued_event(locked.id, person, key, now))
            await uow.events.append(events)
            escalated += 1
        await uow.commit()
    if escalated:
        log.info("escalated %d unacknowledged cases", escalated)
        svc.outbox_ready.set()
    return escalated
