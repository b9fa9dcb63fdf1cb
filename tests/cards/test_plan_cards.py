"""The aktivitetsplan form (plan 8.5, § 12-4): five elements, each measure one group."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.cards.actions import CASE, FIX, VERB, VERSION, Verb
from bot.cards.plan import (
    ADD_MEASURE,
    MORE_LATER,
    PLAN_ELEMENTS,
    RESPONSIBLE_HINT,
    plan_errors_card,
    plan_form_card,
)
from bot.domain.followup import (
    LEVELS,
    MEASURE_ROWS,
    ActivityPlan,
    FormErrors,
    Level,
    Measure,
    parse_plan,
)
from tests.cards import schema
from tests.cards.samples import (
    CASE_ID,
    LEADER_ID,
    NOW,
    REFERENCE,
    SNEAKY,
    STAFF,
    TEACHER_ID,
    TODAY,
    filled,
    longest_plan,
    many_staff,
    plan,
)

PARTS = ("description", "level", "when", "ends_on", "responsible")
STAFF_IDS = [s for s, _ in STAFF]


def form(**kwargs: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "version": 1,
        "previous": None,
        "staff_choices": STAFF,
        "default_evaluate_on": TODAY + timedelta(days=25),
        "today": TODAY,
    }
    arguments.update(kwargs)
    return schema.checked(plan_form_card(CASE_ID, REFERENCE, **arguments))


def parse(values: dict[str, str], version: int = 1) -> ActivityPlan | FormErrors:
    return parse_plan(
        values, staff_ids=STAFF_IDS, version=version, today=TODAY, now=NOW, by=LEADER_ID
    )


def rows(card: dict[str, Any]) -> list[list[str]]:
    """The input ids of each measure's group."""
    groups = [
        n for _, n in schema.iter_nodes(card) if n.get("type") == "Container" and "items" in n
    ]
    found = [[e["id"] for e in schema.inputs({"body": g["items"]})] for g in groups]
    return [ids for ids in found if ids and ids[0].startswith("m")]


def test_a_new_plan_has_one_measure_and_room_for_one_more() -> None:
    card = form()
    assert rows(card) == [[f"m{row}_{part}" for part in PARTS] for row in (1, 2)]
    assert [e["id"] for e in schema.inputs(card)] == [
        "problem",
        *(f"m{row}_{part}" for row in (1, 2) for part in PARTS),
        "evaluate_on",
        "pupil_view",
        "pupil_view_missing",
        "parents_view",
        "not_followed",
    ]
    assert "Tiltak 2 (valgfritt)" in schema.shown(card)


def test_the_laws_five_elements_are_labelled() -> None:
    card = form()
    text = schema.shown(card)
    for element in PLAN_ELEMENTS:
        assert element in text
    elements = schema.by_id(card)
    assert elements["problem"]["label"].startswith("1. ")
    assert elements["evaluate_on"]["label"].startswith("5. ")
    assert elements["m1_description"]["label"] == "Tiltak 1: hva skal gjøres?"
    assert elements["m2_when"]["label"] == (
        "Tiltak 2: når gjennomføres det? (må fylles ut hvis tiltaket brukes)"
    )
    assert elements["not_followed"]["label"] == "Forslag som ikke er fulgt, og hvorfor"


def test_the_first_measure_is_required_and_another_once_it_is_described() -> None:
    elements = schema.by_id(form())
    for key in ("problem", "evaluate_on", "m1_description", "m1_when", "m1_responsible"):
        assert elements[key]["isRequired"] is True, key
    for part in PARTS:
        assert elements[f"m2_{part}"]["isRequired"] is False
    result = parse({"problem": "x", "m2_description": "Klassemøte", "evaluate_on": "2026-12-20"})
    assert isinstance(result, FormErrors)
    assert {"m1_description", "m2_when", "m2_responsible"} <= set(result.messages)


def test_a_measure_can_be_added_with_what_was_typed() -> None:
    card = form(version=2)
    more = schema.find_action(card, Verb.PLAN_FORM)
    assert more is not None
    assert more["title"] == ADD_MEASURE
    assert more["associatedInputs"] == "auto"
    assert more["data"] == {VERB: Verb.PLAN_FORM, CASE: CASE_ID, VERSION: "2"}
    typed = {"problem": "Ola er alene.", "m1_description": "Voksen", "m2_description": "Møte"}
    again = form(values=typed)
    assert len(rows(again)) == 3
    assert schema.by_id(again)["m2_description"]["value"] == "Møte"
    full = form(previous=longest_plan())
    assert len(rows(full)) == MEASURE_ROWS
    assert schema.find_action(full, Verb.PLAN_FORM) is None


def test_the_plan_saves_with_its_version() -> None:
    card = form(version=3, previous=plan(2))
    assert "Sak 2026-0042 · Versjon 3" in schema.shown(card)
    action = schema.find_action(card, Verb.PLAN_SAVE)
    assert action is not None
    assert action["title"] == "Lagre aktivitetsplan"
    assert action["data"] == {VERB: Verb.PLAN_SAVE, CASE: CASE_ID, VERSION: "3"}


def test_choices() -> None:
    card = form()
    elements = schema.by_id(card)
    level = elements["m1_level"]
    assert level["style"] == "compact"
    assert [c["value"] for c in level["choices"]] == [v.value for v in LEVELS]
    assert level["value"] == Level.INDIVIDUAL.value
    responsible = elements["m2_responsible"]
    assert [(c["value"], c["title"]) for c in responsible["choices"]] == list(STAFF)
    assert "value" not in responsible
    assert RESPONSIBLE_HINT in schema.shown(card)


