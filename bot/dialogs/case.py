"""The case over Teams turns: open it, investigate, plan, evaluate, add people, export.

Each form is a card whose submit carries the case id (and the plan version it was made from);
every turn loads the case afresh and checks access, so a stale card cannot see or change
anything its presser may not. A case that does not exist and one that is not the presser's
get the same answer.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, timedelta
from functools import partial
from typing import Any

from bot.cards.actions import CASE, LEAVING, MEMBER, VERB, VERSION
from bot.cards.alert import RecipientStatus
from bot.cards.case import CaseView, NextStep, case_card
from bot.cards.conclusion import conclusion_errors_card, conclusion_form_card
from bot.cards.evaluation import evaluation_errors_card
from bot.cards.export import export_link_card
from bot.cards.followup import evaluation_card
from bot.cards.inputs import sent_back
from bot.cards.investigation import investigation_errors_card, investigation_form_card
from bot.cards.plan import plan_errors_card, plan_form_card
from bot.dialogs.context import Ctx
from bot.domain.case import NO_ACCESS, STATE_LABELS, AccessDenied, Case, CaseState
from bot.domain.followup import (
    CONCLUSION_FORM,
    INVESTIGATION_FORM,
    OVERRIDE_FIELD,
    Outcome,
    plan_form_for,
)
from bot.domain.forms import FormSpec
from bot.domain.people import SYSTEM_NAME, Person, Role
from bot.domain.reminders import school_morning
from bot.domain.report import PUPIL_INFORMED, SIGNS, SOURCES
from bot.services import followup
from bot.services.access import sees
from bot.services.alerts import role_label
from bot.services.archiving import ArchiveState, state_of
from bot.services.context import Services
from bot.services.people import display_name
from bot.services.reporting import act_on_case

log = logging.getLogger(__name__)

ErrorsCard = Callable[[Case, Mapping[str, str]], dict[str, Any]]


def _values(data: Mapping[str, Any]) -> dict[str, object]:
    """The inputs of a submitted form, without the action's own keys."""
    return {k: v for k, v in data.items() if k not in (VERB, CASE, VERSION)}


def _version(data: Mapping[str, Any]) -> int:
    """0 when the card carries none: the domain then refuses it as a stale form."""
    raw = data.get(VERSION)
    return int(raw) if isinstance(raw, str) and raw.isdigit() else 0


def staff_choices(svc: Services, case: Case | None = None) -> list[tuple[str, str]]:
    """Everyone, or for a plan the staff who can carry it: the leadership, the miljøteam, the
    people on the case and the reporter's team. Every row of the plan form carries the list,
    and a card must stay under Teams' size limit."""
    staff = svc.school.staff
    if case is not None:
        reporter = svc.directory.person(case.reporter_id)
        team = reporter.team if reporter else None
        on_case = {case.reporter_id, *case.members, *(r.person_id for r in case.recipients)}
        if case.assignee_id:
            on_case.add(case.assignee_id)
        for plan in case.plans:
            on_case.update(plan.responsible_ids)
        staff = tuple(
            p
            for p in staff
            if p.is_leadership
            or Role.MILJOTEAM in p.roles
            or p.aad_object_id in on_case
            or (team is not None and p.team == team)
        )
    return sorted(((p.aad_object_id, p.name) for p in staff), key=lambda choice: choice[1])


def archive_text(svc: Services, state: ArchiveState) -> str | None:
    if state.queued == 0:
        return None
    if state.rejected:
        return "Avvist av arkivet – rektor har fått begrunnelsen og kan sende saken på nytt"
    if state.done and state.last_at is not None:
        local = state.last_at.astimezone(svc.school.calendar.zone)
        return f"Arkivert (mottatt av Websak) {local:%d.%m.%Y kl. %H:%M}"
    if state.written:
        return "Ligger klar for import i Websak (rektor bekrefter når den er importert)"
    return f"Sendes til arkivet ({state.received} av {state.queued} dokumenter mottatt)"


