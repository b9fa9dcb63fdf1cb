"""The case after the report (plan 8.4–8.7): open, investigate, plan, evaluate, export, log.

Every read and every change is an audit event; only the people the case is routed to may see
it (`Case.can_view`), and only they may change it (`Case.is_routed_to`), the plan's
responsible staff also evaluating it.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar

from bot.cards.case import member_added_card
from bot.cards.log import suggest_report_card
from bot.domain.case import AccessDenied, Case, CaseEvent, DomainError, EventKind
from bot.domain.followup import (
    OBSERVATION_WINDOW_DAYS,
    FormErrors,
    Observation,
    Outcome,
    Proposal,
    parse_conclusion,
    parse_evaluation,
    parse_investigation,
    parse_observation,
    parse_plan,
    propose_evaluation,
    should_suggest_report,
)
from bot.domain.people import LEADERSHIP_ROLES, Person
from bot.domain.reminders import evaluation_reminders
from bot.domain.routing import Reason
from bot.services.access import sees
from bot.services.archiving import queue_documents
from bot.services.calendar_sync import schedule_sync
from bot.services.context import Services
from bot.services.messages import card_activity, outbox_message
from bot.services.ports import ExportLink, MessageKind, UnitOfWork
from bot.services.reporting import plan_deadline

log = logging.getLogger(__name__)

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

EXPORT_LINK_MINUTES = 10


@dataclass(frozen=True)
class FollowUp:
    """What a follow-up action did: the case as it is now, or why not."""

    case: Case | None
    errors: FormErrors | None = None
    message: str | None = None

    @property
    def changed(self) -> bool:
        return self.case is not None and self.errors is None and self.message is None


async def _audit(uow: UnitOfWork, events: list[CaseEvent]) -> None:
    await uow.events.append(events)


async def record_refusal(svc: Services, case_id: str | None, person_id: str, action: str) -> None:
    """A refused attempt is part of the trail: who asked for what, and when (ids only)."""
    async with svc.uow() as uow:
        await _audit(
            uow,
            [
                CaseEvent(
                    case_id,
                    EventKind.ACCESS_REFUSED,
                    person_id,
                    svc.clock.now(),
                    {"action": action},
                )
            ],
        )
        await uow.commit()


async def open_case(svc: Services, case_id: str, person: Person) -> Case:
    """Raises AccessDenied for anyone the case is not routed to; a read is audited too."""
    now = svc.clock.now()
    async with svc.uow() as uow:
        case = await uow.cases.get(case_id)
        if case is None or not sees(svc, case, person.aad_object_id):
            log.warning("case %s: access refused for %s", case_id, person.aad_object_id)
            raise AccessDenied()
        await _audit(uow, [CaseEvent(case.id, EventKind.VIEWED, person.aad_object_id, now)])
        await uow.commit()
    return case


async def _locked(uow: UnitOfWork, svc: Services, case_id: str, person: Person) -> Case:
    """The case, locked for a change, when the person may change it."""
    case = await uow.cases.get_for_update(case_id)
    if case is None or not sees(svc, case, person.aad_object_id):
        raise AccessDenied()
    return case


async def _change(
    svc: Services,
    case_id: str,
    person: Person,
    parsed: T | FormErrors,
    act: Callable[[Case, T, str, datetime], list[CaseEvent]],
    *,
    now: datetime,
    done: str,
    plan_reminders: bool = False,
) -> FollowUp:
    """The shape every follow-up change has: lock the case, check access, apply (`act` with the
    actor and the time), audit; `done` is what the log says happened."""
    async with svc.uow() as uow:
        case = await _locked(uow, svc, case_id, person)
        if isinstance(parsed, FormErrors):
            return FollowUp(case, parsed)
        try:
            events = act(case, parsed, person.aad_object_id, now)
        except AccessDenied:
            raise
        except DomainError as error:
            return FollowUp(case, message=error.message)
        await uow.cases.save(case)
        await _audit(uow, events)
        await plan_deadline(uow, svc, case, events)
        if any(e.kind is EventKind.CLOSED for e in events):
            # Closed: the case goes to the archive (arkivlova), then its personal data goes.
            await queue_documents(uow, svc, case, events[-1].at)
        if plan_reminders:
            for reminder in evaluation_reminders(case, svc.school.calendar):
                await uow.reminders.add(reminder)
        await uow.commit()
    log.info("case %s: %s by %s", case_id, done, person.aad_object_id)
    return FollowUp(case)


class _Parser(Protocol[T_co]):
    def __call__(
        self, values: Mapping[str, object], *, today: date, now: datetime, by: str
    ) -> T_co | FormErrors: ...


async def _save_form(
    svc: Services,
    case_id: str,
    person: Person,
    values: Mapping[str, object],
    parse: _Parser[T],
    act: Callable[[Case, T, str, datetime], list[CaseEvent]],
    done: str,
) -> FollowUp:
    """A form that needs nothing but the answers, the day and the actor to be parsed."""
    now = svc.clock.now()
    parsed = parse(values, today=svc.today(), now=now, by=person.aad_object_id)
    return await _change(svc, case_id, person, parsed, act, now=now, done=done)


def proposed_evaluation(svc: Services, today: date) -> Proposal:
    """The evaluation date every form proposes: `[routines] evaluation_weeks` ahead, on a
    school day."""
    return propose_evaluation(svc.school.calendar, today, svc.school.evaluation_weeks)


async def save_investigation(
    svc: Services, case_id: str, person: Person, values: Mapping[str, object]
) -> FollowUp:
    return await _save_form(
        svc,
        case_id,
        person,
        values,
        parse_investigation,
        Case.record_investigation,
        "investigation saved",
    )


async def save_plan(
    svc: Services, case_id: str, person: Person, version: int, values: Mapping[str, object]
) -> FollowUp:
    now = svc.clock.now()
    staff_ids = [p.aad_object_id for p in svc.school.staff]
    parsed = parse_plan(
        values,
        staff_ids=staff_ids,
        version=version,
        today=svc.today(),
        now=now,
        by=person.aad_object_id,
        calendar=svc.school.calendar,
        bounds=svc.school.evaluation_bounds,
    )
    outcome = await _change(
        svc,
        case_id,
        person,
        parsed,
        Case.save_plan,
        now=now,
        done=f"plan version {version} saved",
        plan_reminders=True,
    )
    if outcome.changed and outcome.case is not None:
        schedule_sync(svc, outcome.case)
    return outcome


async def evaluate(
    svc: Services, case_id: str, person: Person, version: int, values: Mapping[str, object]
) -> FollowUp:
    now = svc.clock.now()
    day = svc.today()
    parsed = parse_evaluation(
        values,
        plan_version=version,
        today=day,
        now=now,
        by=person.aad_object_id,
        default_next=proposed_evaluation(svc, day).day,
        calendar=svc.school.calendar,
        bounds=svc.school.evaluation_bounds,
    )
    continued = not isinstance(parsed, FormErrors) and parsed.outcome is Outcome.CONTINUE
    outcome = await _change(
        svc,
        case_id,
        person,
        parsed,
        lambda case, evaluation, by, at: case.evaluate(evaluation, by, at, today=day),
        now=now,
        done="evaluated",
        plan_reminders=continued,
    )
    if outcome.changed and outcome.case is not None and continued:
        schedule_sync(svc, outcome.case)
    return outcome


async def close_without_measures(
    svc: Services, case_id: str, person: Person, values: Mapping[str, object]
) -> FollowUp:
    """The investigation concluded that no measures are needed: closed with the conclusion,
    the pupil's view (or why it is missing) and the investigation's barnets beste."""
    return await _save_form(
        svc,
        case_id,
        person,
        values,
        parse_conclusion,
        Case.close_without_measures,
        "closed without measures",
    )


async def _change_members(
    svc: Services,
    case_id: str,
    person: Person,
    act: Callable[[Case], list[CaseEvent]],
    then: Callable[[UnitOfWork, Case], Awaitable[None]],
) -> tuple[FollowUp, bool]:
    """Adding or removing a member, and whether anything changed (not when the person already
    was a member, or no longer was one); `then` queues what the change makes the bot send."""
    async with svc.uow() as uow:
        case = await _locked(uow, svc, case_id, person)
        try:
            events = act(case)
        except DomainError as error:
            return FollowUp(case, message=error.message), False
        if events:
            await uow.cases.save(case)
            await _audit(uow, events)
            await then(uow, case)
            await uow.commit()
    if events:
        svc.outbox_ready.set()
    return FollowUp(case), bool(events)


async def add_member(svc: Services, case_id: str, person: Person, member_id: str) -> FollowUp:
    now = svc.clock.now()
    if svc.directory.person(member_id) is None:
        return FollowUp(None, message="Velg en ansatt fra listen.")

    async def tell(uow: UnitOfWork, case: Case) -> None:
        card = member_added_card(case.id, case.reference, person.name)
        await uow.outbox.enqueue(
            outbox_message(
                f"member:{case.id}:{member_id}",
                MessageKind.NOTICE,
                member_id,
                card_activity(card, f"Du er lagt til i sak {case.reference}"),
                now,
                case_id=case.id,
            )
        )

    outcome, _ = await _change_members(
        svc,
        case_id,
        person,
        lambda case: case.add_member(member_id, person.aad_object_id, now),
        tell,
    )
    return outcome


async def remove_member(svc: Services, case_id: str, person: Person, member_id: str) -> FollowUp:
    """«Fjern fra saken»: the member's access ends now; the cards they hold are stubbed."""
    now = svc.clock.now()

    async def stub(uow: UnitOfWork, case: Case) -> None:
        await uow.outbox.hurry_stubs(case.id, member_id, now)

    outcome, removed = await _change_members(
        svc,
        case_id,
        person,
        lambda case: case.remove_member(member_id, person.aad_object_id, now),
        stub,
    )
    if removed:
        log.info("case %s: member %s removed by %s", case_id, member_id, person.aad_object_id)
    return outcome


