"""The forms and reminders after a report (plan 8.4–8.7): investigate, plan, evaluate.

Every input id is one that `bot.domain.followup`'s parsers read, so a form and its parser cannot
drift apart. Forms are refilled from `values` after a rejected submission (exactly what was
sent, so an emptied field stays empty), otherwise from the stored documentation, because an
adjusted plan or a continued investigation starts from what is already written.

The small form builders here are shared with the log cards.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Final

from bot.cards.actions import CASE, VERSION, Verb
from bot.cards.common import (
    adaptive_card,
    detail,
    format_date,
    format_datetime,
    heading,
    notice,
    rich,
    run,
    submit,
    text,
)
from bot.cards.inputs import (
    choice_input,
    date_input,
    error_summary,
    field_error,
    text_input,
    toggle_input,
)
from bot.domain.followup import (
    LEVELS,
    MAX_NOTE,
    MEASURE_ROWS,
    METHODS,
    OUTCOMES,
    ActivityPlan,
    Investigation,
    Level,
    Method,
)
from bot.domain.people import UNKNOWN_NAME

STAFF_PICKER_STYLE: Final = "compact"
"""Teams renders `filtered` (static typeahead) for schema 1.5, but the published 1.5 schema
file the tests validate against lists only compact and expanded. Switch to "filtered" once the
test schema accepts it; the ids and values stay the same."""

# Form limits. The parsers accept up to MAX_TEXT; the forms ask for less where a long text
# would not fit a Teams message once the form is refilled (28 KB for the whole card).
PROBLEM_MAX: Final = 1500
MEASURE_MAX: Final = 400
WHEN_MAX: Final = 150
VIEW_MAX: Final = 1000
FINDINGS_MAX: Final = 3000
EVALUATION_NOTE_MAX: Final = 2000
CARD_BUDGET: Final = 27_000
"""Bytes of JSON as sent; the tests' limit is 28 000 and Teams refuses a message near it."""

PLAN_ELEMENTS: Final = (
    "1. Problemet",
    "2. Tiltakene",
    "3. Når",
    "4. Ansvarlig",
    "5. Evaluering",
)
"""The five things opplæringslova § 12-4 requires, as the plan form labels them."""

INVESTIGATION_PRIVACY = (
    "Ikke dokumenter sensitiv informasjon om andre elever (plan 8.4). Skriv heller at flere "
    "elever opplever få gode relasjoner eller et utrygt miljø, hvis undersøkelsene viser det."
)
RESPONSIBLE_HINT = "Ansvarlig må være en ansatt – aldri en elev eller en forelder (§ 12-4)."

# --- shared form builders -------------------------------------------------------------------


def clip(value: str, limit: int) -> str:
    """Reminder cards show a taste of the plan; the case card and the PDF hold all of it."""
    return value if len(value) <= limit else value[:limit].rstrip() + " …"


def days_text(count: int) -> str:
    return f"{count} skoledag" if count == 1 else f"{count} skoledager"


def _section(title: str) -> dict[str, Any]:
    return {
        "type": "TextBlock",
        "text": title,
        "weight": "bolder",
        "wrap": True,
        "spacing": "large",
        "separator": True,
    }


def _action_set(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"type": "ActionSet", "actions": list(actions), "spacing": "medium"}


# --- investigation (plan 8.4) ---------------------------------------------------------------


