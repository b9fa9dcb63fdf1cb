"""The Norwegian text staff see for an Answer (used by the CLI; the bot may reuse it).

Kept separate from retrieval so the wording can change without touching the ranking, and
so every surface (Teams card, CLI) says the same thing. Three cases: an answer with its
citation, an honest "not sure" that names who to ask, and a legal question the plan does
not cover, which goes to rektor.
"""

from __future__ import annotations

from typing import Final

from bot.knowledge.retrieval import Answer

NOT_SURE: Final = (
    "Jeg er ikke sikker på hva {plan} sier om dette. "
    "Spør nærmeste leder, så får du et sikkert svar."
)
NOTHING_FOUND: Final = (
    "Jeg fant ikke noe om dette i {plan}. Spør nærmeste leder, så får du et sikkert svar."
)
LAW_BEYOND_PLAN: Final = (
    "Dette gjelder regelverk som {plan} ikke dekker. Ta det opp med rektor, "
    "som kan svare på hva loven krever i saken."
)
CLOSEST: Final = "Dette er de nærmeste delene av planen:"


def quote(citation: str) -> str:
    return f"«{citation}»"


def reply_text(answer: Answer, plan: str = "skolemiljøplanen", suggestions: int = 3) -> str:
    """Plain text for an answer: summary and citation, or a decline with closest sections."""
    if answer.answered and answer.summary is not None and answer.citation is not None:
        return f"{answer.summary}\n\nKilde: {quote(answer.citation)}"
    if answer.law_beyond_plan:
        # The nearest routine is no answer to a legal question; listing it would suggest
        # otherwise.
        return LAW_BEYOND_PLAN.format(plan=plan)
    closest = [hit.citation for hit in answer.hits[:suggestions]]
    if not closest:
        return NOTHING_FOUND.format(plan=plan)
    lines = "\n".join(f"• {quote(citation)}" for citation in closest)
    return f"{NOT_SURE.format(plan=plan)}\n\n{CLOSEST}\n{lines}"
