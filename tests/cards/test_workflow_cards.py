"""Issue 14's cards against the Adaptive Cards schema: the plan form's groups and marks, one
short card for one wrong field, the conclusion, the substitutes, rektor's override."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.cards.evaluation import evaluation_form
from bot.cards.plan import plan_errors_card, plan_form_card
from tests.cards import schema
from tests.cards.samples import CASE_ID, REFERENCE, STAFF, TODAY


def _plan(**kwargs: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "version": 1,
        "previous": None,
        "staff_choices": STAFF,
        "default_evaluate_on": date(2027, 1, 4),
        "today": TODAY,
    }
    arguments.update(kwargs)
    return schema.checked(plan_form_card(CASE_ID, REFERENCE, **arguments))


def test_plan_form_groups_each_measure_with_its_end_date() -> None:
    card = _plan()
    groups = [
        [e["id"] for e in schema.inputs({"body": n["items"]})]
        for _, n in schema.iter_nodes(card)
        if n.get("type") == "Container" and "items" in n
    ]
    measures = [ids for ids in groups if ids and ids[0].startswith("m")]
    assert measures[0] == ["m1_description", "m1_level", "m1_when", "m1_ends_on", "m1_responsible"]
    ends = schema.by_id(card)["m1_ends_on"]
    assert ends["type"] == "Input.Date" and ends["label"] == "Tiltak 1: varer til"


def test_plan_form_marks_conditional_required_fields() -> None:
    elements = schema.by_id(_plan())
    assert elements["m2_ends_on"]["label"].endswith("(må fylles ut hvis tiltaket brukes)")
    assert elements["m2_when"]["label"].endswith("(må fylles ut hvis tiltaket brukes)")
    assert "eller velg under hvorfor det mangler" in elements["pupil_view"]["label"]
    reasons = {c["value"] for c in elements["pupil_view_missing"]["choices"]}
    assert reasons == {"onsket_ikke", "for_ung", "ikke_mulig_enna"}


def test_plan_form_says_why_the_proposed_evaluation_date_moved() -> None:
    note = "Foreslått dato er flyttet til første skoledag, 04.01.2027 (22.12.2026 er ikke en "
    card = _plan(evaluate_note=note + "skoledag).")
    assert note in schema.shown(card)
    assert schema.by_id(card)["evaluate_on"]["value"] == "2027-01-04"


def test_a_refused_plan_with_one_wrong_field_gets_the_short_card() -> None:
    card = schema.checked(
        plan_errors_card(
            CASE_ID, 1, {"m1_ends_on": "Velg når tiltak 1 slutter."}, {"problem": "Utenfor."}
        )
    )
    assert schema.inputs(card) == []
    assert schema.card_bytes(card) < 2_000
    assert "Tiltak 1: varer til" in schema.shown(card)


def test_rektors_evaluation_form_asks_the_override_reason_others_do_not() -> None:
    def ids(can_override: bool) -> set[str]:
        items = evaluation_form(
            CASE_ID,
            plan_version=1,
            default_next=date(2027, 1, 4),
            today=TODAY,
            can_override=can_override,
        )
        return {e["id"] for e in schema.inputs({"body": items})}

    assert "override_reason" in ids(True) and "override_reason" not in ids(False)


def test_every_new_card_is_valid() -> None:
    from tests.cards.samples import all_cards

    names = [
        n for n in all_cards() if n.split("-")[0] in {"conclusion", "substitute"} or "plan" in n
    ]
    assert len(names) >= 8
    for name in names:
        schema.assert_valid_card(all_cards()[name])
        assert json.dumps(all_cards()[name])


def test_rektors_help_names_vikar_and_a_leaders_does_not() -> None:
    from bot.cards.help import Audience, help_card

    assert "«vikar»" in schema.shown(help_card("Tøyen skole", audience=Audience.REKTOR))
    assert "«vikar»" not in schema.shown(help_card("Tøyen skole", audience=Audience.LEADER))
