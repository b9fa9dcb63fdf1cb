"""Reminders as data: when the law's clocks run out, who must hear of it, and when to stop.

Plan 8.4 says investigate *snarest*; plan 8.7 says evaluate the plan, normally after 3–4 weeks.
A reminder is a row with a due time; whether it still matters is decided when it is due (a
started investigation or an evaluation done since makes it void), so nothing has to be
cancelled by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.domain.case import Case, CaseState
from bot.domain.routing import Reason
from bot.domain.time import SchoolCalendar


class ReminderKind(StrEnum):
    INVESTIGATION_LEADER = "investigation_leader"
    INVESTIGATION_REKTOR = "investigation_rektor"
    EVALUATION_DUE = "evaluation_due"
    EVALUATION_OVERDUE = "evaluation_overdue"
    EVALUATION_REKTOR = "evaluation_rektor"
    PLAN_LEADER = "plan_leader"
    PLAN_REKTOR = "plan_rektor"


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    VOID = "void"


@dataclass
class Reminder:
    key: str
    """Unique: planning the same reminder twice is a no-op."""
    case_id: str
    kind: ReminderKind
    recipient_id: str
    due_at: datetime
    status: ReminderStatus = ReminderStatus.PENDING
    sent_at: datetime | None = None
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReminderRules:
    investigation_school_days: int = 2
    investigation_rektor_school_days: int = 2
    """Further school days before rektor hears that the investigation has not started."""
    evaluation_report_school_days: int = 3
    """School days an evaluation may be overdue before rektor is told."""
    plan_school_days: int = 5
    """School days after the investigation started before the leader hears that neither a
    conclusion nor a plan has followed (the plan says «snarest»; one week is the usual aim)."""
    plan_rektor_school_days: int = 2
    """Further school days before rektor hears it."""


def school_morning(calendar: SchoolCalendar, day: date) -> datetime:
    """The start of the first school day on or after `day`, in the school's zone."""
    return datetime.combine(calendar.school_day_on_or_after(day), calendar.day_start, calendar.zone)


def next_school_morning(calendar: SchoolCalendar, moment: datetime) -> datetime:
    day = moment.astimezone(calendar.zone).date() + timedelta(days=1)
    return school_morning(calendar, day)


def school_days_between(calendar: SchoolCalendar, first: date, last: date) -> int:
    """School days after `first` up to and including `last`."""
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        if calendar.is_school_day(day):
            count += 1
    return count


def leader_of(case: Case) -> str | None:
    """Who leads the case: the one who took it, else the nearest leader alerted, else rektor;
    never the employee a § 12-5 report is about."""
    if case.assignee_id and case.assignee_id != case.suspected_id:
        return case.assignee_id
    for reason in (Reason.NEAREST_LEADER, Reason.REKTOR, Reason.SKOLEEIER):
        found = next(
            (
                r.person_id
                for r in case.recipients
                if r.reason is reason and r.person_id != case.suspected_id
            ),
            None,
        )
        if found:
            return found
    return None


def rektor_of(case: Case) -> str | None:
    """Who heads the case: rektor, or the owner's person on a case about the leadership."""
    return next(
        (
            r.person_id
            for r in case.recipients
            if r.reason.heads_case and r.person_id != case.suspected_id
        ),
        None,
    )


def plan_reminders(case: Case, calendar: SchoolCalendar, rules: ReminderRules) -> list[Reminder]:
    """An investigation started but no conclusion or plan: the leader after
    `plan_school_days`, rektor `plan_rektor_school_days` later. Void once either follows."""
    started = case.investigation_started_at
    if started is None:
        return []
    local = started.astimezone(calendar.zone)
    reminders: list[Reminder] = []
    steps = (
        (ReminderKind.PLAN_LEADER, leader_of(case), rules.plan_school_days),
        (
            ReminderKind.PLAN_REKTOR,
            rektor_of(case),
            rules.plan_school_days + rules.plan_rektor_school_days,
        ),
    )
    for kind, person, days in steps:
        if person is None:
            continue
        day = calendar.add_school_days(local, days).date()
        reminders.append(
            Reminder(
                f"{kind.value}:{case.id}",
                case.id,
                kind,
                person,
                school_morning(calendar, day),
                detail={"school_days": str(days), "started": local.date().isoformat()},
            )
        )
    return reminders


