"""The bot's side of every turn, whichever SDK carried it here.

Every turn first stores the sender's personal conversation reference, so alerts can reach them
proactively later, also after a restart. Then a typed message goes to the intent it names, a
card's button to its route (`bot.dialogs.routes`), after its ids were checked.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.cards.actions import CASE, DRAFT, SCHOOL, VERB, Verb
from bot.cards.schools import school_choice_card
from bot.dialogs.archive import ArchiveFlow
from bot.dialogs.case import CaseFlow
from bot.dialogs.context import Ctx
from bot.dialogs.home import Home
from bot.dialogs.ids import FORMATS, malformed
from bot.dialogs.log import LogFlow
from bot.dialogs.questions import QuestionFlow
from bot.dialogs.report import ReportFlow
from bot.dialogs.routes import Route, routing_table
from bot.dialogs.turn import InvokeAnswer, Replies, Turn, TurnKind
from bot.domain.case import AccessDenied
from bot.domain.people import Person, unknown_person
from bot.domain.school import SCHOOL_ID, School
from bot.knowledge import KnowledgeBase
from bot.services.context import Services
from bot.services.delivery import pending_failure_notice
from bot.services.followup import record_refusal
from bot.services.intents import Intent, classify
from bot.services.ports import ConversationRef
from bot.services.schools import Schools

log = logging.getLogger(__name__)

MAX_TEXT = 4000
REMEMBER_AGAIN = timedelta(hours=1)
"""A chat already stored is stored again after this, so `updated_at` stays roughly true."""
REMEMBERED_MAX = 10_000
STALE_CARD = "Kortet er utdatert eller ufullstendig. Skriv «hjelp» for å se hva jeg kan gjøre."
UNKNOWN_BUTTON = "Denne knappen kjenner jeg ikke igjen. Skriv «hjelp» for å se hva jeg kan gjøre."


NOT_STAFF = (
    "Jeg finner deg ikke blant de ansatte på skolene i Trygg skole. Be rektor på skolen din "
    "legge deg inn, så kan du melde fra her."
)
OWNER_DOES_NOT_REPORT = (
    "Du er registrert hos skoleeier. Skolens ansatte melder fra her; du får sakene som gjelder "
    "skolenes ledelse, og beskjed om alvorlige saker. Skriv «mine saker» for å se dem."
)
SCHOOL_BOUND = frozenset(
    {Verb.START_REPORT, Verb.LOG_START, Verb.LOG_SAVE, Verb.LOG_VIEW, Verb.REPORT_SUBMIT}
)
"""Presses that start something in one school: someone at several must say which first."""


@dataclass(frozen=True)
class Placed:
    """Which school's use cases a turn goes to."""

    svc: Services
    schools: tuple[Services, ...]
    """The schools the person acts in (every school for the owner's people)."""
    certain: bool
    """False: the person is at several schools (or none) and nothing on the card said which."""


