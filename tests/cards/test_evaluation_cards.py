"""The evaluation (plan 8.7), and the reminders that lead to it and to the investigation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.cards.actions import CASE, VERB, VERSION, Verb
from bot.cards.common import adaptive_card
from bot.cards.evaluation import evaluation_errors_card, evaluation_form
from bot.cards.followup import (
    evaluation_card,
    evaluation_overdue_rektor_card,
    investigation_reminder_card,
)
from bot.domain.followup import (
    EVALUATION_NOTE_MAX,
    OUTCOMES,
    Evaluation,
    FormErrors,
    Level,
    Measure,
    Outcome,
    parse_evaluation,
)
from tests.cards import schema
from tests.cards.samples import (
    CASE_ID,
    LEADER_ID,
    NAMES,
    NOW,
    PUPIL_NAME,
    REFERENCE,
    SNEAKY,
    TODAY,
    filled,
    longest_plan,
    plan,
)

NEXT = date(2026, 12, 17)


def parse(values: dict[str, str], default_next: date = NEXT) -> Evaluation | FormErrors:
    return parse_evaluation(
        values, plan_version=2, today=TODAY, now=NOW, by=LEADER_ID, default_next=default_next
    )


def reminder(**kwargs: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "due_on": TODAY,
        "overdue_days": 0,
        "default_next": NEXT,
        "names": NAMES,
        "today": TODAY,
    }
    arguments.update(kwargs)
    the_plan = arguments.pop("plan", plan(1))
    pupil = arguments.pop("pupil_name", PUPIL_NAME)
    return schema.checked(evaluation_card(CASE_ID, REFERENCE, pupil, the_plan, **arguments))


# --- the form ---------------------------------------------------------------------------------


def test_the_form_parses_for_every_outcome() -> None:
    card = reminder(plan=plan(2))
    assert [e["id"] for e in schema.inputs(card)] == ["outcome", "note", "next_evaluation_on"]
    for outcome in Outcome:
        parsed = parse(
            schema.submitted(card, outcome=outcome.value, note="Eleven sier hen har det bra.")
        )
        assert isinstance(parsed, Evaluation), (outcome, parsed)
        assert parsed.outcome is outcome
    continued = parse(
        schema.submitted(card, outcome="videreføre", note="Litt bedre."),
        default_next=date(2027, 1, 1),
    )
    assert isinstance(continued, Evaluation)
    assert continued.next_evaluation_on == NEXT  # the card's default was sent


def test_the_next_date_counts_only_when_the_measures_go_on() -> None:
    closing = parse({"outcome": "avslutte", "note": "Bra.", "next_evaluation_on": "i går"})
    assert isinstance(closing, Evaluation) and closing.next_evaluation_on is None
    late = parse({"outcome": "videreføre", "note": "Bra.", "next_evaluation_on": "2026-11-01"})
    assert isinstance(late, FormErrors) and "fram i tid" in late.messages["next_evaluation_on"]


def test_form_elements() -> None:
    items = evaluation_form(CASE_ID, plan_version=2, default_next=NEXT, today=TODAY)
    card = schema.checked(adaptive_card(items, fallback_text="Evaluering"))
    elements = schema.by_id(card)
    outcome = elements["outcome"]
    assert outcome["style"] == "expanded"
    assert [(c["value"], c["title"]) for c in outcome["choices"]] == [
        (o.value, label) for o, label in OUTCOMES.items()
    ]
    assert elements["note"]["isMultiline"] is True
    assert elements["note"]["maxLength"] == EVALUATION_NOTE_MAX
    assert "eleven sier hen har det bra" in elements["note"]["placeholder"]
    assert elements["next_evaluation_on"]["value"] == "2026-12-17"
    assert elements["next_evaluation_on"]["min"] == "2026-11-27"
    save = schema.find_action(card, Verb.EVALUATION_SAVE)
    assert save is not None
    assert save["title"] == "Lagre evaluering"
    assert save["data"] == {VERB: Verb.EVALUATION_SAVE, CASE: CASE_ID, VERSION: "2"}


def test_a_refused_evaluation_gets_one_short_card_with_the_form_folded_in() -> None:
    values = {"outcome": "avslutte", "note": ""}
    result = parse(values)
    assert isinstance(result, FormErrors)
    card = schema.checked(
        evaluation_errors_card(
            CASE_ID,
            plan_version=2,
            default_next=NEXT,
            errors=result.messages,
            values=values,
            today=TODAY,
        )
    )
    text = schema.shown(card)
    assert "Hva viste evalueringen? Skriv en avsluttende evaluering" in text
    (fix,) = card["actions"]
    assert fix["type"] == "Action.ShowCard"
    assert fix["title"] == "Rett opp"
    inner = fix["card"]
    assert schema.by_id(inner)["outcome"]["value"] == "avslutte"
    assert "Skriv en avsluttende evaluering" in "\n".join(schema.texts(inner))
    save = schema.find_action(inner, Verb.EVALUATION_SAVE)
    assert save is not None and save["data"][VERSION] == "2"


# --- the reminder on the evaluation date ------------------------------------------------------


def test_the_reminder_shows_the_plan_in_short() -> None:
    text = schema.shown(reminder())
    for expected in (
        f"Elev: {PUPIL_NAME}",
        "Skulle evalueres: 26.11.2026",
        "Problemet: Ola blir holdt utenfor i friminuttene.",
        "1. Individnivå: Voksen følger Ola i storefri.",
        "Lars Leder",
        "Tone Lærer",
    ):
        assert expected in text, expected
    assert "på overtid" not in text


def test_the_reminder_counts_overdue_school_days() -> None:
    assert "Evalueringen er 3 skoledager på overtid" in schema.shown(reminder(overdue_days=3))
    assert "Evalueringen er 1 skoledag på overtid" in schema.shown(reminder(overdue_days=1))


def test_the_reminder_actions() -> None:
    card = reminder(plan=plan(4))
    save = schema.find_action(card, Verb.EVALUATION_SAVE)
    assert save is not None
    assert save["data"] == {VERB: Verb.EVALUATION_SAVE, CASE: CASE_ID, VERSION: "4"}
    open_case = schema.find_action(card, Verb.CASE_OPEN)
    assert open_case is not None
    assert open_case["title"] == "Åpne saken"
    assert open_case["data"] == {VERB: Verb.CASE_OPEN, CASE: CASE_ID}


def test_the_reminder_shows_typed_text_only_in_runs_and_fits() -> None:
    sneaky_plan = plan(
        1,
        problem=SNEAKY,
        measures=(Measure(Level.INDIVIDUAL, SNEAKY, SNEAKY, LEADER_ID),),
    )
    schema.typed_text_only_in_runs(reminder(plan=sneaky_plan, pupil_name=SNEAKY), SNEAKY)
    longest = reminder(
        plan=plan(1, problem=filled(4000), measures=longest_plan().measures),
        pupil_name=filled(120),
    )
    assert schema.card_bytes(longest) < schema.MAX_CARD_BYTES


# --- the other reminders ----------------------------------------------------------------------


@pytest.mark.parametrize("to_rektor", [False, True])
def test_investigation_reminder(to_rektor: bool) -> None:
    card = schema.checked(
        investigation_reminder_card(
            CASE_ID,
            REFERENCE,
            PUPIL_NAME,
            datetime(2026, 11, 26, 8, 15, tzinfo=UTC),
            school_days=2,
            to_rektor=to_rektor,
        )
    )
    text = schema.shown(card)
    assert "Undersøkelsen er ikke startet 2 skoledager etter meldingen" in text
    assert "snarest (plan 8.4)" in text
    assert "Meldt: 26.11.2026 kl. 09:15" in text
    assert ("allerede fått en påminnelse" in text) is to_rektor
    assert [(a["title"], a["data"]) for a in schema.actions(card)] == [
        ("Start undersøkelse", {VERB: Verb.INVESTIGATION_FORM, CASE: CASE_ID}),
        ("Åpne saken", {VERB: Verb.CASE_OPEN, CASE: CASE_ID}),
    ]
    schema.typed_text_only_in_runs(
        investigation_reminder_card(
            CASE_ID, REFERENCE, SNEAKY, NOW, school_days=1, to_rektor=to_rektor
        ),
        SNEAKY,
    )


def test_evaluation_overdue_card_for_rektor() -> None:
    card = schema.checked(
        evaluation_overdue_rektor_card(
            CASE_ID, REFERENCE, PUPIL_NAME, TODAY, 4, ["Lars Leder", "Tone Lærer"]
        )
    )
    text = schema.shown(card)
    assert "Evalueringen er 4 skoledager på overtid" in text
    assert "Ansvarlige: Lars Leder, Tone Lærer" in text
    assert "Skulle evalueres: 26.11.2026" in text
    assert [a["data"] for a in schema.actions(card)] == [{VERB: Verb.CASE_OPEN, CASE: CASE_ID}]
    nobody = schema.checked(
        evaluation_overdue_rektor_card(CASE_ID, REFERENCE, SNEAKY, TODAY, 1, [])
    )
    assert "Ansvarlige: Ingen registrert" in schema.shown(nobody)
    schema.typed_text_only_in_runs(nobody, SNEAKY)