def test_the_evaluation_date_defaults_and_is_in_the_future() -> None:
    element = schema.by_id(form())["evaluate_on"]
    assert element["type"] == "Input.Date"
    assert element["value"] == "2026-12-21"
    assert element["min"] == (TODAY + timedelta(days=1)).isoformat()


def test_answers_parse() -> None:
    values = schema.submitted(
        form(),
        problem="Ola blir holdt utenfor.",
        m1_description="Voksen i storefri.",
        m1_when="Fra 1.12, hvert friminutt",
        m1_ends_on="2027-01-15",
        m1_responsible=LEADER_ID,
        m2_level="klasse",
        m2_description="Klassemøte.",
        m2_when="Fredager",
        m2_ends_on="2026-12-18",
        m2_responsible=TEACHER_ID,
        pupil_view="Vil ha voksen i nærheten.",
    )
    parsed = parse(values)
    assert isinstance(parsed, ActivityPlan), parsed
    assert [m.level for m in parsed.measures] == [Level.INDIVIDUAL, Level.CLASS]
    assert parsed.evaluate_on == TODAY + timedelta(days=25)


def test_an_adjustment_starts_from_the_previous_version() -> None:
    previous = plan(1)
    card = form(version=2, previous=previous)
    elements = schema.by_id(card)
    assert elements["problem"]["value"] == previous.problem
    assert elements["m2_level"]["value"] == "klasse"
    assert elements["m2_description"]["value"] == previous.measures[1].description
    assert elements["m1_when"]["value"] == previous.measures[0].when
    assert elements["m2_responsible"]["value"] == TEACHER_ID
    assert "value" not in elements["m3_description"]
    assert elements["not_followed"]["value"] == previous.not_followed
    # A new version gets a new evaluation date, not the old one.
    assert elements["evaluate_on"]["value"] == "2026-12-21"
    assert "Justering av versjon 1" in schema.shown(card)
    parsed = parse(schema.submitted(card), version=2)
    assert isinstance(parsed, ActivityPlan), parsed
    assert parsed.measures == previous.measures
    assert parsed.problem == previous.problem


def test_someone_no_longer_on_staff_is_not_preselected() -> None:
    previous = plan(1, measures=(Measure(Level.INDIVIDUAL, "Tiltak", "Nå", "aad-sluttet"),))
    assert "value" not in schema.by_id(form(previous=previous))["m1_responsible"]


def test_errors_are_shown_and_what_was_sent_is_kept() -> None:
    values = {"problem": "", "m1_description": "Voksen i storefri.", "evaluate_on": ""}
    result = parse(values, version=2)
    assert isinstance(result, FormErrors)
    card = form(version=2, previous=plan(1), errors=result.messages, values=values)
    text = schema.shown(card)
    assert result.messages["form"] in text
    assert text.count(result.messages["problem"]) == 2
    assert text.count(result.messages["m1_when"]) == 2
    elements = schema.by_id(card)
    assert "value" not in elements["problem"]  # emptied by the user, not refilled
    assert "value" not in elements["evaluate_on"]
    assert elements["m1_description"]["value"] == "Voksen i storefri."


def test_a_refused_plan_gets_one_short_card_that_brings_the_answers_back() -> None:
    values = {"problem": "Ola er alene.", "m1_description": "Voksen", "evaluate_on": ""}
    result = parse(values, version=2)
    assert isinstance(result, FormErrors)
    card = schema.checked(plan_errors_card(CASE_ID, 2, result.messages, values))
    assert schema.inputs(card) == []
    text = schema.shown(card)
    assert "når tiltakene skal evalueres" in text
    assert "Tiltak 1: når gjennomføres det? Skriv når tiltak 1 skal gjennomføres." in text
    (fix,) = schema.actions(card)
    assert fix["data"] == {VERB: Verb.PLAN_FORM, CASE: CASE_ID, VERSION: "2", FIX: "1", **values}


def test_the_longest_plan_fits_with_a_short_staff_list() -> None:
    staff = many_staff(12)
    card = form(
        version=2,
        previous=longest_plan(responsible=staff[0][0]),
        staff_choices=staff,
        errors={"form": filled(300), "problem": filled(100)},
    )
    assert schema.card_bytes(card) < schema.MAX_CARD_BYTES
    assert len(rows(card)) == MEASURE_ROWS


@pytest.mark.parametrize(("staff_count", "shown_rows"), [(20, 3), (80, 2)])
def test_a_long_staff_list_leaves_out_the_empty_row_but_never_a_filled_one(
    staff_count: int, shown_rows: int
) -> None:
    staff = many_staff(staff_count)
    previous = plan(
        1,
        measures=(
            Measure(Level.INDIVIDUAL, "Voksen i storefri.", "Hvert friminutt", staff[0][0]),
            Measure(Level.CLASS, "Klassemøte.", "Fredager", staff[1][0]),
        ),
    )
    card = form(version=2, previous=previous, staff_choices=staff)
    responsible = [e for e in schema.inputs(card) if e["id"].endswith("_responsible")]
    assert len(responsible) == shown_rows
    assert [e.get("value") for e in responsible[:2]] == [staff[0][0], staff[1][0]]
    assert (MORE_LATER in schema.shown(card)) is (shown_rows == 2)


def test_a_new_plan_fits_with_the_whole_staff() -> None:
    card = form(staff_choices=many_staff(150))
    assert schema.card_bytes(card) < schema.MAX_CARD_BYTES
    assert rows(card)[0] == [f"m1_{part}" for part in PARTS]


def test_typed_text_stays_in_the_inputs() -> None:
    card = form(version=2, previous=plan(1, problem=SNEAKY, pupil_view=SNEAKY))
    assert schema.by_id(card)["problem"]["value"] == SNEAKY
    assert not [n for _, n in schema.iter_nodes(card) if SNEAKY in str(n.get("text", ""))]