def may_export(case: Case, person: Person) -> bool:
    """Rektor and the leader of the case archive it (plan 8.3: Websak/Vigilo)."""
    recipient = case.recipient(person.aad_object_id)
    return case.assignee_id == person.aad_object_id or (
        recipient is not None
        and recipient.reason in (Reason.REKTOR, Reason.NEAREST_LEADER, Reason.SKOLEEIER)
    )


async def request_export(
    svc: Services, case_id: str, person: Person, *, redacted: bool, kind: str = "pdf"
) -> ExportLink:
    """A one-time link: `kind` «pdf» (the case as one PDF) or «pack» (every document and an
    overview, as the archive and Statsforvalteren get them)."""
    now = svc.clock.now()
    async with svc.uow() as uow:
        case = await uow.cases.get(case_id)
        if (
            case is None
            or not sees(svc, case, person.aad_object_id)
            or not may_export(case, person)
        ):
            raise AccessDenied()
        link = ExportLink(
            secrets.token_urlsafe(32),
            case.id,
            person.aad_object_id,
            redacted,
            now + timedelta(minutes=EXPORT_LINK_MINUTES),
            kind=kind,
        )
        await uow.export_links.add(link)
        await uow.commit()
    return link


@dataclass(frozen=True)
class Download:
    case: Case
    events: list[CaseEvent]
    link: ExportLink
    person: Person


