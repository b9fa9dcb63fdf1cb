"""«Vikar for rektor/leder fra–til»: rektor sets a period, and every period not yet over is
listed with its dates, so everyone can see who stands in for whom and until when."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.cards.actions import Verb
from bot.cards.common import adaptive_card, bullets, heading, section, submit, text
from bot.cards.inputs import error_summary, form_inputs
from bot.domain.substitutes import substitute_form_for


def _periods(current: Sequence[tuple[str, str, str]]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [section("Vikarer nå og framover")]
    if not current:
        return [*items, text("Ingen vikarer er satt.", subtle=True)]
    return items + bullets(
        f"{sub} er vikar for {absent}: {period}" for absent, sub, period in current
    )


def substitute_form_card(
    absent: Sequence[tuple[str, str]],
    staff: Sequence[tuple[str, str]],
    current: Sequence[tuple[str, str, str]],
    *,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    today: date,
) -> dict[str, Any]:
    """`current` are (absent name, substitute name, period) of the periods not over."""
    errors = errors or {}
    body: list[dict[str, Any]] = [heading("Vikar for rektor eller leder")]
    if errors:
        body.append(error_summary(errors))
    body += [
        text(
            "I perioden får vikaren nye varsler, påminnelser og eskaleringer som den som er "
            "borte får (den som er borte får dem fortsatt). Perioden slutter av seg selv.",
            small=True,
        ),
        *form_inputs(substitute_form_for(absent, staff), dict(values or {}), errors, today=today),
        *_periods(current),
    ]
    return adaptive_card(
        body,
        [submit("Lagre vikar", Verb.SUBSTITUTE_SAVE, style="positive")],
        fallback_text="Vikar for rektor eller leder.",
    )


def substitute_saved_card(
    absent_name: str, substitute_name: str, period: str, current: Sequence[tuple[str, str, str]]
) -> dict[str, Any]:
    return adaptive_card(
        [
            heading("Vikar lagret"),
            text(f"{substitute_name} er vikar for {absent_name} {period}."),
            *_periods(current),
        ],
        [submit("Sett en vikar til", Verb.SUBSTITUTE_FORM)],
        fallback_text=f"{substitute_name} er vikar for {absent_name} {period}.",
    )