def _investigation_values(current: Investigation | None) -> dict[str, str]:
    if current is None:
        return {}
    values: dict[str, str] = {
        "findings": current.findings,
        "best_interest": current.best_interest,
        "completed": "true" if current.completed else "false",
    }
    for step in current.steps:
        values[f"{step.method.value}_done"] = "true"
        values[f"{step.method.value}_date"] = step.done_on.isoformat()
        values[f"{step.method.value}_note"] = step.note
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
    """The plan's methods as a checklist: the school documents which it used, when, and what
    it learned, then sums up and weighs barnets beste before planning measures."""
    errors = errors or {}
    filled = dict(values) if values is not None else _investigation_values(current)

    body: list[dict[str, Any]] = [
        heading("Undersøkelse"),
        text(f"Sak {reference}", subtle=True, spacing="none"),
    ]
    if errors:
        body.append(error_summary(errors))
    body += [
        text(
            "Skolen skal få tak på elevens egen opplevelse, ikke etterforske. Kryss av det "
            "dere har gjort, med dato og et kort notat.",
            small=True,
        ),
        notice([text(INVESTIGATION_PRIVACY, small=True)], style="emphasis", spacing="small"),
    ]
    for method in Method:
        key = method.value
        body.append(_section(METHODS[method]))
        body.append(
            toggle_input(f"{key}_done", METHODS[method], "Gjennomført", filled.get(f"{key}_done"))
        )
        body += field_error(errors, f"{key}_done")
        body.append(
            date_input(
                f"{key}_date",
                "Dato",
                value=filled.get(f"{key}_date"),
                error_message="Velg en dato som ikke er fram i tid.",
                maximum=today,
            )
        )
        body += field_error(errors, f"{key}_date")
        body.append(
            text_input(
                f"{key}_note",
                "Kort notat",
                max_length=MAX_NOTE,
                value=filled.get(f"{key}_note"),
                error_message=f"Notatet kan være høyst {MAX_NOTE} tegn.",
                multiline=True,
            )
        )
        body += field_error(errors, f"{key}_note")

    body.append(_section("Analyse"))
    body.append(
        text_input(
            "findings",
            "Oppsummering av funn",
            max_length=FINDINGS_MAX,
            value=filled.get("findings"),
            error_message="Oppsummer funnene.",
            multiline=True,
            placeholder="Hva opprettholder elevens opplevelse av skolemiljøet?",
        )
    )
    body += field_error(errors, "findings")
    body.append(
        text_input(
            "best_interest",
            "Barnets beste-vurdering",
            max_length=FINDINGS_MAX,
            value=filled.get("best_interest"),
            error_message="Skriv barnets beste-vurderingen.",
            multiline=True,
            placeholder="Hva er til elevens beste ut fra det helhetlige bildet? (FNs "
            "barnekonvensjon art. 3)",
        )
    )
    body += field_error(errors, "best_interest")
    body.append(
        toggle_input(
            "completed",
            "Ferdig?",
            "Undersøkelsen er ferdig",
            filled.get("completed"),
        )
    )
    body += field_error(errors, "completed")
    body.append(
        text(
            "Du kan lagre underveis og fortsette senere.",
            subtle=True,
            small=True,
            spacing="small",
        )
    )
    actions = [
        submit("Lagre undersøkelsen", Verb.INVESTIGATION_SAVE, {CASE: case_id}, style="positive")
    ]
    return adaptive_card(
        body,
        actions,
        fallback_text=f"Dokumenter undersøkelsen i sak {reference}.",
        full_width=True,
    )


# --- activity plan (plan 8.5, § 12-4) -------------------------------------------------------


def _plan_values(previous: ActivityPlan | None) -> dict[str, str]:
    if previous is None:
        return {}
    values: dict[str, str] = {
        "problem": previous.problem,
        "pupil_view": previous.pupil_view,
        "parents_view": previous.parents_view,
        "not_followed": previous.not_followed,
    }
    for row, measure in enumerate(previous.measures[:MEASURE_ROWS], start=1):
        values[f"m{row}_level"] = measure.level.value
        values[f"m{row}_description"] = measure.description
        values[f"m{row}_when"] = measure.when
        values[f"m{row}_responsible"] = measure.responsible_id
    return values


