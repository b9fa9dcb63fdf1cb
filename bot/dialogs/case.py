"""The case over Teams turns: open it, investigate, plan, evaluate, add people, export, log.

Each form is a card whose submit carries the case id (and the plan version it was made from);
every turn loads the case afresh and checks access, so a stale card cannot see or change
anything its presser may not.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from botbuilder.core import TurnContext

from bot.cards.actions import CASE, PUPIL, VERB, VERSION, Verb
from bot.cards.alert import RecipientStatus
from bot.cards.case import CaseView, case_card, no_access_text
from bot.cards.export import export_link_card
from bot.cards.followup import evaluation_card, investigation_form_card, plan_form_card
from bot.cards.log import observation_form_card, observation_saved_text, pupil_log_card
from bot.dialogs.report import card_message
from bot.domain.case import STATE_LABELS, AccessDenied, Case
from bot.domain.followup import Outcome
from bot.domain.people import Person, Role
from bot.domain.report import SIGNS, SOURCES
from bot.domain.routing import Reason
from bot.services import followup
from bot.services.alerts import ROLE_LABELS
from bot.services.context import Services
from bot.services.reporting import act_on_case

log = logging.getLogger(__name__)

CASE_VERBS = frozenset(
    {
        Verb.CASE_OPEN,
        Verb.INVESTIGATION_FORM,
        Verb.INVESTIGATION_SAVE,
        Verb.PLAN_FORM,
        Verb.PLAN_SAVE,
        Verb.EVALUATION_SAVE,
        Verb.ADD_MEMBER,
        Verb.EXPORT,
        Verb.EXPORT_REDACTED,
    }
)
LOG_VERBS = frozenset({Verb.LOG_START, Verb.LOG_SAVE, Verb.LOG_VIEW})


def _values(data: Mapping[str, Any]) -> dict[str, object]:
    """The inputs of a submitted form, without the action's own keys."""
    return {k: v for k, v in data.items() if k not in (VERB, CASE, VERSION)}


def _text_values(values: Mapping[str, object]) -> dict[str, str]:
    return {k: v for k, v in values.items() if isinstance(v, str)}


def _version(data: Mapping[str, Any]) -> int | None:
    raw = data.get(VERSION)
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    return None


