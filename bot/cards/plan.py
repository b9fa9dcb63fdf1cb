"""The aktivitetsplan form (plan 8.5, opplæringslova § 12-4).

The law's five elements are numbered so a missing one is easy to spot. Each measure is one
group (what, level, when, until when, who); the form shows the measures already written and one
empty, and «Legg til et tiltak» brings the same form back with one more, everything typed so far
still in it. An adjustment starts from the previous version, which stays documented.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from bot.cards.actions import CASE, FIX, VERSION, Verb
from bot.cards.common import (
    action_set,
    adaptive_card,
    fit_card,
    notice,
    section,
    submit,
    text,
)
from bot.cards.inputs import errors_card, form_heading, form_inputs
from bot.domain.followup import (
    MEASURE_ROWS,
    RESPONSIBLE_RULE,
    ActivityPlan,
    Level,
    measure_id,
    plan_form_for,
)

PLAN_ELEMENTS: Final = (
    "1. Problemet",
    "2. Tiltakene",
    "3. Når",
    "4. Ansvarlig",
    "5. Evaluering",
)
"""The five things opplæringslova § 12-4 requires, as the plan form labels them."""
RESPONSIBLE_HINT: Final = f"{RESPONSIBLE_RULE[:-1]} (§ 12-4)."
ADD_MEASURE: Final = "Legg til et tiltak"
MORE_LATER: Final = "Flere tiltak? Lagre planen og velg «Juster planen» i saken."


def plan_values(previous: ActivityPlan | None) -> dict[str, str]:
    """The previous version as the form's answers: an adjustment changes what must change."""
    if previous is None:
        return {}
    values: dict[str, str] = {
        "problem": previous.problem,
        "pupil_view": previous.pupil_view,
        "parents_view": previous.parents_view,
        "not_followed": previous.not_followed,
        "pupil_view_missing": previous.pupil_view_missing,
    }
    for row, measure in enumerate(previous.measures[:MEASURE_ROWS], start=1):
        values[measure_id(row, "level")] = measure.level.value
        values[measure_id(row, "description")] = measure.description
        values[measure_id(row, "when")] = measure.when
        values[measure_id(row, "responsible")] = measure.responsible_id
        if measure.ends_on is not None:
            values[measure_id(row, "ends_on")] = measure.ends_on.isoformat()
    return values


def _row_counts(filled: Mapping[str, str]) -> list[int]:
    """The measures written and one empty (at least two rows); when a long staff list makes
    that too big (each row carries it), only the measures written. A filled row is never
    dropped."""
    used = [
        row
        for row in range(1, MEASURE_ROWS + 1)
        if any(
            filled.get(measure_id(row, part))
            for part in ("description", "when", "ends_on", "responsible")
        )
    ]
    last = max(used, default=0)
    return sorted({min(max(last + 1, 2), MEASURE_ROWS), max(last, 1)}, reverse=True)


def plan_form_card(
    case_id: str,
    reference: str,
    *,
    version: int,
    previous: ActivityPlan | None,
    staff_choices: Sequence[tuple[str, str]],
    default_evaluate_on: date,
    evaluate_note: str | None = None,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    today: date,
) -> dict[str, Any]:
    """`values` (what was sent, an emptied field staying empty) win over `previous`.

    `staff_choices` are (staff id, name) of the people who can be responsible; every measure
    carries the list, so keep it short.
    """
    errors = errors or {}
    filled = dict(values) if values is not None else plan_values(previous)
    if values is None:
        filled["evaluate_on"] = default_evaluate_on.isoformat()
    for row in range(1, MEASURE_ROWS + 1):
        if not filled.get(measure_id(row, "level")):
            filled[measure_id(row, "level")] = Level.INDIVIDUAL.value
    spec = plan_form_for(staff_choices)
    data = {CASE: case_id, VERSION: str(version)}

    head = form_heading("Aktivitetsplan", f"{reference} · Versjon {version}", errors)
    if previous is not None:
        head.append(
            text(
                f"Justering av versjon {previous.version}: endre det som skal endres. "
                f"Versjon {previous.version} blir stående i saken.",
                small=True,
            )
        )
    head += [
        text(
            "Opplæringslova § 12-4 krever fem ting: " + ", ".join(PLAN_ELEMENTS) + ".",
            small=True,
            subtle=True,
        ),
        section(PLAN_ELEMENTS[0]),
        *form_inputs([spec["problem"]], filled, errors, today=today),
        section("2.–4. Tiltakene, når og hvem"),
        text(
            "Tiltak på individ-, klasse- og skolenivå. Hvert tiltak trenger hva, når, hvor "
            "lenge det varer og hvem.",
            small=True,
        ),
        notice([text(RESPONSIBLE_HINT, small=True)], style="emphasis", spacing="small"),
    ]
    tail: list[dict[str, Any]] = [
        section(PLAN_ELEMENTS[4]),
        *form_inputs([spec["evaluate_on"]], filled, errors, today=today),
        text("Normalt etter 3–4 uker (plan 8.7).", subtle=True, small=True),
        *([text(evaluate_note, small=True)] if evaluate_note and values is None else []),
        section("Elevens og foresattes medvirkning"),
        *form_inputs(spec.span("pupil_view", "not_followed"), filled, errors, today=today),
    ]
    counts = _row_counts(filled)

    def build(rows: int) -> dict[str, Any]:
        measures: list[dict[str, Any]] = []
        for row in range(1, rows + 1):
            fields = spec.span(measure_id(row, "description"), measure_id(row, "responsible"))
            title = "Tiltak 1" if row == 1 else f"Tiltak {row} (valgfritt)"
            measures.append(
                {
                    "type": "Container",
                    "style": "emphasis",
                    "spacing": "medium",
                    "items": [
                        text(title, bold=True),
                        *form_inputs(fields, filled, errors, today=today),
                    ],
                }
            )
        if rows < counts[0]:
            measures.append(text(MORE_LATER, subtle=True, small=True))
        elif rows < MEASURE_ROWS:
            more = submit(ADD_MEASURE, Verb.PLAN_FORM, data, associated_inputs="auto")
            measures.append(action_set(more))
        return adaptive_card(
            head + measures + tail,
            [submit("Lagre aktivitetsplan", Verb.PLAN_SAVE, data, style="positive")],
            fallback_text=f"Aktivitetsplan for sak {reference}, versjon {version}.",
            full_width=True,
        )

    return fit_card(build, counts)


def plan_errors_card(
    case_id: str, version: int, errors: Mapping[str, str], values: Mapping[str, object]
) -> dict[str, Any]:
    """A refused save: what to correct, and «Rett opp» carrying the answers back."""
    spec = plan_form_for(())
    data = {**spec.typed(values), CASE: case_id, VERSION: str(version), FIX: "1"}
    return errors_card(
        spec,
        errors,
        unsaved="Aktivitetsplanen er ikke lagret.",
        fix=submit("Rett opp", Verb.PLAN_FORM, data, style="positive"),
    )
