"""The Teams bot: turns activities into use cases and use-case results into Teams replies.

Every inbound activity first stores the sender's personal conversation reference, so alerts can
reach them proactively later, also after a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.schema import ChannelAccount

from bot.cards.actions import ALERT_VERBS, CASE, SECTION, VERB, Verb
from bot.cards.cases import CaseLine, my_cases_card
from bot.cards.help import help_card
from bot.dialogs.case import CASE_VERBS, LOG_VERBS, CaseFlow
from bot.dialogs.questions import answer_question, section_reply
from bot.dialogs.report import ReportFlow, card_message
from bot.domain.people import Person, unknown_person
from bot.knowledge import KnowledgeBase
from bot.services.alerts import alert_for
from bot.services.cases import my_cases, needs, next_step, state_label
from bot.services.context import Services
from bot.services.delivery import pending_failure_notice
from bot.services.intents import Intent, classify
from bot.services.ports import ConversationRef
from bot.services.reporting import act_on_case
from bot.teams.notifier import conversation_ref

log = logging.getLogger(__name__)

ADAPTIVE = "application/vnd.microsoft.card.adaptive"
REPORT_VERBS = frozenset(
    {Verb.REPORT_SUBMIT, Verb.REPORT_CONFIRM, Verb.REPORT_EDIT, Verb.REPORT_CANCEL}
)


def sender_id(turn_context: TurnContext) -> str | None:
    sender = turn_context.activity.from_property
    if sender is None:
        return None
    found: str | None = sender.aad_object_id or sender.id
    return found


class TryggSkoleBot(ActivityHandler):
    def __init__(
        self,
        svc: Services,
        knowledge: KnowledgeBase,
        *,
        public_url: str = "http://127.0.0.1:3978",
        on_conversation: Callable[[ConversationRef], None] | None = None,
        prefetch: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._svc = svc
        self._knowledge = knowledge
        self._report = ReportFlow(svc)
        self._case = CaseFlow(svc, public_url)
        self._on_conversation = on_conversation
        self._prefetch = prefetch

    # --- every turn ---------------------------------------------------------------------------

    async def on_turn(self, turn_context: TurnContext) -> None:
        await self._remember_conversation(turn_context)
        user_id = sender_id(turn_context)
        if self._prefetch is not None and user_id:
            # Entra ID (manager, name) for this sender; bounded and never raises.
            await self._prefetch(user_id)
        await super().on_turn(turn_context)

    async def _remember_conversation(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        user_id = sender_id(turn_context)
        conversation = activity.conversation
        if user_id is None or conversation is None or not conversation.id:
            return
        if conversation.conversation_type not in (None, "personal"):
            return  # only 1:1 chats are used for alerts
        if activity.recipient is not None and user_id == activity.recipient.id:
            return
        ref = conversation_ref(turn_context, user_id, self._svc.clock.now())
        if self._on_conversation is not None:
            self._on_conversation(ref)
        async with self._svc.uow() as uow:
            await uow.conversations.upsert(ref)
            await uow.commit()

    def _person(self, turn_context: TurnContext) -> Person:
        user_id = sender_id(turn_context) or "ukjent"
        person = self._svc.directory.person(user_id)
        if person is not None:
            return person
        name = (
            turn_context.activity.from_property.name
            if turn_context.activity.from_property
            else None
        )
        return unknown_person(user_id, name)

    # --- messages -----------------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        person = self._person(turn_context)
        notice = await pending_failure_notice(self._svc, person.aad_object_id)
        if notice:
            await turn_context.send_activity(notice)
        value = turn_context.activity.value
        if value is not None:
            if isinstance(value, Mapping) and isinstance(value.get(VERB), str):
                await self._on_card(turn_context, person, value)
            else:
                await turn_context.send_activity(
                    "Jeg forsto ikke svaret fra kortet. Skriv «hjelp» for å se hva jeg kan gjøre."
                )
            return
        text = turn_context.activity.text
        if text is not None and len(text) > 4000:
            await turn_context.send_activity(
                "Meldingen er for lang for meg. Skriv kort hva du vil, f.eks. «meld fra»."
            )
            return
        await self._on_intent(turn_context, person, classify(text))

    async def _on_intent(self, turn_context: TurnContext, person: Person, intent: Intent) -> None:
        if intent is Intent.REPORT:
            await self._report.start(turn_context)
        elif intent is Intent.MY_CASES:
            await self._my_cases(turn_context, person)
        elif intent is Intent.LOG:
            await self._case.log_form(turn_context)
        elif intent is Intent.CANCEL:
            await turn_context.send_activity(
                "Det er ingenting å avbryte. Skjemaer som ikke er sendt, lagres ikke."
            )
        elif intent in (Intent.QUESTION, Intent.UNKNOWN) and turn_context.activity.text:
            await self._answer(turn_context, person, turn_context.activity.text)
        else:
            await self._help(turn_context)

    async def _answer(self, turn_context: TurnContext, person: Person, question: str) -> None:
        """Answers from the plan; the question itself is never logged (it may name a pupil)."""
        directory = self._svc.directory
        leader = directory.nearest_leader(person) or directory.rektor()
        rektor = directory.rektor()
        reply = answer_question(
            question,
            self._knowledge,
            leader_name=leader.name if leader else None,
            rektor_name=rektor.name if rektor else None,
        )
        if reply is None:
            await self._help(turn_context)  # nothing in the plan either: show what I can do
            return
        answer = reply.answer
        if answer is not None:
            log.info(
                "question %s: section %s, source %s, route %s",
                answer.decision if not answer.answered else "answered",
                answer.section_id or (answer.sections[0] if answer.sections else None),
                answer.source,
                answer.route,
            )
        await turn_context.send_activity(card_message(reply.card, reply.summary))

    async def _section(self, turn_context: TurnContext, section_id: object) -> None:
        reply = section_reply(section_id, self._knowledge)
        if reply is None:
            await turn_context.send_activity("Finner ikke det punktet i planen.")
            return
        await turn_context.send_activity(card_message(reply.card, reply.summary))

    async def _on_card(
        self, turn_context: TurnContext, person: Person, data: Mapping[str, Any]
    ) -> None:
        verb = data[VERB]
        if verb in REPORT_VERBS:
            await self._report.handle(turn_context, person, data)
        elif verb in CASE_VERBS:
            await self._case.handle(turn_context, person, data)
        elif verb in LOG_VERBS:
            await self._case.handle_log(turn_context, person, data)
        elif verb == Verb.START_REPORT:
            await self._report.start(turn_context)
        elif verb == Verb.MY_CASES:
            await self._my_cases(turn_context, person)
        elif verb == Verb.ASK:
            await turn_context.send_activity(
                "Skriv spørsmålet ditt om rutinene, f.eks. «hvordan melder jeg fra?»."
            )
        elif verb == Verb.HELP:
            await self._help(turn_context)
        elif verb == Verb.READ_SECTION:
            await self._section(turn_context, data.get(SECTION))
        else:
            await turn_context.send_activity(
                "Denne knappen kjenner jeg ikke igjen. Skriv «hjelp» for å se hva jeg kan gjøre."
            )

    async def _help(self, turn_context: TurnContext, *, welcome: bool = False) -> None:
        card = help_card(self._svc.school.name, welcome=welcome)
        await turn_context.send_activity(card_message(card, "Trygg skole"))

    async def _my_cases(self, turn_context: TurnContext, person: Person) -> None:
        cases = await my_cases(self._svc, person)
        card = my_cases_card(
            [
                CaseLine(
                    c.id,
                    c.reference,
                    state_label(c),
                    c.created_at,
                    c.report.pupil_name,
                    needs(c, person.aad_object_id),
                    c.next_evaluation_on,
                    next_step(c),
                )
                for c in cases.routed
            ],
            [
                CaseLine(c.id, c.reference, state_label(c), c.created_at, None)
                for c in cases.reported
            ],
        )
        await turn_context.send_activity(card_message(card, "Mine saker"))

    # --- installation -------------------------------------------------------------------------

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._help(turn_context, welcome=True)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        # Teams says hello through installationUpdate; the Emulator and the Agents Playground
        # add the user to the conversation instead.
        if turn_context.activity.channel_id == "msteams":
            return
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(member.id != bot_id for member in members_added):
            await self._help(turn_context, welcome=True)

    # --- Universal Actions on alert cards -----------------------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        """Answers `adaptiveCard/action` with a plain dict body.

        The SDK's own path (`on_adaptive_card_invoke`) serializes the answer to a dict and
        `CloudAdapter.process` then serializes it again, which fails (teams-sdk#2547); its model
        also cannot carry the string `value` a message answer needs. `bot/teams/endpoint.py`
        writes the dict as it is.
        """
        if turn_context.activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        body = await self._card_action(turn_context)
        return InvokeResponse(status=200, body=body)

    async def _card_action(self, turn_context: TurnContext) -> dict[str, Any]:
        value = turn_context.activity.value
        action = value.get("action") if isinstance(value, Mapping) else None
        verb = action.get("verb") if isinstance(action, Mapping) else None
        data = action.get("data") if isinstance(action, Mapping) else None
        case_id = data.get(CASE) if isinstance(data, Mapping) else None
        if verb not in ALERT_VERBS or not isinstance(case_id, str):
            return _message_response("Kortet er utdatert eller ufullstendig.")
        person = self._person(turn_context)
        outcome = await act_on_case(self._svc, case_id, person.aad_object_id, str(verb))
        if outcome.case is None:
            return _message_response(outcome.error or "Du har ikke tilgang til denne saken.")
        card = alert_for(self._svc, outcome.case, person.aad_object_id, notice=outcome.error)
        return {"statusCode": 200, "type": ADAPTIVE, "value": card}


def _message_response(text: str) -> dict[str, Any]:
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}