def next_step(svc: Services, case: Case, today: date) -> NextStep | None:
    """The case's next duty and its date, first on the card: the day the leader is reminded
    to start, or the evaluation date."""
    school = svc.school
    if case.state is CaseState.MELDE_FRA:
        due = school.calendar.add_school_days(
            case.created_at, school.investigation_start_school_days
        )
        on = due.astimezone(school.calendar.zone).date()
        return NextStep("Start undersøkelsen snarest, senest", on, late=on < today)
    if case.state is CaseState.UNDERSOKE:
        started = case.investigation_started_at
        what = (
            "Lag aktivitetsplan, eller avslutt uten tiltak,"
            if case.investigation is not None and case.investigation.completed
            else "Dokumenter undersøkelsen og lag aktivitetsplan (eller avslutt uten tiltak)"
        )
        if started is None:
            return NextStep(f"{what} snarest")
        # The day the plan deadline's reminder comes ([routines] plan_school_days).
        on = school.calendar.add_school_days(started, school.plan_school_days)
        day = on.astimezone(school.calendar.zone).date()
        return NextStep(f"{what} snarest, senest", day, late=day < today)
    if case.state is CaseState.TILTAK:
        due_on = case.next_evaluation_on
        if due_on is None:
            return NextStep("Juster aktivitetsplanen")
        return NextStep("Evaluer aktivitetsplanen", due_on, late=due_on < today)
    return None


def case_view(
    svc: Services, case: Case, archive: ArchiveState | None = None, today: date | None = None
) -> CaseView:
    def name(person_id: str | None) -> str:
        return display_name(svc.directory, person_id)

    report = case.report
    people = set(case.members)
    for plan in case.plans:
        people.update(plan.responsible_ids)
        people.add(plan.created_by)
    people.update(e.by for e in case.evaluations)
    if case.investigation is not None:
        people.add(case.investigation.updated_by)
    owner = None
    if case.owner_notified_at is not None:
        local = case.owner_notified_at.astimezone(svc.school.calendar.zone)
        by = name(case.owner_notified_by) if case.owner_notified_by else SYSTEM_NAME
        owner = f"Skoleeier varslet {local:%d.%m.%Y kl. %H:%M} av {by}"
    return CaseView(
        case_id=case.id,
        reference=case.reference,
        state=case.state,
        state_label=STATE_LABELS[case.state],
        pupil_name=report.pupil_name,
        pupil_class=report.pupil_class,
        category_label=report.category_label,
        reported_at=case.created_at,
        reporter_name=name(case.reporter_id),
        description=report.description,
        signs=tuple(SIGNS.get(s, s) for s in report.signs),
        source_label=SOURCES.get(report.source, report.source),
        intervention=report.intervention,
        place=report.place,
        occurred_on=report.occurred_on,
        pupil_informed_label=PUPIL_INFORMED.get(report.pupil_informed, report.pupil_informed),
        intervened=report.intervened,
        staff_suspected=report.staff_suspected,
        leadership_suspected=report.leadership_suspected,
        urgent=case.urgent,
        about_leadership=case.forwarded_to_owner,
        serious=case.serious,
        owner_notified_text=owner,
        recipients=tuple(
            RecipientStatus(
                name(r.person_id), role_label(svc, case, r.person_id, r.reason), r.acknowledged_at
            )
            for r in case.recipients
        ),
        assignee_name=name(case.assignee_id) if case.assignee_id else None,
        member_names=tuple(name(m) for m in case.members),
        investigation=case.investigation,
        plans=tuple(case.plans),
        evaluations=tuple(case.evaluations),
        next_evaluation_on=case.next_evaluation_on,
        names={p: name(p) for p in people},
        members=tuple((m, name(m)) for m in case.members),
        archive_text=archive_text(svc, archive) if archive else None,
        next_step=next_step(svc, case, today or svc.today()),
    )


