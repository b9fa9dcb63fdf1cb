"""The evaluation (plan 8.7): the plan in short, and the form that says how it went.

The form is a list of body elements with its own button, so that it also works unfolded from a
ShowCard (on the case card, and on the card that asks to correct a refused evaluation): inputs
there are only sent by buttons inside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.cards.actions import CASE, VERSION, Verb
from bot.cards.common import (
    action_set,
    clip,
    detail,
    rich,
    run,
    show_card,
    submit,
    text,
)
from bot.cards.inputs import errors_card, form_inputs
from bot.domain.followup import EVALUATION_FORM, LEVELS, OVERRIDE_FIELD, ActivityPlan
from bot.domain.people import UNKNOWN_NAME


def evaluation_form(
    case_id: str,
    *,
    plan_version: int,
    default_next: date,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    today: date,
    next_note: str | None = None,
    can_override: bool = False,
) -> list[dict[str, Any]]:
    """`errors` are marked at their fields: the card around the form names them first.
    `next_note` says why the proposed next date is later than usual (a holiday);
    `can_override` (rektor) adds the written reason for closing before the evaluation date."""
    filled = dict(values or {})
    filled["next_evaluation_on"] = filled.get("next_evaluation_on") or default_next.isoformat()
    fields = [f for f in EVALUATION_FORM if can_override or f.id != OVERRIDE_FIELD]
    items = form_inputs(fields, filled, errors or {}, today=today)
    if next_note and values is None:
        items.append(text(next_note, small=True))
    items.append(
        text(
            f"Justere: lag deretter versjon {plan_version + 1} av planen. Avslutte: skriv "
            "elevens og de voksnes vurdering; den siste planen skal alltid evalueres.",
            subtle=True,
            small=True,
        )
    )
    items.append(
        action_set(
            submit(
                "Lagre evaluering",
                Verb.EVALUATION_SAVE,
                {CASE: case_id, VERSION: str(plan_version)},
                style="positive",
            )
        )
    )
    return items


def plan_summary(
    plan: ActivityPlan, names: Mapping[str, str], *, limit: int = 300
) -> list[dict[str, Any]]:
    """The problem and measures in short, for someone about to evaluate them."""
    items: list[dict[str, Any]] = [
        text(f"Aktivitetsplan, versjon {plan.version}", bold=True, spacing="medium"),
        detail("Problemet", clip(plan.problem, limit)),
    ]
    for number, measure in enumerate(plan.measures, start=1):
        items.append(
            rich(
                run(f"{number}. {LEVELS[measure.level]}: ", bold=True),
                run(clip(measure.description, limit // 2)),
                run(
                    f" · {clip(measure.when, 80)} · "
                    f"{names.get(measure.responsible_id, UNKNOWN_NAME)}",
                    subtle=True,
                ),
            )
        )
    return items


def evaluation_errors_card(
    case_id: str,
    *,
    plan_version: int,
    default_next: date,
    errors: Mapping[str, str],
    values: Mapping[str, object],
    today: date,
    can_override: bool = False,
) -> dict[str, Any]:
    """A refused evaluation: what to correct, and the short form itself under «Rett opp»,
    filled in as it was sent."""
    form = evaluation_form(
        case_id,
        plan_version=plan_version,
        default_next=default_next,
        errors=errors,
        values=EVALUATION_FORM.typed(values),
        today=today,
        can_override=can_override,
    )
    return errors_card(
        EVALUATION_FORM,
        errors,
        unsaved="Evalueringen er ikke lagret.",
        fix=show_card("Rett opp", form),
    )
