"""The investigation form (plan 8.4): which methods were used, then when and what was learned.

A phone shows one column: asking for a date and a note for all seven methods made a form of
24 inputs. So the form asks first which methods were used, and shows a date and a note only for
those. «Vis dato og notat for valgte» sends the card back to the bot, which answers with the
same form for the methods now chosen, everything typed so far still in it. (Showing and hiding
inside the card, `Action.ToggleVisibility`, has had open rendering bugs in Teams for iOS, and
Adaptive Cards advise against required inputs in parts that can be hidden.)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from bot.cards.actions import CASE, FIX, Verb
from bot.cards.common import action_set, adaptive_card, notice, section, submit, text
from bot.cards.inputs import errors_card, form_heading, form_inputs
from bot.domain.followup import (
    INVESTIGATION_FORM,
    METHODS_FIELD,
    Investigation,
    Method,
    date_id,
    investigation_answers,
    note_id,
)
from bot.domain.forms import split

INVESTIGATION_PRIVACY: Final = (
    "Ikke dokumenter sensitiv informasjon om andre elever (plan 8.4). Skriv heller at flere "
    "elever opplever få gode relasjoner eller et utrygt miljø, hvis undersøkelsene viser det."
)
SHOW_CHOSEN: Final = "Vis dato og notat for valgte"


def investigation_values(current: Investigation | None) -> dict[str, str]:
    """The documentation so far as the form's answers: a continued investigation starts there."""
    if current is None:
        return {}
    values: dict[str, str] = {
        METHODS_FIELD: ",".join(step.method.value for step in current.steps),
        "findings": current.findings,
        "best_interest": current.best_interest,
        "completed": "true" if current.completed else "false",
    }
    for step in current.steps:
        values[date_id(step.method)] = step.done_on.isoformat()
        values[note_id(step.method)] = step.note
    return values


def investigation_form_card(
    case_id: str,
    reference: str,
    *,
    current: Investigation | None,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    today: date,
) -> dict[str, Any]:
    """`values` (what was sent, an emptied field staying empty) win over `current`."""
    errors = errors or {}
    answers = investigation_answers(values) if values is not None else {}
    filled = {k: str(v) for k, v in answers.items()} or investigation_values(current)
    chosen = set(split(filled.get(METHODS_FIELD, "")))
    case = {CASE: case_id}

    body = form_heading("Undersøkelse", reference, errors)
    body += [
        text(
            "Skolen skal få tak på elevens egen opplevelse, ikke etterforske. Velg hva dere "
            f"har gjort og trykk «{SHOW_CHOSEN}»: så skriver du dato og et kort notat for hver.",
            small=True,
        ),
        notice([text(INVESTIGATION_PRIVACY, small=True)], style="emphasis", spacing="small"),
        *form_inputs([INVESTIGATION_FORM[METHODS_FIELD]], filled, errors, today=today),
        action_set(submit(SHOW_CHOSEN, Verb.INVESTIGATION_FORM, case, associated_inputs="auto")),
    ]
    for method in Method:
        if method.value not in chosen:
            continue
        fields = [INVESTIGATION_FORM[date_id(method)], INVESTIGATION_FORM[note_id(method)]]
        body.append(
            {
                "type": "Container",
                "separator": True,
                "spacing": "medium",
                "items": form_inputs(fields, filled, errors, today=today),
            }
        )
    body.append(section("Analyse"))
    body += form_inputs(
        INVESTIGATION_FORM.span("findings", "completed"), filled, errors, today=today
    )
    body.append(
        text(
            "Du kan lagre underveis og fortsette senere.",
            subtle=True,
            small=True,
            spacing="small",
        )
    )
    actions = [submit("Lagre undersøkelsen", Verb.INVESTIGATION_SAVE, case, style="positive")]
    return adaptive_card(
        body,
        actions,
        fallback_text=f"Dokumenter undersøkelsen i sak {reference}.",
        full_width=True,
    )


def investigation_errors_card(
    case_id: str, errors: Mapping[str, str], values: Mapping[str, object]
) -> dict[str, Any]:
    """A refused save: what to correct, and «Rett opp» carrying the answers back."""
    typed = INVESTIGATION_FORM.typed(investigation_answers(values))
    return errors_card(
        INVESTIGATION_FORM,
        errors,
        unsaved="Undersøkelsen er ikke lagret.",
        fix=submit(
            "Rett opp",
            Verb.INVESTIGATION_FORM,
            {**typed, CASE: case_id, FIX: "1"},
            style="positive",
        ),
    )
