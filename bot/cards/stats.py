"""«Statistikk»: the school year's figures in the chat, for rektor and the school owner.

Totals only, never a case. Rektor sees the own school's exact counts; the owner sees every
school with counts under 5 suppressed (bot.services.stats decides which it gets). The owner's
card lists the schools briefly: a municipality has many, and the yearly report has them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.cards.actions import Verb
from bot.cards.common import adaptive_card, detail, heading, section, show_card, submit, text
from bot.domain.figures import (
    ROWS,
    SUPPRESSION_NOTE,
    breakdowns,
    display,
    period_text,
    value_at,
)

SCHOOLS_SHOWN = 30
"""The owner's card lists this many schools; the yearly report lists every one."""


def _figures(figures: Mapping[str, Any]) -> list[dict[str, Any]]:
    body = [detail(label, display(path, value_at(figures, path))) for label, path in ROWS]
    _, category, open_ = breakdowns(figures)
    for title, items in (category, open_):
        body.append(text(title, bold=True, spacing="medium"))
        body += [detail(label, display("", value)) for label, value in items]
    return body


def _months(figures: Mapping[str, Any]) -> dict[str, Any]:
    title, items = breakdowns(figures)[0]
    return show_card(title, [detail(label, display("", value)) for label, value in items])


def _school_line(school: Mapping[str, Any]) -> dict[str, Any]:
    reports = display("", value_at(school, "reports.total"))
    still_open = display("", value_at(school, "open.total"))
    return detail(str(school["name"]), f"{reports} meldinger, {still_open} åpne saker")


def stats_card(result: Mapping[str, Any], *, shared: bool) -> dict[str, Any]:
    """`result` is `bot.services.stats.report`'s: one school for rektor, all for the owner."""
    schools: Sequence[Mapping[str, Any]] = result["schools"]
    several = len(schools) != 1
    name = "Alle skolene samlet" if several else str(schools[0]["name"])
    figures = result["total"] if several else schools[0]
    body: list[dict[str, Any]] = [
        heading("Statistikk"),
        text(
            f"{name}, meldinger {period_text(result['period'])} (skoleåret). "
            "Bare totaltall: ingen elever, ingen saker.",
            subtle=True,
        ),
    ]
    if shared:
        body.append(text(SUPPRESSION_NOTE, subtle=True, small=True))
    body.append(section(name))
    body += _figures(figures)
    if several:
        body.append(section("Per skole"))
        body += [_school_line(s) for s in schools[:SCHOOLS_SHOWN]]
        if len(schools) > SCHOOLS_SHOWN:
            body.append(
                text(
                    f"… og {len(schools) - SCHOOLS_SHOWN} skoler til. Årsrapporten (PDF) har "
                    "alle skolene.",
                    subtle=True,
                )
            )
    actions = [_months(figures), submit("Oppdater", Verb.STATS)]
    fallback = (
        f"Statistikk for {name}: {display('', value_at(figures, 'reports.total'))} meldinger."
    )
    return adaptive_card(body, actions, fallback_text=fallback)
