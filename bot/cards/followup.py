"""The reminders after a report (plan 8.4–8.7): investigate, evaluate, and rektor's nudge.

What the reminder dispatcher sends (`bot.services.reminders`); the forms they lead to are in
`bot.cards.investigation`, `bot.cards.plan` and `bot.cards.evaluation`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from bot.cards.actions import CASE, Verb
from bot.cards.common import (
    adaptive_card,
    detail,
    format_date,
    format_datetime,
    heading,
    notice,
    section,
    submit,
    text,
)
from bot.cards.evaluation import evaluation_form, plan_summary
from bot.domain.followup import ActivityPlan


def days_text(count: int) -> str:
    return f"{count} skoledag" if count == 1 else f"{count} skoledager"


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
    body: list[dict[str, Any]] = [
        heading("Tid for evaluering"),
        text(f"Sak {reference}", subtle=True, spacing="none"),
        detail("Elev", pupil_name),
        detail("Skulle evalueres", format_date(due_on)),
    ]
    if overdue_days > 0:
        body.append(
            notice(
                [text(f"Evalueringen er {days_text(overdue_days)} på overtid", bold=True)],
                style="warning",
            )
        )
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
    body: list[dict[str, Any]] = [
        heading("Tid for evaluering"),
        text(f"Sak {reference}", subtle=True, spacing="none"),
        detail("Elev", pupil_name),
        detail("Skulle evalueres", format_date(due_on)),
    ]
    if overdue_days > 0:
        body.append(
            notice(
                [text(f"Evalueringen er {days_text(overdue_days)} på overtid", bold=True)],
                style="warning",
            )
        )
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


def investigation_reminder_card(
    case_id: str,
    reference: str,
    pupil_name: str,
    reported_at: datetime,
    *,
    school_days: int,
    to_rektor: bool,
) -> dict[str, Any]:
    """Delplikt 4 says snarest; this nudges the leader, and later rektor."""
    body: list[dict[str, Any]] = [
        heading("Undersøkelsen er ikke startet"),
        text(f"Sak {reference}", subtle=True, spacing="none"),
        notice(
            [
                text(
                    f"Undersøkelsen er ikke startet {days_text(school_days)} etter meldingen. "
                    "Skolen skal undersøke snarest (plan 8.4).",
                    bold=True,
                )
            ],
            style="warning",
        ),
        detail("Elev", pupil_name),
        detail("Meldt", format_datetime(reported_at)),
    ]
    if to_rektor:
        body.append(
            text(
                "Nærmeste leder har allerede fått en påminnelse. Sørg for at noen starter "
                "undersøkelsen.",
                spacing="medium",
            )
        )
    actions = [
        submit("Start undersøkelse", Verb.INVESTIGATION_FORM, {CASE: case_id}, style="positive"),
        submit("Åpne saken", Verb.CASE_OPEN, {CASE: case_id}),
    ]
    return adaptive_card(
        body,
        actions,
        fallback_text=f"Undersøkelsen i sak {reference} er ikke startet.",
    )


def plan_reminder_card(
    case_id: str,
    reference: str,
    pupil_name: str,
    started_at: datetime,
    *,
    school_days: int,
    to_rektor: bool,
) -> dict[str, Any]:
    """The investigation started, but neither a conclusion nor a plan followed (plan 8.5:
    measures *snarest*)."""
    body: list[dict[str, Any]] = [
        heading("Konklusjon eller aktivitetsplan mangler"),
        text(f"Sak {reference}", subtle=True, spacing="none"),
        notice(
            [
                text(
                    f"Undersøkelsen startet for {days_text(school_days)} siden, men saken har "
                    "verken aktivitetsplan eller konklusjon. Tiltak skal settes inn snarest "
                    "(plan 8.5).",
                    bold=True,
                )
            ],
            style="warning",
        ),
        detail("Elev", pupil_name),
        detail("Undersøkelse startet", format_datetime(started_at)),
    ]
    if to_rektor:
        body.append(
            text(
                "Den som leder saken har allerede fått en påminnelse. Sørg for at saken får "
                "en plan, eller avsluttes med en dokumentert konklusjon.",
                spacing="medium",
            )
        )
    actions = [
        submit("Åpne saken", Verb.CASE_OPEN, {CASE: case_id}, style="positive"),
    ]
    return adaptive_card(
        body,
        actions,
        fallback_text=f"Sak {reference} venter på aktivitetsplan eller konklusjon.",
    )


def evaluation_overdue_rektor_card(
    case_id: str,
    reference: str,
    pupil_name: str,
    due_on: date,
    overdue_days: int,
    responsible_names: Sequence[str],
) -> dict[str, Any]:
    """Rektor hears when the people responsible have let an evaluation slip."""
    body: list[dict[str, Any]] = [
        heading("Evaluering på overtid"),
        text(f"Sak {reference}", subtle=True, spacing="none"),
        notice(
            [text(f"Evalueringen er {days_text(overdue_days)} på overtid", bold=True)],
            style="warning",
        ),
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
