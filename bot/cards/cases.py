"""«Mine saker»: the cases routed to me, and the status of the ones I reported.

A reporter sees the case number, status, and the class and category they gave (so two reports
tell apart), never the pupil's name or what was written: the case belongs to the people it is
routed to.
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
    pupil_class: str | None = None
    category_label: str | None = None
    """With the class, what tells two reports about the same week apart on the reporter's list."""
    school: str | None = None
    """The school's name, when the list covers several (the owner's, or staff at two)."""


LISTED = 20
"""Cases shown per list; every one shown can be opened (tap the line)."""
BUTTONS = 5
"""Open buttons under the list: the cases waiting for me first (a phone shows few)."""


def _open(line: CaseLine) -> dict[str, Any]:
    return submit(f"Åpne sak {line.reference}", Verb.CASE_OPEN, {CASE: line.case_id})


def _about(line: CaseLine) -> str:
    """«9B · Krenkelser · »: class and category, when the list may show them."""
    parts = [p for p in (line.pupil_class, line.category_label) if p]
    return "".join(f"{part} · " for part in parts)


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
        body.append(text("Trykk på en sak for å åpne den.", subtle=True, small=True))
        for line in routed[:LISTED]:
            flag = " – venter på deg" if line.needs_me else ""
            if line.next_step:
                flag += f" · {line.next_step}"
            elif line.next_evaluation_on is not None:
                flag += f" · evaluering {line.next_evaluation_on:%d.%m.%Y}"
            # The pupil's name is typed text: a TextRun shows it verbatim, never as Markdown.
            # The whole line opens the case, so every case listed can be opened.
            body.append(
                {
                    "type": "Container",
                    "selectAction": _open(line),
                    "items": [
                        {
                            "type": "RichTextBlock",
                            "inlines": [
                                run(f"Sak {line.reference}: ", bold=True),
                                run(line.pupil or ""),
                                run(
                                    f" · {_about(line)}{line.state_label}{flag} · meldt "
                                    f"{format_datetime(line.reported_at)}" + _at(line),
                                    subtle=True,
                                ),
                            ],
                        }
                    ],
                }
            )
        if len(routed) > LISTED:
            body.append(text(f"Og {len(routed) - LISTED} eldre saker.", subtle=True, small=True))
        ordered = sorted(routed[:LISTED], key=lambda r: not r.needs_me)
        actions += [_open(line) for line in ordered[:BUTTONS]]
    if reported:
        body.append(text("Saker du har meldt fra om", bold=True))
        for line in reported[:LISTED]:
            body.append(
                text(
                    f"Sak {line.reference} · {_about(line)}meldt "
                    f"{format_datetime(line.reported_at)} · {line.state_label}" + _at(line)
                )
            )
    return adaptive_card(body, actions, fallback_text="Mine saker")


def _at(line: CaseLine) -> str:
    return f" · {line.school}" if line.school else ""