async def use_export_link(svc: Services, token: str) -> Download | None:
    """The download: the link works once, for its person, who must still see the case."""
    now = svc.clock.now()
    async with svc.uow() as uow:
        link = await uow.export_links.use(token, now)
        if link is None:
            return None
        case = await uow.cases.get(link.case_id)
        person = svc.directory.person(link.user_id)
        if (
            case is None
            or person is None
            or not sees(svc, case, link.user_id)
            or not may_export(case, person)
        ):
            await _audit(
                uow,
                [
                    CaseEvent(
                        link.case_id,
                        EventKind.ACCESS_REFUSED,
                        link.user_id,
                        now,
                        {"action": "export.download"},
                    )
                ],
            )
            await uow.commit()
            return None
        await _audit(
            uow,
            [
                CaseEvent(
                    case.id,
                    EventKind.EXPORTED,
                    link.user_id,
                    now,
                    {"redacted": str(link.redacted).lower(), "kind": link.kind},
                )
            ],
        )
        events = list(await uow.events.for_case(case.id))
        await uow.commit()
    log.info("case %s exported by %s (redacted=%s)", case.id, link.user_id, link.redacted)
    return Download(case, events, link, person)


@dataclass(frozen=True)
class Logged:
    observation: Observation | None
    errors: FormErrors | None
    recent: int
    """All notes about the pupil in the window: the leader's business, not the writer's."""
    suggested: bool
    mine: int = 0
    """The writer's own notes about the pupil in the window: all the writer is told."""


