"""Closing after an investigation that found no measures are needed (plan 8.4, § 12-4).

When the investigation concludes that the pupil has a safe and good school environment, the
school makes no activity plan, but documents the conclusion and its reasons: the pupil's own
view (or why it is missing) and the barnets beste assessment already in the investigation. A
closing path of its own, distinct from closing an evaluated plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.cards.actions import CASE, FIX, Verb
from bot.cards.common import adaptive_card, notice, submit, text
from bot.cards.inputs import errors_card, form_heading, form_inputs
from bot.domain.followup import CONCLUSION_FORM


def conclusion_form_card(
    case_id: str,
    reference: str,
    *,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    today: date,
) -> dict[str, Any]:
    errors = errors or {}
    body = form_heading("Avslutt uten tiltak", reference, errors)
    body += [
        notice(
            [
                text(
                    "Bare når undersøkelsen viser at eleven har et trygt og godt skolemiljø. "
                    "Barnets beste-vurderingen fra undersøkelsen følger konklusjonen.",
                    small=True,
                )
            ],
            style="emphasis",
            spacing="small",
        ),
        *form_inputs(CONCLUSION_FORM, dict(values or {}), errors, today=today),
    ]
    return adaptive_card(
        body,
        [
            submit(
                "Avslutt saken uten tiltak",
                Verb.CONCLUSION_SAVE,
                {CASE: case_id},
                style="positive",
            )
        ],
        fallback_text=f"Avslutt sak {reference} uten tiltak.",
        full_width=True,
    )


def conclusion_errors_card(
    case_id: str, errors: Mapping[str, str], values: Mapping[str, object]
) -> dict[str, Any]:
    """A refused conclusion: what to correct, and «Rett opp» carrying the answers back."""
    return errors_card(
        CONCLUSION_FORM,
        errors,
        unsaved="Saken er ikke avsluttet.",
        fix=submit(
            "Rett opp",
            Verb.CONCLUSION_FORM,
            {**CONCLUSION_FORM.typed(values), CASE: case_id, FIX: "1"},
            style="positive",
        ),
    )