def _school_days_after(svc: Services, due: date, today: date) -> int:
    """How many school days an evaluation is late (0 on or before its date)."""
    calendar = svc.school.calendar
    return sum(
        1
        for offset in range(1, max(0, (today - due).days) + 1)
        if calendar.is_school_day(due + timedelta(days=offset))
    )


def reminder_text(svc: Services, due_on: date) -> str:
    """When the evaluation reminder really comes: the morning of the first school day on or
    after `due_on`, as the dispatcher sends it."""
    at = school_morning(svc.school.calendar, due_on)
    return f"{at:%d.%m.%Y} kl. {at:%H:%M}"


def _form(
    ctx: Ctx, case: Case, spec: FormSpec, card: Callable[..., dict[str, Any]], title: str
) -> None:
    """A form of the case, new or sent back by one of its own buttons with its answers:
    `card` takes them as `values`, and after «Rett opp» the `errors` to mark."""
    values, errors = sent_back(spec, ctx.data, today=ctx.today)
    ctx.out.private(card(errors=errors, values=values), title, case.id, case.reference)


async def send_export_link(
    ctx: Ctx, public_url: str, case_id: str, *, redacted: bool = False, pack: bool = False
) -> None:
    """The case card's PDF and rektor's documentation pack share the access check and the
    one-time link; only `pack` tells them apart."""
    svc = ctx.svc
    kind = "pack" if pack else "pdf"
    link = await followup.request_export(svc, case_id, ctx.person, redacted=redacted, kind=kind)
    case = await followup.open_case(svc, case_id, ctx.person)
    card = export_link_card(
        case.reference,
        f"{public_url}/export/{link.token}",
        redacted=redacted,
        expires_minutes=followup.EXPORT_LINK_MINUTES,
        pack=pack,
    )
    title = "Dokumentasjonspakke" if pack else "PDF"
    ctx.out.card(card, f"{title} for sak {case.reference}")