class CaseFlow:
    def __init__(self, svc: Services, public_url: str) -> None:
        self._svc = svc
        self._public_url = public_url.rstrip("/")

    # --- helpers -----------------------------------------------------------------------------

    def _today(self) -> date:
        return followup.today(self._svc)

    def _name(self, person_id: str | None) -> str:
        if person_id is None:
            return "Ukjent ansatt"
        person = self._svc.directory.person(person_id)
        return person.name if person else "Ukjent ansatt"

    def _staff_choices(self, case: Case | None = None) -> list[tuple[str, str]]:
        """Everyone, or for a plan the staff who can carry it: the leadership, the miljøteam,
        the people on the case and the reporter's team. Every row of the plan form carries
        the list, and a card must stay under Teams' size limit."""
        staff = self._svc.school.staff
        if case is not None:
            reporter = self._svc.directory.person(case.reporter_id)
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

    def view(self, case: Case) -> CaseView:
        report = case.report
        people = set(case.members)
        for plan in case.plans:
            people.update(plan.responsible_ids)
            people.add(plan.created_by)
        people.update(e.by for e in case.evaluations)
        owner = None
        if case.owner_notified_at is not None:
            local = case.owner_notified_at.astimezone(self._svc.school.calendar.zone)
            owner = (
                f"Skoleeier varslet {local:%d.%m.%Y kl. %H:%M} av "
                f"{self._name(case.owner_notified_by)}"
            )
        return CaseView(
            case_id=case.id,
            reference=case.reference,
            state=case.state,
            state_label=STATE_LABELS[case.state],
            pupil_name=report.pupil_name,
            pupil_class=report.pupil_class,
            category_label=report.category_label,
            reported_at=case.created_at,
            reporter_name=self._name(case.reporter_id),
            description=report.description,
            signs=tuple(SIGNS.get(s, s) for s in report.signs),
            source_label=SOURCES.get(report.source, report.source),
            intervention=report.intervention,
            urgent=case.urgent,
            serious=report.serious,
            owner_notified_text=owner,
            recipients=tuple(
                RecipientStatus(self._name(r.person_id), ROLE_LABELS[r.reason], r.acknowledged_at)
                for r in case.recipients
            ),
            assignee_name=self._name(case.assignee_id) if case.assignee_id else None,
            member_names=tuple(self._name(m) for m in case.members),
            investigation=case.investigation,
            plans=tuple(case.plans),
            evaluations=tuple(case.evaluations),
            next_evaluation_on=case.next_evaluation_on,
            names={p: self._name(p) for p in people},
        )

    async def _show(
        self, turn_context: TurnContext, case: Case, person: Person, note: str | None = None
    ) -> None:
        if note:
            await turn_context.send_activity(note)
        recipient = case.recipient(person.aad_object_id)
        card = case_card(
            self.view(case),
            can_act=case.can_view(person.aad_object_id),
            can_manage=case.assignee_id == person.aad_object_id
            or (recipient is not None and recipient.reason is Reason.REKTOR),
            can_export=followup.may_export(case, person),
            staff_choices=self._staff_choices(),
            default_next_evaluation=self._today()
            + timedelta(weeks=self._svc.school.evaluation_weeks),
            today=self._today(),
        )
        await turn_context.send_activity(card_message(card, f"Sak {case.reference}"))

    # --- cases -------------------------------------------------------------------------------

    async def handle(
        self, turn_context: TurnContext, person: Person, data: Mapping[str, Any]
    ) -> None:
        verb = data[VERB]
        case_id = data.get(CASE)
        if not isinstance(case_id, str) or not case_id:
            await turn_context.send_activity(
                "Kortet mangler saksnummer. Åpne saken fra «Mine saker»."
            )
            return
        try:
            await self._dispatch(turn_context, person, str(verb), case_id, data)
        except AccessDenied:
            log.warning("case %s: %s refused for %s", case_id, verb, person.aad_object_id)
            await turn_context.send_activity(no_access_text())

    async def _dispatch(
        self,
        turn_context: TurnContext,
        person: Person,
        verb: str,
        case_id: str,
        data: Mapping[str, Any],
    ) -> None:
        svc = self._svc
        if verb == Verb.CASE_OPEN:
            await self._show(turn_context, await followup.open_case(svc, case_id, person), person)
        elif verb == Verb.INVESTIGATION_FORM:
            case = await followup.open_case(svc, case_id, person)
            if case.recipient(person.aad_object_id) is not None:
                started = await act_on_case(
                    svc, case_id, person.aad_object_id, Verb.START_INVESTIGATION
                )
                case = started.case or case
            card = investigation_form_card(
                case.id, case.reference, current=case.investigation, today=self._today()
            )
            await turn_context.send_activity(card_message(card, "Undersøkelse"))
        elif verb == Verb.INVESTIGATION_SAVE:
            values = _values(data)
            outcome = await followup.save_investigation(svc, case_id, person, values)
            await self._after(
                turn_context,
                person,
                outcome,
                "Undersøkelsen er lagret.",
                lambda case, errors: investigation_form_card(
                    case.id,
                    case.reference,
                    current=case.investigation,
                    errors=errors,
                    values=_text_values(values),
                    today=self._today(),
                ),
            )
        elif verb == Verb.PLAN_FORM:
            case = await followup.open_case(svc, case_id, person)
            await turn_context.send_activity(card_message(self._plan_form(case), "Aktivitetsplan"))
        elif verb == Verb.PLAN_SAVE:
            version = _version(data) or 0
            values = _values(data)
            outcome = await followup.save_plan(svc, case_id, person, version, values)
            saved = outcome.case.current_plan if outcome.case else None
            note = (
                f"Aktivitetsplanen (versjon {saved.version}) er lagret. Evaluering "
                f"{saved.evaluate_on:%d.%m.%Y}: de ansvarlige og lederen får påminnelse."
                if saved
                else "Lagret."
            )
            await self._after(
                turn_context,
                person,
                outcome,
                note,
                lambda case, errors: self._plan_form(
                    case, errors=errors, values=_text_values(values), version=version
                ),
            )
        elif verb == Verb.EVALUATION_SAVE:
            await self._evaluate(turn_context, person, case_id, data)
        elif verb == Verb.ADD_MEMBER:
            member = data.get("member")
            outcome = await followup.add_member(svc, case_id, person, str(member or ""))
            if outcome.message or outcome.case is None:
                await turn_context.send_activity(outcome.message or no_access_text())
            else:
                await self._show(
                    turn_context,
                    outcome.case,
                    person,
                    f"{self._name(str(member))} er lagt til i saken.",
                )
        elif verb in (Verb.EXPORT, Verb.EXPORT_REDACTED):
            redacted = verb == Verb.EXPORT_REDACTED
            link = await followup.request_export(svc, case_id, person, redacted=redacted)
            case = await followup.open_case(svc, case_id, person)
            card = export_link_card(
                case.reference,
                f"{self._public_url}/export/{link.token}",
                redacted=redacted,
                expires_minutes=followup.EXPORT_LINK_MINUTES,
            )
            await turn_context.send_activity(card_message(card, f"PDF for sak {case.reference}"))

    def _plan_form(
        self,
        case: Case,
        *,
        errors: Mapping[str, str] | None = None,
        values: Mapping[str, str] | None = None,
        version: int | None = None,
    ) -> dict[str, Any]:
        return plan_form_card(
            case.id,
            case.reference,
            version=version or len(case.plans) + 1,
            previous=case.current_plan,
            staff_choices=self._staff_choices(case),
            default_evaluate_on=self._today() + timedelta(weeks=self._svc.school.evaluation_weeks),
            errors=errors,
            values=values,
            today=self._today(),
        )

    async def _evaluate(
        self, turn_context: TurnContext, person: Person, case_id: str, data: Mapping[str, Any]
    ) -> None:
        values = _values(data)
        version = _version(data) or 0
        outcome = await followup.evaluate(self._svc, case_id, person, version, values)
        case = outcome.case
        if case is None:
            await turn_context.send_activity(no_access_text())
            return
        if outcome.errors is not None or outcome.message is not None:
            plan = case.current_plan
            if outcome.message or plan is None:
                await turn_context.send_activity(outcome.message or "Ingen plan å evaluere.")
                return
            today = self._today()
            card = evaluation_card(
                case.id,
                case.reference,
                case.report.pupil_name,
                plan,
                due_on=case.next_evaluation_on or plan.evaluate_on,
                overdue_days=0,
                default_next=today + timedelta(weeks=self._svc.school.evaluation_weeks),
                names={p: self._name(p) for p in plan.responsible_ids},
                errors=outcome.errors.messages if outcome.errors else None,
                values=_text_values(values),
                today=today,
            )
            await turn_context.send_activity(card_message(card, "Evaluering"))
            return
        last = case.evaluations[-1]
        if last.outcome is Outcome.ADJUST:
            await turn_context.send_activity(
                "Evalueringen er lagret. Lag den justerte planen "
                "(ny versjon – den gamle tas vare på):"
            )
            await turn_context.send_activity(card_message(self._plan_form(case), "Aktivitetsplan"))
        elif last.outcome is Outcome.CLOSE:
            await self._show(
                turn_context,
                case,
                person,
                "Saken er avsluttet. Husk å arkivere den i Vigilo/Websak («Eksporter PDF»).",
            )
        else:
            next_on = case.next_evaluation_on
            await self._show(
                turn_context,
                case,
                person,
                f"Evalueringen er lagret. Neste evaluering: {next_on:%d.%m.%Y}."
                if next_on
                else "Evalueringen er lagret.",
            )

    async def _after(
        self,
        turn_context: TurnContext,
        person: Person,
        outcome: followup.FollowUp,
        note: str,
        form: Any,
    ) -> None:
        case = outcome.case
        if case is None:
            await turn_context.send_activity(no_access_text())
        elif outcome.errors is not None:
            card = form(case, outcome.errors.messages)
            await turn_context.send_activity(card_message(card, "Rett opp skjemaet"))
        elif outcome.message is not None:
            await turn_context.send_activity(outcome.message)
        else:
            await self._show(turn_context, case, person, note)

    # --- the log (følge med) -----------------------------------------------------------------

    async def log_form(self, turn_context: TurnContext) -> None:
        card = observation_form_card(today=self._today())
        await turn_context.send_activity(card_message(card, "Logg en observasjon"))

    async def handle_log(
        self, turn_context: TurnContext, person: Person, data: Mapping[str, Any]
    ) -> None:
        verb = data[VERB]
        if verb == Verb.LOG_START:
            await self.log_form(turn_context)
        elif verb == Verb.LOG_SAVE:
            values = _values(data)
            logged = await followup.record_observation(self._svc, person, values)
            if logged.errors is not None:
                card = observation_form_card(
                    values=_text_values(values), errors=logged.errors.messages, today=self._today()
                )
                await turn_context.send_activity(card_message(card, "Rett opp skjemaet"))
                return
            await turn_context.send_activity(observation_saved_text(logged.recent))
        elif verb == Verb.LOG_VIEW:
            key = data.get(PUPIL)
            try:
                observations = await followup.pupil_log(self._svc, person, str(key or ""))
            except AccessDenied:
                await turn_context.send_activity(
                    "Ingen tilgang: bare skolens ledelse kan se en elevs logg."
                )
                return
            if not observations:
                await turn_context.send_activity("Det finnes ingen observasjoner om eleven.")
                return
            first = observations[0]
            card = pupil_log_card(
                first.pupil_name,
                first.pupil_class,
                observations,
                {o.author_id: self._name(o.author_id) for o in observations},
            )
            await turn_context.send_activity(card_message(card, "Elevens logg"))