def _measure_row(
    row: int,
    filled: Mapping[str, str],
    errors: Mapping[str, str],
    staff: Sequence[tuple[str, str]],
) -> list[dict[str, Any]]:
    prefix = f"m{row}_"
    first = row == 1
    title = "Tiltak 1" if first else f"Tiltak {row} (valgfritt)"
    items: list[dict[str, Any]] = [_section(title)]
    items.append(
        text_input(
            prefix + "description",
            "2. Hva skal gjøres?",
            max_length=MEASURE_MAX,
            value=filled.get(prefix + "description"),
            required=first,
            error_message="Beskriv tiltaket.",
            multiline=True,
            placeholder="Konkret tiltak basert på funnene" if first else None,
        )
    )
    items += field_error(errors, prefix + "description")
    items.append(
        choice_input(
            prefix + "level",
            "Nivå",
            [(level.value, label) for level, label in LEVELS.items()],
            value=filled.get(prefix + "level") or Level.INDIVIDUAL.value,
            required=False,
            error_message="Velg nivå fra listen.",
            style="compact",
        )
    )
    items += field_error(errors, prefix + "level")
    items.append(
        text_input(
            prefix + "when",
            "3. Når gjennomføres det?",
            max_length=WHEN_MAX,
            value=filled.get(prefix + "when"),
            required=first,
            error_message="Skriv når tiltaket skal gjennomføres.",
            placeholder="F.eks. fra 1.12, hvert friminutt" if first else None,
        )
    )
    items += field_error(errors, prefix + "when")
    items.append(
        choice_input(
            prefix + "responsible",
            "4. Hvem er ansvarlig?",
            staff,
            value=filled.get(prefix + "responsible"),
            required=first,
            error_message="Velg en ansatt som er ansvarlig.",
            style=STAFF_PICKER_STYLE,
            placeholder="Velg en ansatt" if first else None,
        )
    )
    items += field_error(errors, prefix + "responsible")
    return items


def plan_form_card(
    case_id: str,
    reference: str,
    *,
    version: int,
    previous: ActivityPlan | None,
    staff_choices: Sequence[tuple[str, str]],
    default_evaluate_on: date,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    today: date,
) -> dict[str, Any]:
    """The aktivitetsplan with the five elements § 12-4 requires, numbered so a missing one is
    easy to spot. An adjustment starts from the previous version, which stays documented.

    `staff_choices` are (staff id, name). Every measure row carries the whole list, so keep it
    to the people who can be responsible: with long texts and 15 names all rows fit; with more
    names the empty rows are left out until the card fits (see `_row_counts`).
    """
    errors = errors or {}
    filled = dict(values) if values is not None else _plan_values(previous)

    body: list[dict[str, Any]] = [
        heading("Aktivitetsplan"),
        text(f"Sak {reference} · Versjon {version}", subtle=True, spacing="none"),
    ]
    if errors:
        body.append(error_summary(errors))
    if previous is not None:
        body.append(
            text(
                f"Justering av versjon {previous.version}: endre det som skal endres. "
                f"Versjon {previous.version} blir stående i saken.",
                small=True,
            )
        )
    body.append(
        text(
            "Opplæringslova § 12-4 krever fem ting: " + ", ".join(PLAN_ELEMENTS) + ".",
            small=True,
            subtle=True,
        )
    )

    body.append(_section(PLAN_ELEMENTS[0]))
    body.append(
        text_input(
            "problem",
            "1. Hvilket problem skal tiltakene løse?",
            max_length=PROBLEM_MAX,
            value=filled.get("problem"),
            required=True,
            error_message="Beskriv problemet tiltakene skal løse.",
            multiline=True,
            placeholder="Vær konkret, ut fra funnene i undersøkelsen.",
        )
    )
    body += field_error(errors, "problem")

    body.append(_section("2.–4. Tiltakene, når og hvem"))
    body.append(
        text(
            "Tiltak på individ-, klasse- og skolenivå. Hvert tiltak trenger hva, når og hvem.",
            small=True,
        )
    )
    body.append(notice([text(RESPONSIBLE_HINT, small=True)], style="emphasis", spacing="small"))
    tail: list[dict[str, Any]] = [_section(PLAN_ELEMENTS[4])]
    evaluate_value = filled.get("evaluate_on") if values is not None else None
    tail.append(
        date_input(
            "evaluate_on",
            "5. Når skal tiltakene evalueres?",
            value=evaluate_value or default_evaluate_on.isoformat(),
            required=True,
            error_message="Velg en dato fram i tid.",
            minimum=today + timedelta(days=1),
        )
    )
    tail.append(text("Normalt etter 3–4 uker (plan 8.7).", subtle=True, small=True))
    tail += field_error(errors, "evaluate_on")

    tail.append(_section("Elevens og foresattes medvirkning"))
    for key, label, placeholder in (
        ("pupil_view", "Elevens syn på tiltakene", "Hva eleven selv mener hjelper"),
        ("parents_view", "Foresattes syn", "Hva foresatte mener om tiltakene"),
        (
            "not_followed",
            "Forslag som ikke er fulgt, og hvorfor",
            "Skolen må begrunne forslag den ikke følger",
        ),
    ):
        tail.append(
            text_input(
                key,
                label,
                max_length=VIEW_MAX,
                value=filled.get(key),
                multiline=True,
                placeholder=placeholder,
            )
        )
        tail += field_error(errors, key)

    actions = [
        submit(
            "Lagre aktivitetsplan",
            Verb.PLAN_SAVE,
            {CASE: case_id, VERSION: str(version)},
            style="positive",
        )
    ]
    card: dict[str, Any] = {}
    for rows in _row_counts(filled):
        measures: list[dict[str, Any]] = []
        for row in range(1, rows + 1):
            measures += _measure_row(row, filled, errors, staff_choices)
        if rows < MEASURE_ROWS:
            measures.append(
                text(
                    "Flere tiltak? Lagre planen og velg «Juster planen» i saken.",
                    subtle=True,
                    small=True,
                )
            )
        card = adaptive_card(
            body + measures + tail,
            actions,
            fallback_text=f"Aktivitetsplan for sak {reference}, versjon {version}.",
            full_width=True,
        )
        if len(json.dumps(card).encode("utf-8")) < CARD_BUDGET:
            break
    return card


