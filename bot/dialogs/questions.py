"""Which card answers a typed question, decided without the Bot Framework.

The turn (`QuestionFlow`) only sends what this returns, so the decision — answer
with a citation, say «jeg er ikke sikker» with the closest sections, or say honestly that
the plan does not cover it and who to ask — can be tested as plain functions. Only
`QuestionFlow` logs: the decision and the section, never the question, which may name a
pupil.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.cards.actions import SECTION
from bot.cards.answer import answer_card, section_card, unsure_card
from bot.dialogs.context import Ctx
from bot.domain.school import School
from bot.knowledge import KnowledgeBase
from bot.knowledge.reply import (
    ENGLISH_SOURCE,
    STATSFORVALTEREN,
    decline_message,
    lead_for,
)
from bot.knowledge.retrieval import Answer

log = logging.getLogger(__name__)

CARD_SUMMARY = "Svar fra planen"


@dataclass(frozen=True, slots=True)
class Reply:
    """The card to send, the notification summary, and the answer behind it (for logs)."""

    card: dict[str, Any]
    summary: str
    answer: Answer | None = None


def answer_question(
    question: str,
    kb: KnowledgeBase,
    *,
    leader_name: str | None,
    rektor_name: str | None,
) -> Reply | None:
    """The reply to a question: answered from the plan or the law, or declined and routed.

    ``None`` when nothing in the plan or the law relates to the text at all ("blabla",
    "hva er lønna mi?"): the caller shows what the bot can do instead. ``leader_name`` is
    the asker's nearest leader (``None`` when unknown) and ``rektor_name`` the school's
    rektor; declines name the one who can answer.
    """
    answer = kb.ask(question)
    plan_name = kb.plan.info.citation_name
    if answer.answered and answer.section_id and answer.summary and answer.citation:
        if answer.source == "law":
            text_, title = answer.summary, f"{answer.section_id} {answer.title or ''}".strip()
        else:
            section = kb.plan.section(answer.section_id)
            text_, title = section.text, f"{section.id} {section.title}"
        card = answer_card(
            summary=answer.summary,
            citation=answer.citation,
            section_title=title,
            section_text=text_,
            action=answer.action,
            lead=lead_for(answer),
            source_label=ENGLISH_SOURCE if answer.language == "en" else "Kilde",
        )
        return Reply(card, CARD_SUMMARY, answer)

    if not answer.hits and not answer.law_beyond_plan:
        return None
    message = decline_message(answer, plan_name)
    if answer.law_beyond_plan:
        ask = rektor_name or "rektor"
    else:
        ask = f"{leader_name} (nærmeste leder)" if leader_name else "nærmeste leder"
    closest: list[tuple[str, str]] = []
    if answer.decision == "unsure" and not answer.law_beyond_plan:
        closest = [(hit.section_id, hit.citation) for hit in answer.hits[:3]]
    extra = STATSFORVALTEREN if answer.route == "statsforvalteren" else None
    card = unsure_card(message=message, ask_name=ask, closest=closest, extra=extra)
    return Reply(card, CARD_SUMMARY, answer)


def section_reply(section_id: object, kb: KnowledgeBase) -> Reply | None:
    """The card for "read the whole section", or ``None`` when the plan has no such section."""
    plan = kb.plan
    try:
        section = plan.section(str(section_id))
    except KeyError:
        return None
    citation = plan.citation(section.id)
    card = section_card(
        citation=citation,
        section_title=f"{section.id} {section.title}",
        section_text=section.text,
        action=section.action,
    )
    return Reply(card, citation)


class QuestionFlow:
    """Questions typed in Teams: answered, or declined with who to ask."""

    def __init__(self, knowledge: Callable[[School], KnowledgeBase]) -> None:
        self._knowledge = knowledge
        """Each school's plan (several schools may share one)."""

    async def answer(self, ctx: Ctx) -> bool:
        """False when nothing relates to the text: the caller shows what the bot can do.

        The question itself is never logged (it may name a pupil); the decision is.
        """
        directory = ctx.svc.directory
        leader = directory.nearest_leader(ctx.person) or directory.rektor()
        rektor = directory.rektor()
        reply = answer_question(
            ctx.turn.text or "",
            self._knowledge(ctx.svc.school),
            leader_name=leader.name if leader else None,
            rektor_name=rektor.name if rektor else None,
        )
        if reply is None:
            return False
        answer = reply.answer
        if answer is not None:
            log.info(
                "question %s: section %s, source %s, route %s",
                "answered" if answer.answered else answer.decision,
                answer.section_id or (answer.sections[0] if answer.sections else None),
                answer.source,
                answer.route,
            )
        ctx.out.card(reply.card, reply.summary)
        return True

    async def section(self, ctx: Ctx) -> None:
        reply = section_reply(ctx.data[SECTION], self._knowledge(ctx.svc.school))
        if reply is None:
            ctx.out.text("Finner ikke det punktet i planen.")
            return
        ctx.out.card(reply.card, reply.summary)