class Conversation:
    def __init__(
        self,
        schools: Schools,
        knowledge: Callable[[School], KnowledgeBase],
        *,
        public_url: str = "http://127.0.0.1:3978",
        on_conversation: Callable[[ConversationRef], None] | None = None,
        prefetch: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._schools = schools
        self._home = Home(schools.locator)
        self._report = ReportFlow()
        self._log = LogFlow()
        self._questions = QuestionFlow(knowledge)
        self.routes: Mapping[Verb, Route] = routing_table(
            home=self._home,
            report=self._report,
            case=CaseFlow(public_url),
            log=self._log,
            questions=self._questions,
            archive=ArchiveFlow(public_url),
        )
        self._verbs = frozenset(v.value for v in self.routes)
        self._on_conversation = on_conversation
        self._remembered: dict[str, tuple[str, str, datetime]] = {}
        self._prefetch = prefetch
        self._intents: Mapping[Intent, Callable[[Ctx], Awaitable[object]]] = {
            Intent.REPORT: self._report.start,
            Intent.MY_CASES: self._home.my_cases,
            Intent.LOG: self._log.form,
            Intent.CANCEL: self._home.nothing_to_cancel,
            Intent.HELP: self._home.help,
            Intent.STATS: self.routes[Verb.STATS].handler,
        }

    async def handle(self, turn: Turn) -> Replies:
        out = Replies()
        data = _card_data(turn)
        placed = await self._place(turn, data)
        await self._remember(turn, placed)
        if self._prefetch is not None and turn.user_id:
            # Entra ID (manager, name) for this sender; bounded and never raises.
            await self._prefetch(turn.user_id)
        svc = placed.svc
        out.school = svc.school.id
        ctx = Ctx(svc, turn, self._person(svc, turn), {}, out, placed.schools)
        if turn.kind is TurnKind.MESSAGE:
            await self._message(ctx, placed)
        elif turn.kind is TurnKind.CARD_ACTION:
            await self._card(ctx, turn.verb, turn.action_data, placed, execute=True)
        elif turn.kind is TurnKind.INSTALLED:
            await self._home.welcome(ctx)
        if placed.certain and len(placed.schools) > 1:
            # The next press on these cards goes to this school without asking again.
            out.stamp(svc.school.id)
        return out

    async def _place(self, turn: Turn, data: Mapping[str, Any]) -> Placed:
        schools = self._schools
        user = turn.user_id or ""
        mine = tuple(schools.services) if schools.owner_person(user) else schools.of_person(user)
        default = mine[0] if mine else schools.first
        named = data.get(SCHOOL)
        if isinstance(named, str) and SCHOOL_ID.fullmatch(named):
            found = schools.get(named)
            if found is not None and found in mine:
                return Placed(found, mine, True)
            return Placed(default, mine, False)  # a school they are not at (any more): ask
        for key, locate in (
            (CASE, schools.locator.school_of_case),
            (DRAFT, schools.locator.school_of_draft),
        ):
            value = data.get(key)
            if isinstance(value, str) and FORMATS[key].fullmatch(value):
                school_id = await locate(value)
                found = schools.get(school_id) if school_id else None
                # A case of a school the person is not at: that school refuses, and audits it.
                return Placed(found or default, mine, True)
        single = len(mine) == 1 or (not mine and len(schools.services) == 1)
        return Placed(default, mine, single)

    async def _remember(self, turn: Turn, placed: Placed) -> None:
        if turn.user_id is None or turn.reference is None or not turn.personal:
            return  # only 1:1 chats are used for alerts
        # Each school sends from its own records: staff are remembered at each of theirs, and
        # the owner's people at every school (any school's case may need them).
        staff_of = (
            tuple(self._schools.services)
            if self._schools.owner_person(turn.user_id) is not None
            else self._schools.of_person(turn.user_id)
        )
        targets = staff_of if len(staff_of) > 1 else (placed.svc,)
        now = placed.svc.clock.now()
        seen = (turn.conversation_id, turn.service_url or "")
        last = self._remembered.get(turn.user_id)
        if last is not None and last[:2] == seen and now - last[2] < REMEMBER_AGAIN:
            return  # stored already: a write per turn is the costliest part of a short turn
        ref = ConversationRef(
            user_id=turn.user_id,
            tenant_id=turn.tenant_id,
            service_url=turn.service_url or "",
            conversation_id=turn.conversation_id,
            reference=dict(turn.reference),
            updated_at=now,
        )
        if self._on_conversation is not None:
            self._on_conversation(ref)
        for svc in targets:
            async with svc.uow() as uow:
                await uow.conversations.upsert(ref)
                await uow.commit()
        if len(self._remembered) >= REMEMBERED_MAX:
            self._remembered.clear()
        self._remembered[turn.user_id] = (*seen, now)

    @staticmethod
    def _person(svc: Services, turn: Turn) -> Person:
        user_id = turn.user_id or "ukjent"
        return svc.directory.person(user_id) or unknown_person(user_id, turn.user_name)

    async def _message(self, ctx: Ctx, placed: Placed) -> None:
        notice = await pending_failure_notice(ctx.svc, ctx.me)
        if notice:
            ctx.out.text(notice)
        value = ctx.turn.value
        if value is not None:
            if isinstance(value, Mapping) and isinstance(value.get(VERB), str):
                await self._card(ctx, value[VERB], value, placed, execute=False)
            else:
                ctx.out.text(
                    "Jeg forsto ikke svaret fra kortet. Skriv «hjelp» for å se hva jeg kan gjøre."
                )
            return
        text = ctx.turn.text
        if text is not None and len(text) > MAX_TEXT:
            ctx.out.text("Meldingen er for lang for meg. Skriv kort hva du vil, f.eks. «meld fra».")
            return
        intent = classify(text)
        handler = self._intents.get(intent)
        verb = {Intent.REPORT: Verb.START_REPORT, Intent.LOG: Verb.LOG_START}.get(intent)
        if verb is not None and not self._may_start(ctx, placed):
            self._ask_school(ctx, placed, verb, {})
        elif handler is not None:
            await handler(ctx)
        elif not (text and await self._questions.answer(ctx)):
            await self._home.help(ctx)  # nothing in the plan either: show what I can do

    async def _card(
        self, ctx: Ctx, verb: object, data: Mapping[str, Any], placed: Placed, *, execute: bool
    ) -> None:
        known = isinstance(verb, str) and verb in self._verbs
        route = self.routes[Verb(str(verb))] if known else None
        if route is None or route.execute is not execute:
            self._refuse(ctx, UNKNOWN_BUTTON, execute=execute)
            return
        bad = malformed(data, route.requires)
        if bad is not None:
            log.info("card %s refused: %s is missing or malformed", verb, bad)
            self._refuse(ctx, STALE_CARD, execute=execute)
            return
        if Verb(str(verb)) in SCHOOL_BOUND and not self._may_start(ctx, placed):
            self._ask_school(ctx, placed, Verb(str(verb)), data)
            return
        ctx.data = data
        try:
            await route.handler(ctx)
        except AccessDenied as error:
            log.warning("%s refused for %s", verb, ctx.me)
            case_id = data.get(CASE)
            await record_refusal(
                ctx.svc, case_id if isinstance(case_id, str) else None, ctx.me, str(verb)
            )
            self._refuse(ctx, error.message, execute=execute)

    def _may_start(self, ctx: Ctx, placed: Placed) -> bool:
        return placed.certain and self._schools.owner_person(ctx.me) is None

    def _ask_school(self, ctx: Ctx, placed: Placed, verb: Verb, data: Mapping[str, Any]) -> None:
        if self._schools.owner_person(ctx.me) is not None:
            ctx.out.text(OWNER_DOES_NOT_REPORT)
        elif not placed.schools:
            ctx.out.text(NOT_STAFF)
        else:
            choices = [(s.school.id, s.school.name) for s in placed.schools]
            ctx.out.card(school_choice_card(choices, verb, data), "Velg skole")

    @staticmethod
    def _refuse(ctx: Ctx, text: str, *, execute: bool) -> None:
        if execute:
            ctx.out.invoke = InvokeAnswer.bad_request(text)
        else:
            ctx.out.text(text)


def _card_data(turn: Turn) -> Mapping[str, Any]:
    """What a press carries (its ids say which school the turn belongs to)."""
    if turn.kind is TurnKind.CARD_ACTION:
        return turn.action_data
    value = turn.value
    return value if isinstance(value, Mapping) else {}
