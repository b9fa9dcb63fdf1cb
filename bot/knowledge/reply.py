"""The words staff see around an Answer, shared by the Teams cards and the CLI.

Kept separate from retrieval so the wording can change without touching the ranking, and
so every surface says the same thing. An answer carries its citation; a decline says
plainly whether the plan does not cover the question or the bot is unsure, and names who
to ask: the nearest leader, rektor for law beyond the plan, and Statsforvalteren's own
information for a case a pupil or parents want to bring there (§ 12-6).
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
NOT_COVERED: Final = (
    "Dette dekker ikke {plan}, så jeg vil ikke gjette. Spør nærmeste leder, så får du et "
    "sikkert svar."
)
LAW_BEYOND_PLAN: Final = (
    "Dette gjelder regelverk som {plan} ikke dekker. Ta det opp med rektor, "
    "som kan svare på hva loven krever i saken."
)
STATSFORVALTEREN: Final = (
    "Eleven og foreldrene kan selv melde saken til Statsforvalteren når den er tatt opp med "
    "rektor; Statsforvalterens nettsider forklarer hvordan."
)
CLOSEST: Final = "Dette er de nærmeste delene av planen:"
# Nynorsk askers get the bokmål plan text with a short lead in their own language.
NYNORSK_LEAD: Final = "Svaret er henta frå planen, som er skriven på bokmål."
TRANSLATION_NOTE: Final = (
    "Translated from the school's Norwegian plan; the Norwegian section is the one that counts."
)
ENGLISH_SOURCE: Final = "Source (Norwegian)"
LAW_NOTE: Final = (
    "Planen sier ikke noe om dette, men loven gjør det. Dette er en kort forklaring, ikke "
    "lovteksten."
)
LAW_NOTE_EN: Final = (
    "The school's plan does not cover this, but the law does. A short explanation, not the "
    "text of the law."
)


def quote(citation: str) -> str:
    return f"«{citation}»"


def lead_for(answer: Answer) -> str | None:
    """The line shown above an answer: law, not plan; translation; or a nynorsk lead."""
    if answer.source == "law":
        return LAW_NOTE_EN if answer.language == "en" else LAW_NOTE
    if answer.translated:
        return TRANSLATION_NOTE
    if answer.language == "nn":
        return NYNORSK_LEAD
    return None


def decline_message(answer: Answer, plan: str) -> str:
    if answer.law_beyond_plan:
        return LAW_BEYOND_PLAN.format(plan=plan)
    if answer.decision == "unsure" and answer.hits:
        return NOT_SURE.format(plan=plan)
    if answer.hits:
        return NOT_COVERED.format(plan=plan)
    return NOTHING_FOUND.format(plan=plan)


def reply_text(answer: Answer, plan: str = "skolemiljøplanen", suggestions: int = 3) -> str:
    """Plain text for an answer: summary and citation, or a decline with closest sections."""
    if answer.answered and answer.summary is not None and answer.citation is not None:
        lead = lead_for(answer)
        head = f"{lead}\n\n" if lead else ""
        label = ENGLISH_SOURCE if answer.language == "en" else "Kilde"
        return f"{head}{answer.summary}\n\n{label}: {quote(answer.citation)}"
    message = decline_message(answer, plan)
    if answer.route == "statsforvalteren":
        message = f"{message}\n\n{STATSFORVALTEREN}"
    if answer.law_beyond_plan or answer.decision != "unsure":
        # The nearest routine is no answer to a legal or uncovered question; listing it
        # would suggest otherwise.
        return message
    closest = [hit.citation for hit in answer.hits[:suggestions]]
    lines = "\n".join(f"• {quote(citation)}" for citation in closest)
    return f"{message}\n\n{CLOSEST}\n{lines}"