def investigation_reminders(
    case: Case, calendar: SchoolCalendar, rules: ReminderRules
) -> list[Reminder]:
    reminders: list[Reminder] = []
    leader, rektor = leader_of(case), rektor_of(case)
    reported = case.created_at.astimezone(calendar.zone)
    leader_day = calendar.add_school_days(reported, rules.investigation_school_days).date()
    if leader:
        reminders.append(
            Reminder(
                f"{ReminderKind.INVESTIGATION_LEADER.value}:{case.id}",
                case.id,
                ReminderKind.INVESTIGATION_LEADER,
                leader,
                school_morning(calendar, leader_day),
                detail={"school_days": str(rules.investigation_school_days)},
            )
        )
    if rektor:
        total = rules.investigation_school_days + rules.investigation_rektor_school_days
        rektor_day = calendar.add_school_days(reported, total).date()
        reminders.append(
            Reminder(
                f"{ReminderKind.INVESTIGATION_REKTOR.value}:{case.id}",
                case.id,
                ReminderKind.INVESTIGATION_REKTOR,
                rektor,
                school_morning(calendar, rektor_day),
                detail={"school_days": str(total)},
            )
        )
    return reminders


def evaluation_recipients(case: Case) -> list[str]:
    """The responsible persons of the plan and the leader of the case (plan 8.7)."""
    plan = case.current_plan
    people = list(plan.responsible_ids) if plan else []
    leader = leader_of(case)
    if leader:
        people.append(leader)
    return [p for p in dict.fromkeys(people) if p != case.suspected_id]


def evaluation_reminders(
    case: Case,
    calendar: SchoolCalendar,
    *,
    kind: ReminderKind = ReminderKind.EVALUATION_DUE,
    at: datetime | None = None,
    overdue_days: int = 0,
) -> list[Reminder]:
    due_on = case.next_evaluation_on
    plan = case.current_plan
    if due_on is None or plan is None:
        return []
    when = at or school_morning(calendar, due_on)
    day = when.astimezone(calendar.zone).date().isoformat()
    detail = {
        "due_on": due_on.isoformat(),
        "version": str(plan.version),
        "overdue_days": str(overdue_days),
    }
    return [
        Reminder(
            f"{kind.value}:{case.id}:v{plan.version}:{due_on.isoformat()}:{day}:{person}",
            case.id,
            kind,
            person,
            when,
            detail=dict(detail),
        )
        for person in evaluation_recipients(case)
    ]


def still_relevant(reminder: Reminder, case: Case) -> bool:
    if reminder.recipient_id == case.suspected_id:
        return False
    if reminder.kind in (ReminderKind.INVESTIGATION_LEADER, ReminderKind.INVESTIGATION_REKTOR):
        return case.state is CaseState.MELDE_FRA
    if reminder.kind in (ReminderKind.PLAN_LEADER, ReminderKind.PLAN_REKTOR):
        return case.state is CaseState.UNDERSOKE
    plan = case.current_plan
    return (
        case.state is CaseState.TILTAK
        and plan is not None
        and str(plan.version) == reminder.detail.get("version")
        and case.next_evaluation_on is not None
        and case.next_evaluation_on.isoformat() == reminder.detail.get("due_on")
    )


def follow_ups(
    reminder: Reminder, case: Case, calendar: SchoolCalendar, rules: ReminderRules
) -> list[Reminder]:
    """After an evaluation reminder: the next school day's, and rektor's once it is late."""
    if reminder.kind not in (ReminderKind.EVALUATION_DUE, ReminderKind.EVALUATION_OVERDUE):
        return []
    due_on = date.fromisoformat(reminder.detail["due_on"])
    next_at = next_school_morning(calendar, reminder.due_at)
    overdue = school_days_between(calendar, due_on, next_at.astimezone(calendar.zone).date())
    follow = [
        r
        for r in evaluation_reminders(
            case, calendar, kind=ReminderKind.EVALUATION_OVERDUE, at=next_at, overdue_days=overdue
        )
        if r.recipient_id == reminder.recipient_id
    ]
    rektor = rektor_of(case)
    if overdue >= rules.evaluation_report_school_days and rektor:
        plan = case.current_plan
        version = plan.version if plan else 0
        follow.append(
            Reminder(
                f"{ReminderKind.EVALUATION_REKTOR.value}:{case.id}:v{version}:{due_on.isoformat()}",
                case.id,
                ReminderKind.EVALUATION_REKTOR,
                rektor,
                next_at,
                detail={**reminder.detail, "overdue_days": str(overdue)},
            )
        )
    return follow