async def record_observation(svc: Services, person: Person, values: Mapping[str, object]) -> Logged:
    """Følge med: a short dated note. The third about one pupil in 30 days tells the leader."""
    now = svc.clock.now()
    day = svc.today()
    parsed = parse_observation(
        values, today=day, now=now, by=person.aad_object_id, new_id=uuid.uuid4().hex
    )
    if isinstance(parsed, FormErrors):
        return Logged(None, parsed, 0, False)
    suggested = False
    async with svc.uow() as uow:
        await uow.observations.add(parsed)
        await _audit(
            uow,
            [
                CaseEvent(
                    None, EventKind.LOG_WRITTEN, person.aad_object_id, now, {"note": parsed.id}
                )
            ],
        )
        history = [*await uow.observations.for_pupil(parsed.pupil_key)]
        if all(o.id != parsed.id for o in history):
            history.append(parsed)
        recent = [o for o in history if (day - o.observed_on).days < OBSERVATION_WINDOW_DAYS]
        leader = svc.directory.nearest_leader(person) or svc.directory.rektor()
        if should_suggest_report(history, day) and leader is not None:
            window = min(o.observed_on for o in recent).isoformat()
            card = suggest_report_card(
                parsed.pupil_name, parsed.pupil_class, parsed.pupil_key, len(recent)
            )
            suggested = await uow.outbox.enqueue(
                outbox_message(
                    f"suggest:{parsed.pupil_key}:{window}:{leader.aad_object_id}",
                    MessageKind.NOTICE,
                    leader.aad_object_id,
                    card_activity(card, "Flere observasjoner om samme elev"),
                    now,
                )
            )
        await uow.commit()
    if suggested:
        svc.outbox_ready.set()
    log.info("observation %s logged by %s", parsed.id, person.aad_object_id)
    mine = sum(1 for o in recent if o.author_id == person.aad_object_id)
    return Logged(parsed, None, len(recent), suggested, mine)


def may_read_log(person: Person) -> bool:
    """The leaders see a pupil's log (plan 8.1: the log is shared with the leadership)."""
    return bool(person.roles & LEADERSHIP_ROLES)


async def pupil_log(svc: Services, person: Person, pupil_key: str) -> list[Observation]:
    """The leaders' view of a pupil's notes; the read is audited by the notes' ids."""
    if not may_read_log(person):
        await record_refusal(svc, None, person.aad_object_id, "log.view")
        raise AccessDenied()
    async with svc.uow() as uow:
        found = list(await uow.observations.for_pupil(pupil_key))
        if found:
            await _audit(
                uow,
                [
                    CaseEvent(
                        None,
                        EventKind.LOG_READ,
                        person.aad_object_id,
                        svc.clock.now(),
                        {"notes": ",".join(o.id for o in found)},
                    )
                ],
            )
            await uow.commit()
    return found
