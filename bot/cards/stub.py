"""What a card with free text becomes in the chat: a line that says so, and how to see it again.

Teams keeps chat history on phones and in its own retention, outside the case's access control,
so a card that shows what happened to a pupil is replaced after a while (`[privacy]
card_minutes`) or as soon as it has done its job (a report sent, a form cancelled).
"""

from __future__ import annotations

from typing import Any

from bot.cards.actions import CASE, DRAFT, Verb
from bot.cards.common import adaptive_card, heading, submit, text


def sent_card(reference: str) -> dict[str, Any]:
    """The review card after «Send til rektor»: the number, none of what was written."""
    return adaptive_card(
        [
            heading(f"Sendt – sak {reference}"),
            text("Meldingen er lagret og sendt. Innholdet vises ikke her i chatten.", subtle=True),
        ],
        fallback_text=f"Sendt – sak {reference}",
    )


def cancelled_card() -> dict[str, Any]:
    return adaptive_card(
        [heading("Avbrutt – ingenting er lagret")],
        [submit("Meld fra på nytt", Verb.START_REPORT)],
        fallback_text="Avbrutt – ingenting er lagret",
    )


def closed_case_card(case_id: str, reference: str) -> dict[str, Any]:
    """A case card, form or reminder with the case's text, closed in the chat."""
    return adaptive_card(
        [
            heading("Saken er lukket her i chatten"),
            text(
                f"Sak {reference}. Innholdet vises bare for dem som har tilgang, når de åpner "
                "saken.",
                subtle=True,
            ),
        ],
        [submit("Åpne saken", Verb.CASE_OPEN, {CASE: case_id})],
        fallback_text=f"Sak {reference} er lukket her i chatten.",
    )


def closed_form_card(draft_id: str) -> dict[str, Any]:
    """A report form with typed answers: they wait in the draft, not in the chat."""
    return adaptive_card(
        [
            heading("Skjemaet er lukket her i chatten"),
            text(
                "Svarene du skrev, er lagret i et utkast en stund. Fortsett der du slapp, "
                "eller start på nytt.",
                subtle=True,
            ),
        ],
        [
            submit("Fortsett", Verb.REPORT_EDIT, {DRAFT: draft_id}),
            submit("Meld fra på nytt", Verb.START_REPORT),
        ],
        fallback_text="Skjemaet er lukket her i chatten.",
    )


def closed_log_card() -> dict[str, Any]:
    return adaptive_card(
        [
            heading("Loggen er lukket her i chatten"),
            text("Notatene vises bare når en leder åpner elevens logg.", subtle=True),
        ],
        fallback_text="Loggen er lukket her i chatten.",
    )