class CaseFlow:
    def __init__(self, public_url: str) -> None:
        self._public_url = public_url.rstrip("/")

    @staticmethod
    def _case_id(ctx: Ctx) -> str:
        return str(ctx.data[CASE])

    async def _show(self, ctx: Ctx, case: Case, note: str | None = None) -> None:
        if note:
            ctx.out.text(note)
        svc = ctx.svc
        async with svc.uow() as uow:
            archive = state_of(await uow.archive.for_case(case.id))
        recipient = case.recipient(ctx.me)
        is_rektor = recipient is not None and recipient.reason.heads_case
        card = case_card(
            case_view(svc, case, archive, ctx.today),
            can_act=sees(svc, case, ctx.me),
            can_manage=case.assignee_id == ctx.me or is_rektor,
            can_export=followup.may_export(case, ctx.person),
            can_archive=is_rektor and not archive.done,
            staff_choices=staff_choices(svc),
            default_next_evaluation=followup.proposed_evaluation(svc, ctx.today).day,
            today=ctx.today,
        )
        ctx.out.private(card, f"Sak {case.reference}", case.id, case.reference)

    async def open(self, ctx: Ctx) -> None:
        await self._show(ctx, await followup.open_case(ctx.svc, self._case_id(ctx), ctx.person))

    async def investigation_form(self, ctx: Ctx) -> None:
        case = await followup.open_case(ctx.svc, self._case_id(ctx), ctx.person)
        if case.recipient(ctx.me) is not None:
            started = await act_on_case(ctx.svc, case.id, ctx.me, Case.start_investigation)
            case = started.case or case
        # Sent back by «Vis dato og notat for valgte» or «Rett opp», it holds its answers.
        card = partial(
            investigation_form_card,
            case.id,
            case.reference,
            current=case.investigation,
            today=ctx.today,
        )
        _form(ctx, case, INVESTIGATION_FORM, card, "Undersøkelse")

    async def save_investigation(self, ctx: Ctx) -> None:
        values = _values(ctx.data)
        outcome = await followup.save_investigation(ctx.svc, self._case_id(ctx), ctx.person, values)
        await self._after(
            ctx,
            outcome,
            "Undersøkelsen er lagret.",
            lambda case, errors: investigation_errors_card(case.id, errors, values),
        )

    async def plan_form(self, ctx: Ctx) -> None:
        case = await followup.open_case(ctx.svc, self._case_id(ctx), ctx.person)
        # Sent back by «Legg til et tiltak» or «Rett opp», it holds its answers.
        spec = plan_form_for(staff_choices(ctx.svc, case))
        _form(ctx, case, spec, partial(self._plan_form, ctx, case), "Aktivitetsplan")

    async def evaluation_form(self, ctx: Ctx) -> None:
        """From the reminder: the plan in short and the evaluation form, closed in the chat
        after a while like every card with the case's text."""
        svc = ctx.svc
        case = await followup.open_case(svc, self._case_id(ctx), ctx.person)
        plan = case.current_plan
        if plan is None or case.next_evaluation_on is None:
            ctx.out.text("Det finnes ingen aktivitetsplan å evaluere i saken nå.")
            return
        proposal = followup.proposed_evaluation(svc, ctx.today)
        card = evaluation_card(
            case.id,
            case.reference,
            case.report.pupil_name,
            plan,
            due_on=case.next_evaluation_on,
            overdue_days=_school_days_after(svc, case.next_evaluation_on, ctx.today),
            default_next=proposal.day,
            next_note=proposal.note,
            names={p: display_name(svc.directory, p) for p in plan.responsible_ids},
            today=ctx.today,
        )
        ctx.out.private(card, "Evaluering", case.id, case.reference)

    async def save_plan(self, ctx: Ctx) -> None:
        version = _version(ctx.data)
        values = _values(ctx.data)
        outcome = await followup.save_plan(ctx.svc, self._case_id(ctx), ctx.person, version, values)
        saved = outcome.case.current_plan if outcome.case else None
        note = (
            f"Aktivitetsplanen (versjon {saved.version}) er lagret. Evaluering "
            f"{saved.evaluate_on:%d.%m.%Y}: de ansvarlige og lederen får påminnelse "
            f"{reminder_text(ctx.svc, saved.evaluate_on)}."
            if saved
            else "Lagret."
        )
        await self._after(
            ctx,
            outcome,
            note,
            lambda case, errors: plan_errors_card(case.id, version, errors, values),
        )

    async def conclusion_form(self, ctx: Ctx) -> None:
        case = await followup.open_case(ctx.svc, self._case_id(ctx), ctx.person)
        card = partial(conclusion_form_card, case.id, case.reference, today=ctx.today)
        _form(ctx, case, CONCLUSION_FORM, card, "Avslutt uten tiltak")

    async def save_conclusion(self, ctx: Ctx) -> None:
        values = _values(ctx.data)
        outcome = await followup.close_without_measures(
            ctx.svc, self._case_id(ctx), ctx.person, values
        )
        await self._after(
            ctx,
            outcome,
            "Saken er avsluttet uten tiltak: konklusjonen, elevens syn og barnets beste er "
            "dokumentert. Den sendes til arkivet (Websak).",
            lambda case, errors: conclusion_errors_card(case.id, errors, values),
        )

    async def add_member(self, ctx: Ctx) -> None:
        await self._membership(ctx, followup.add_member, MEMBER, "er lagt til i saken.")

    async def remove_member(self, ctx: Ctx) -> None:
        await self._membership(ctx, followup.remove_member, LEAVING, "er fjernet fra saken.")

    async def _membership(
        self,
        ctx: Ctx,
        change: Callable[[Services, str, Person, str], Awaitable[followup.FollowUp]],
        key: str,
        done: str,
    ) -> None:
        member = str(ctx.data.get(key) or "")
        outcome = await change(ctx.svc, self._case_id(ctx), ctx.person, member)
        if outcome.message or outcome.case is None:
            ctx.out.text(outcome.message or NO_ACCESS)
        else:
            await self._show(ctx, outcome.case, f"{display_name(ctx.svc.directory, member)} {done}")

    async def export(self, ctx: Ctx, *, redacted: bool = False) -> None:
        await send_export_link(ctx, self._public_url, self._case_id(ctx), redacted=redacted)

    async def export_redacted(self, ctx: Ctx) -> None:
        await self.export(ctx, redacted=True)

    def _plan_form(
        self,
        ctx: Ctx,
        case: Case,
        *,
        errors: Mapping[str, str] | None = None,
        values: Mapping[str, str] | None = None,
        version: int | None = None,
    ) -> dict[str, Any]:
        proposal = followup.proposed_evaluation(ctx.svc, ctx.today)
        return plan_form_card(
            case.id,
            case.reference,
            version=version or len(case.plans) + 1,
            previous=case.current_plan,
            staff_choices=staff_choices(ctx.svc, case),
            default_evaluate_on=proposal.day,
            evaluate_note=proposal.note,
            errors=errors,
            values=values,
            today=ctx.today,
        )

    async def evaluate(self, ctx: Ctx) -> None:
        svc = ctx.svc
        values = _values(ctx.data)
        version = _version(ctx.data)
        outcome = await followup.evaluate(svc, self._case_id(ctx), ctx.person, version, values)
        case = outcome.case
        if case is None:
            ctx.out.text(NO_ACCESS)
            return
        if outcome.errors is not None or outcome.message is not None:
            plan = case.current_plan
            recipient = case.recipient(ctx.me)
            is_rektor = recipient is not None and recipient.reason.heads_case
            closing = values.get("outcome") == Outcome.CLOSE.value
            errors = outcome.errors.messages if outcome.errors else None
            if errors is None and is_rektor and closing and outcome.message:
                # Rektor may close before the evaluation date, with a written reason.
                errors = {OVERRIDE_FIELD: outcome.message}
            if errors is None or plan is None:
                ctx.out.text(outcome.message or "Ingen plan å evaluere.")
                return
            card = evaluation_errors_card(
                case.id,
                plan_version=plan.version,
                default_next=followup.proposed_evaluation(svc, ctx.today).day,
                errors=errors,
                values=values,
                today=ctx.today,
                can_override=is_rektor,
            )
            ctx.out.private(card, "Rett opp evalueringen", case.id, case.reference)
            return
        last = case.evaluations[-1]
        if last.outcome is Outcome.ADJUST:
            ctx.out.text(
                "Evalueringen er lagret. Lag den justerte planen "
                "(ny versjon – den gamle tas vare på):"
            )
            ctx.out.private(self._plan_form(ctx, case), "Aktivitetsplan", case.id, case.reference)
        elif last.outcome is Outcome.CLOSE:
            await self._show(
                ctx,
                case,
                "Saken er avsluttet og sendes til arkivet (Websak). Kvitteringen kommer på saken.",
            )
        else:
            next_on = case.next_evaluation_on
            await self._show(
                ctx,
                case,
                f"Evalueringen er lagret. Neste evaluering: {next_on:%d.%m.%Y} "
                f"(påminnelse {reminder_text(svc, next_on)})."
                if next_on
                else "Evalueringen er lagret.",
            )

    async def _after(
        self, ctx: Ctx, outcome: followup.FollowUp, note: str, refused: ErrorsCard
    ) -> None:
        case = outcome.case
        if case is None:
            ctx.out.text(NO_ACCESS)
        elif outcome.errors is not None:
            ctx.out.private(
                refused(case, outcome.errors.messages), "Rett opp skjemaet", case.id, case.reference
            )
        elif outcome.message is not None:
            ctx.out.text(outcome.message)
        else:
            await self._show(ctx, case, note)


def refused(ctx: Ctx, error: AccessDenied) -> None:
    """The one answer for a case action someone may not take, or on a case that is not there."""
    log.warning("case %s: refused for %s", ctx.data.get(CASE), ctx.me)
    ctx.out.text(error.message)
