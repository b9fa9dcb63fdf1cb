"""Answers from the school's plan: short, cited, and leading to the action that fits.

A wrong answer about a legal duty is worse than none, so the unsure card says so plainly and
names who to ask, and only offers the closest sections to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from bot.cards.actions import SECTION, Verb
from bot.cards.common import adaptive_card, heading, notice, show_card, submit, text

ACTION_BUTTONS: dict[str, tuple[str, Verb]] = {
    "start_report": ("Meld fra nå", Verb.START_REPORT),
    "my_cases": ("Mine saker", Verb.MY_CASES),
}


def _paragraphs(section_text: str) -> list[dict[str, Any]]:
    """The plan's text as TextBlocks, one per paragraph (the plan's own words, not user text)."""
    return [
        text(part.strip(), spacing="small") for part in section_text.split("\n") if part.strip()
    ][:60]


# The bot's own report form comes before the plan's route (the Portal «12» form): a person
# reading the answer in Teams can report right where they are.
REPORT_HERE: Final = (
    "Meld fra her i Teams: trykk «Meld fra nå», så sendes meldingen til rektor. "
    "Planen beskriver også andre veier, se under."
)


def answer_card(
    *,
    summary: str,
    citation: str,
    section_title: str,
    section_text: str,
    action: str | None,
    lead: str | None = None,
    source_label: str = "Kilde",
) -> dict[str, Any]:
    """The answer with its citation; ``lead`` is a line shown first (a nynorsk lead, a note
    that the text is a translation, or that it is the law and not the plan speaking)."""
    actions: list[dict[str, Any]] = [
        show_card("Les hele punktet", [text(section_title, bold=True), *_paragraphs(section_text)])
    ]
    body: list[dict[str, Any]] = []
    if action == "start_report":
        body.append(text(REPORT_HERE, bold=True))
    if lead:
        body.append(text(lead, subtle=True, small=True))
    if action in ACTION_BUTTONS:
        title, verb = ACTION_BUTTONS[action]
        actions.insert(0, submit(title, verb, style="positive"))
    body += [
        text(summary),
        text(f"{source_label}: «{citation}»", subtle=True, small=True, spacing="medium"),
    ]
    return adaptive_card(body, actions, fallback_text=f"{summary} {source_label}: {citation}")


def section_card(
    *, citation: str, section_title: str, section_text: str, action: str | None
) -> dict[str, Any]:
    actions: list[dict[str, Any]] = []
    if action in ACTION_BUTTONS:
        title, verb = ACTION_BUTTONS[action]
        actions.append(submit(title, verb, style="positive"))
    return adaptive_card(
        [
            heading(section_title),
            *_paragraphs(section_text),
            text(f"Kilde: «{citation}»", subtle=True, small=True, spacing="medium"),
        ],
        actions,
        fallback_text=f"{citation}: {section_text[:200]}",
    )


def unsure_card(
    *,
    message: str,
    ask_name: str | None,
    closest: Sequence[tuple[str, str]],
    extra: str | None = None,
) -> dict[str, Any]:
    """`closest` holds (section id, citation) of the nearest sections, best first; `extra`
    is one more line of advice (where to read about Statsforvalteren, for instance)."""
    body: list[dict[str, Any]] = [text(message)]
    if ask_name:
        body.append(text(f"Du kan spørre {ask_name}.", bold=True))
    if extra:
        body.append(text(extra))
    if closest:
        body.append(text("Dette er de nærmeste delene av planen:", spacing="medium"))
    actions = [
        submit(citation, Verb.READ_SECTION, {SECTION: section_id})
        for section_id, citation in closest[:3]
    ]
    actions.append(submit("Meld fra", Verb.START_REPORT))
    return adaptive_card(
        [notice(body, style="warning")],
        actions,
        fallback_text=message,
    )
