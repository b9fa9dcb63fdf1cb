"""Shorter forms on a phone (issue 14, point 6): unique labels on every card, and a refused form
answered with one short card naming the field (`field_error_card`), not the form again."""

from __future__ import annotations

from bot.cards.actions import CASE, FIX, Verb
from bot.cards.common import adaptive_card, field_error_card, submit
from bot.cards.investigation import investigation_form_card
from bot.cards.report import report_errors_card
from bot.domain.followup import Method
from tests.cards.samples import CASE_ID, REFERENCE, TODAY
from tests.cards.schema import actions, assert_valid_card, inputs, project_errors, shown


def test_field_error_card_names_the_field_and_has_one_button_back() -> None:
    retry = submit("Rett opp", Verb.INVESTIGATION_FORM, {CASE: CASE_ID, FIX: "1"})
    card = field_error_card("Noe må rettes", "Samtale med eleven – dato",
                            "Skriv når: samtale med eleven.", retry,
                            note="Undersøkelsen er ikke lagret.")
    assert_valid_card(card)
    assert inputs(card) == []
    assert actions(card) == [retry]
    assert shown(card).splitlines() == [
        "Noe må rettes",
        "Undersøkelsen er ikke lagret.",
        "Samtale med eleven – dato: Skriv når: samtale med eleven.",
        "Svarene dine er tatt vare på. Trykk «Rett opp» for å fortsette der du var.",
    ]
    assert card["fallbackText"] == (
        "Undersøkelsen er ikke lagret. Rett opp: Samtale med eleven – dato.")


def test_field_error_card_takes_a_question_label_as_it_is_and_more_fields() -> None:
    retry = submit("Tilbake", Verb.REPORT_EDIT, {"draft": "d" * 32})
    card = field_error_card("Noe må rettes", "Hvis ja: hvordan grep du inn?",
                            "Skriv kort hvordan du grep inn.", retry,
                            more=[("", "Meldingen er for lang."), ("Klasse", "Fyll inn.")])
    text = shown(card)
    assert "Hvis ja: hvordan grep du inn? Skriv kort hvordan du grep inn." in text
    assert "Meldingen er for lang." in text and "Klasse: Fyll inn." in text
    assert "Trykk «Tilbake»" in text


def test_a_refused_report_is_one_short_card_not_the_form_again() -> None:
    card = report_errors_card("d" * 32, {"intervention": "Skriv kort hvordan du grep inn."})
    assert inputs(card) == [] and len(actions(card)) == 1
    assert "Hvis ja: hvordan grep du inn? Skriv kort hvordan du grep inn." in shown(card)


def test_the_card_check_refuses_a_label_used_twice() -> None:
    date_input = {"type": "Input.Date", "label": "Dato", "errorMessage": "Velg en dato."}
    card = adaptive_card([{**date_input, "id": "a"}, {**date_input, "id": "b"}],
                         fallback_text="x")
    assert "labels not unique: ['Dato']" in project_errors(card)


def test_every_method_chosen_gives_each_date_and_note_a_label_of_its_own() -> None:
    every = {"methods": ",".join(m.value for m in Method)}
    card = investigation_form_card(CASE_ID, REFERENCE, current=None, values=every, today=TODAY)
    assert_valid_card(card)
    labels = [e["label"] for e in inputs(card)]
    assert len(labels) == len(set(labels)) == 2 * len(Method) + 4
    assert not [label for label in labels if label in ("Dato", "Kort notat")]
