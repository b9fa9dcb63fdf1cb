"""Questions about the routines, answered from the school's plan (the wording is the card's)."""

from __future__ import annotations

import logging

from bot.cards.actions import SECTION
from bot.cards.answer import answer_card, section_card, unsure_card
from bot.dialogs.context import Ctx
from bot.knowledge import KnowledgeBase

log = logging.getLogger(__name__)


class QuestionFlow:
    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._knowledge = knowledge

    async def answer(self, ctx: Ctx) -> bool:
        """False when the plan has nothing near the question: the caller shows the help card.

        The question itself is never logged (it may name a pupil).
        """
        question = ctx.turn.text or ""
        answer = self._knowledge.ask(question)
        plan = self._knowledge.plan
        directory = ctx.svc.directory
        if answer.answered and answer.section_id and answer.summary and answer.citation:
            section = plan.section(answer.section_id)
            card = answer_card(
                summary=answer.summary,
                citation=answer.citation,
                section_title=f"{section.id} {section.title}",
                section_text=section.text,
                action=answer.action,
            )
            log.info("question answered from section %s", answer.section_id)
        elif answer.law_beyond_plan:
            rektor = directory.rektor()
            card = unsure_card(
                message=f"Dette gjelder regelverk som {plan.info.citation_name} ikke dekker. "
                "Ta det opp med rektor, som kan svare på hva loven krever.",
                ask_name=rektor.name if rektor else "rektor",
                closest=[],
            )
            log.info("question beyond the plan: pointed to rektor")
        elif answer.hits:
            leader = directory.nearest_leader(ctx.person) or directory.rektor()
            card = unsure_card(
                message=f"Jeg er ikke sikker på hva {plan.info.citation_name} sier om dette.",
                ask_name=f"{leader.name} (nærmeste leder)" if leader else "nærmeste leder",
                closest=[(hit.section_id, hit.citation) for hit in answer.hits[:3]],
            )
            log.info("question not answered; %d close sections offered", len(answer.hits[:3]))
        else:
            return False
        ctx.out.card(card, "Svar fra planen")
        return True

    async def section(self, ctx: Ctx) -> None:
        plan = self._knowledge.plan
        try:
            section = plan.section(str(ctx.data[SECTION]))
        except KeyError:
            ctx.out.text("Finner ikke det punktet i planen.")
            return
        card = section_card(
            citation=plan.citation(section.id),
            section_title=f"{section.id} {section.title}",
            section_text=section.text,
            action=section.action,
        )
        ctx.out.card(card, plan.citation(section.id))