def _row_counts(filled: Mapping[str, str]) -> list[int]:
    """All rows; if the card is too big (each row carries the staff list), the filled rows and
    one empty; then only the filled rows. A filled row is never dropped."""
    used = [
        row
        for row in range(1, MEASURE_ROWS + 1)
        if any(filled.get(f"m{row}_{part}") for part in ("description", "when", "responsible"))
    ]
    last = max(used, default=0)
    return sorted({MEASURE_ROWS, min(last + 1, MEASURE_ROWS), max(last, 1)}, reverse=True)


# --- evaluation (plan 8.7) ------------------------------------------------------------------


def evaluation_form(
    case_id: str,
    *,
    plan_version: int,
    default_next: date,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    today: date,
) -> list[dict[str, Any]]:
    """Body elements with their own submit button, so the form also works inside a ShowCard
    (inputs there are only sent by actions inside it)."""
    errors = errors or {}
    filled = values or {}
    items: list[dict[str, Any]] = []
    if errors:
        items.append(error_summary(errors))
    items.append(
        choice_input(
            "outcome",
            "Hva viser evalueringen?",
            [(outcome.value, label) for outcome, label in OUTCOMES.items()],
            value=filled.get("outcome"),
            required=True,
            error_message="Velg videreføre, justere eller avslutte.",
            style="expanded",
        )
    )
    items += field_error(errors, "outcome")
    items.append(
        text_input(
            "note",
            "Hva viste evalueringen?",
            max_length=EVALUATION_NOTE_MAX,
            value=filled.get("note"),
            required=True,
            error_message="Skriv kort hva evalueringen viste.",
            multiline=True,
            placeholder="Ved avslutning f.eks. «eleven sier hen har det bra»",
        )
    )
    items += field_error(errors, "note")
    items.append(
        date_input(
            "next_evaluation_on",
            "Neste evaluering (hvis tiltakene videreføres)",
            value=filled.get("next_evaluation_on") or default_next.isoformat(),
            error_message="Velg en dato fram i tid.",
            minimum=today + timedelta(days=1),
        )
    )
    items += field_error(errors, "next_evaluation_on")
    items.append(
        text(
            f"Justere: lag deretter versjon {plan_version + 1} av planen. Avslutte: skriv "
            "elevens og de voksnes vurdering; den siste planen skal alltid evalueres.",
            subtle=True,
            small=True,
        )
    )
    items.append(
        _action_set(
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
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    today: date,
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
    body.append(_section("Evaluering"))
    body += evaluation_form(
        case_id,
        plan_version=plan.version,
        default_next=default_next,
        errors=errors,
        values=values,
        today=today,
    )
    return adaptive_card(
        body,
        [submit("Åpne saken", Verb.CASE_OPEN, {CASE: case_id}, associated_inputs="none")],
        fallback_text=f"Aktivitetsplanen i sak {reference} skal evalueres.",
        full_width=True,
    )


# --- reminders ------------------------------------------------------------------------------


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
