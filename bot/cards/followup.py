"""The reminders after a report (plan 8.4–8.7): investigate, evaluate, and rektor's nudge.

What the reminder dispatcher sends (`bot.services.reminders`); the forms they lead to are in
`bot.cards.investigation`, `bot.cards.plan` and `bot.cards.evaluation`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import partial
from typing import Any, Final, NamedTuple

from bot.cards.actions import CASE, Verb
from bot.cards.common import (
    adaptive_card,
    case_heading,
    detail,
    format_date,
    format_datetime,
    notice,
    section,
    submit,
    text,
)
from bot.cards.evaluation import evaluation_form, plan_summary
from bot.domain.followup import ActivityPlan


def days_text(count: int) -> str:
    return f"{count} skoledag" if count == 1 else f"{count} skoledager"


def _overdue(days: int) -> dict[str, Any]:
    return notice(
        [text(f"Evalueringen er {days_text(days)} på overtid", bold=True)], style="warning"
    )


def _evaluation_due(
    reference: str, pupil_name: str, due_on: date, overdue_days: int
) -> list[dict[str, Any]]:
    """How the evaluation reminder opens, with the form or without it."""
    body = [
        *case_heading("Tid for evaluering", reference),
        detail("Elev", pupil_name),
        detail("Skulle evalueres", format_date(due_on)),
    ]
    if overdue_days > 0:
        body.append(_overdue(overdue_days))
    return body


def evaluation_card(
    case_id: str,
    reference: str,
    pupil_name: str,
    plan: ActivityPlan,
    *,
    due_on: date,
    overdue_days: int,
    default_next: date,
    names: Mapping[str, str],
    today: date,
    next_note: str | None = None,
) -> dict[str, Any]:
    """Sent on the evaluation date and each school day after: the plan is not done until its
    last version has been evaluated (plan 8.7)."""
    body = _evaluation_due(reference, pupil_name, due_on, overdue_days)
    body += plan_summary(plan, names)
    body.append(
        text(
            "Nærmeste leder er i dialog med eleven, foresatte og kontaktlærer. Gjenta gjerne "
            "undersøkelsene for å se om tiltakene virker.",
            subtle=True,
            small=True,
            spacing="medium",
        )
    )
    body.append(section("Evaluering"))
    body += evaluation_form(
        case_id,
        plan_version=plan.version,
        default_next=default_next,
        today=today,
        next_note=next_note,
    )
    return adaptive_card(
        body,
        [submit("Åpne saken", Verb.CASE_OPEN, {CASE: case_id}, associated_inputs="none")],
        fallback_text=f"Aktivitetsplanen i sak {reference} skal evalueres.",
        full_width=True,
    )


def evaluation_reminder_card(
    case_id: str,
    reference: str,
    pupil_name: str,
    *,
    due_on: date,
    overdue_days: int,
) -> dict[str, Any]:
    """The reminder itself holds no plan text (it stays in the chat): the form with the plan
    comes when «Evaluer nå» is pressed, and is closed in the chat after a while."""
    body = _evaluation_due(reference, pupil_name, due_on, overdue_days)
    body.append(
        text(
            "Evaluer om tiltakene i aktivitetsplanen virker: videreføre, justere eller avslutte "
            "(plan 8.7).",
            spacing="medium",
        )
    )
    actions = [
        submit("Evaluer nå", Verb.EVALUATION_FORM, {CASE: case_id}, style="positive"),
        submit("Åpne saken", Verb.CASE_OPEN, {CASE: case_id}),
    ]
    return adaptive_card(
        body, actions, fallback_text=f"Aktivitetsplanen i sak {reference} skal evalueres."
    )


class _Stall(NamedTuple):
    """What the reminder about one step the plan wants *snarest* says."""

    title: str
    warning: str
    """`{days}`: how long the step has waited, in school days."""
    since: str
    """The label of the date the wait is counted from."""
    rektor_note: str
    """Rektor hears later, and that the leader already was reminded."""
    fallback: str
    """`{reference}`: the case number."""
    actions: tuple[tuple[str, Verb], ...]
    """The first is the one to press."""


_NOT_STARTED: Final = _Stall(
    "Undersøkelsen er ikke startet",
    "Undersøkelsen er ikke startet {days} etter meldingen. Skolen skal undersøke snarest "
    "(plan 8.4).",
    "Meldt",
    "Nærmeste leder har allerede fått en påminnelse. Sørg for at noen starter undersøkelsen.",
    "Undersøkelsen i sak {reference} er ikke startet.",
    (("Start undersøkelse", Verb.INVESTIGATION_FORM), ("Åpne saken", Verb.CASE_OPEN)),
)

_NO_PLAN: Final = _Stall(
    "Konklusjon eller aktivitetsplan mangler",
    "Undersøkelsen startet for {days} siden, men saken har verken aktivitetsplan eller "
    "konklusjon. Tiltak skal settes inn snarest (plan 8.5).",
    "Undersøkelse startet",
    "Den som leder saken har allerede fått en påminnelse. Sørg for at saken får en plan, eller "
    "avsluttes med en dokumentert konklusjon.",
    "Sak {reference} venter på aktivitetsplan eller konklusjon.",
    (("Åpne saken", Verb.CASE_OPEN),),
)


def _stalled_card(
    stall: _Stall,
    case_id: str,
    reference: str,
    pupil_name: str,
    since: datetime,
    *,
    school_days: int,
    to_rektor: bool,
) -> dict[str, Any]:
    body = [
        *case_heading(stall.title, reference),
        notice(
            [text(stall.warning.format(days=days_text(school_days)), bold=True)], style="warning"
        ),
        detail("Elev", pupil_name),
        detail(stall.since, format_datetime(since)),
    ]
    if to_rektor:
        body.append(text(stall.rektor_note, spacing="medium"))
    actions = [
        submit(title, verb, {CASE: case_id}, style="positive" if n == 0 else None)
        for n, (title, verb) in enumerate(stall.actions)
    ]
    return adaptive_card(body, actions, fallback_text=stall.fallback.format(reference=reference))


investigation_reminder_card: Final = partial(_stalled_card, _NOT_STARTED)
"""Delplikt 4 says snarest; this nudges the leader, and later rektor."""

plan_reminder_card: Final = partial(_stalled_card, _NO_PLAN)
"""The investigation started, but neither a conclusion nor a plan followed (plan 8.5:
measures *snarest*)."""


def evaluation_overdue_rektor_card(
    case_id: str,
    reference: str,
    pupil_name: str,
    due_on: date,
    overdue_days: int,
    responsible_names: Sequence[str],
) -> dict[str, Any]:
    """Rektor hears when the people responsible have let an evaluation slip."""
    body = [
        *case_heading("Evaluering på overtid", reference),
        _overdue(overdue_days),
        detail("Elev", pupil_name),
        detail("Skulle evalueres", format_date(due_on)),
        detail("Ansvarlige", ", ".join(responsible_names) or "Ingen registrert"),
        text(
            "De ansvarlige har fått påminnelser. Den siste aktivitetsplanen skal alltid "
            "evalueres (plan 8.7).",
            spacing="medium",
        ),
    ]
    return adaptive_card(
        body,
        [submit("Åpne saken", Verb.CASE_OPEN, {CASE: case_id})],
        fallback_text=f"Evalueringen i sak {reference} er på overtid.",
    )
