"""«Mine saker»: the cases routed to me, and the status of the ones I reported.

A reporter sees the case number and status only, never the content: the case belongs to the
people it is routed to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.cards.actions import CASE, Verb
from bot.cards.common import adaptive_card, format_datetime, heading, run, submit, text


@dataclass(frozen=True)
class CaseLine:
    case_id: str
    reference: str
    state_label: str
    reported_at: datetime
    pupil: str | None
    """Shown only to the people the case is routed to; None on the reporter's own list."""
    needs_me: bool = False
    next_evaluation_on: date | None = None
    next_step: str | None = None
    school: str | None = None
    """The school's name, when the list covers several (the owner's, or staff at two)."""


def my_cases_card(routed: Sequence[CaseLine], reported: Sequence[CaseLine]) -> dict[str, Any]:
    body: list[dict[str, Any]] = [heading("Mine saker")]
    actions: list[dict[str, Any]] = []
    if not routed and not reported:
        body.append(
            text(
                "Du har ingen saker ennå. Skriv «meld fra» for å melde fra om en "
                "bekymring for en elev."
            )
        )
        actions += [
            submit("Meld fra", Verb.START_REPORT, style="positive"),
            submit("Hva kan jeg gjøre her?", Verb.HELP),
        ]
    if routed:
        body.append(text("Saker du har ansvar for", bold=True))
        for line in routed[:20]:
            flag = " – venter på deg" if line.needs_me else ""
            if line.next_step:
                flag += f" · {line.next_step}"
            elif line.next_evaluation_on is not None:
                flag += f" · evaluering {line.next_evaluation_on:%d.%m.%Y}"
            # The pupil's name is typed text: a TextRun shows it verbatim, never as Markdown.
            body.append(
                {
                    "type": "RichTextBlock",
                    "inlines": [
                        run(f"Sak {line.reference}: ", bold=True),
                        run(line.pupil or ""),
                        run(
                            f" · {line.state_label}{flag} · meldt "
                            f"{format_datetime(line.reported_at)}" + _at(line),
                            subtle=True,
                        ),
                    ],
                }
            )
        # Open buttons: the cases waiting for me first, at most five (a phone shows few).
        ordered = sorted(routed, key=lambda r: not r.needs_me)
        actions += [
            submit(f"Åpne sak {line.reference}", Verb.CASE_OPEN, {CASE: line.case_id})
            for line in ordered[:5]
        ]
    if reported:
        body.append(text("Saker du har meldt fra om", bold=True))
        for line in reported[:20]:
            body.append(
                text(
                    f"Sak {line.reference} · {line.state_label} · meldt "
                    f"{format_datetime(line.reported_at)}" + _at(line)
                )
            )
    return adaptive_card(body, actions, fallback_text="Mine saker")


def _at(line: CaseLine) -> str:
    return f" · {line.school}" if line.school else ""
