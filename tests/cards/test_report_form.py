from __future__ import annotations

import json
from typing import Any

from bot.cards.actions import DRAFT, FIX, VERB, Verb
from bot.cards.report import report_errors_card, report_form_card
from bot.domain.forms import YES_NO
from bot.domain.report import (
    CATEGORIES,
    MAX_TEXT,
    PUPIL_INFORMED,
    SIGNS,
    SOURCES,
    Field,
    ReportErrors,
    parse_report,
)
from tests.cards.samples import DRAFT_ID, TODAY, report
from tests.cards.schema import by_id, checked, inputs, shown, texts

REQUIRED = {
    Field.PUPIL_NAME,
    Field.PUPIL_CLASS,
    Field.CATEGORY,
    Field.DESCRIPTION,
    Field.SOURCE,
    Field.INTERVENED,
    Field.PUPIL_INFORMED,
}
TOGGLES = {Field.STAFF_SUSPECTED, Field.LEADERSHIP_SUSPECTED, Field.SERIOUS}


def form(**kwargs: Any) -> dict[str, Any]:
    return checked(report_form_card(DRAFT_ID, today=TODAY, **kwargs))


def choice_values(element: dict[str, Any]) -> list[str]:
    return [choice["value"] for choice in element["choices"]]


def test_input_ids_are_the_parser_fields_in_order() -> None:
    staff = (("aad-kari", "Kari Lærer"), ("aad-ola", "Ola Lærer"))
    assert [e["id"] for e in inputs(form(staff_choices=staff))] == [f.value for f in Field]
    # Without staff to pick from, the § 12-5 picker is left out.
    assert [e["id"] for e in inputs(form())] == [
        f.value for f in Field if f is not Field.SUSPECTED_ID
    ]


def test_12_5_staff_picker_is_optional_and_left_out_when_the_card_would_be_too_big() -> None:
    picker = by_id(form(staff_choices=(("aad-kari", "Kari Lærer"),)))[Field.SUSPECTED_ID]
    assert picker["type"] == "Input.ChoiceSet" and picker["isRequired"] is False
    assert picker["label"] == "Hvis ja: hvilken ansatt? (valgfritt)"
    huge = tuple((f"{i:08d}-8f2c-4d3e-9a1b-2c3d4e5f6a7b", f"Ansatt Østbø {i}") for i in range(400))
    assert Field.SUSPECTED_ID not in by_id(form(staff_choices=huge))


STAFF_CHOICES = (("aad-kari", "Kari Lærer"), ("aad-ola", "Ola Lærer"))


def test_required_flags_match_the_parser() -> None:
    elements = by_id(form(staff_choices=STAFF_CHOICES))
    for field in Field:
        element = elements[field.value]
        assert element["isRequired"] is (field in REQUIRED), field
        assert element["label"]
        assert element["errorMessage"]


def test_choices_come_from_the_domain() -> None:
    elements = by_id(form())
    assert choice_values(elements[Field.CATEGORY]) == list(CATEGORIES)
    assert choice_values(elements[Field.SIGNS]) == list(SIGNS)
    assert elements[Field.SIGNS]["isMultiSelect"] is True
    assert choice_values(elements[Field.SOURCE]) == [str(s) for s in SOURCES]
    assert choice_values(elements[Field.INTERVENED]) == [value for value, _ in YES_NO]
    assert choice_values(elements[Field.PUPIL_INFORMED]) == [str(p) for p in PUPIL_INFORMED]
    titles = [c["title"] for c in elements[Field.CATEGORY]["choices"]]
    assert titles == list(CATEGORIES.values())


def test_the_intervention_is_marked_as_needed_when_the_answer_is_yes() -> None:
    intervention = by_id(form())[Field.INTERVENTION]
    assert intervention["label"] == "Hvis ja: hvordan grep du inn? (må fylles ut)"
    assert intervention["isRequired"] is False  # Teams cannot make it depend on «Ja»
    refused = parse_report({**report().to_values(), Field.INTERVENTION: ""}, TODAY)
    assert isinstance(refused, ReportErrors)
    assert refused.messages == {Field.INTERVENTION: "Skriv kort hvordan du grep inn."}
    assert intervention["errorMessage"] == "Skriv høyst 4000 tegn."


def test_a_refused_report_gets_one_short_card_naming_the_fields() -> None:
    refused = parse_report({**report().to_values(), Field.INTERVENTION: "", "category": ""}, TODAY)
    assert isinstance(refused, ReportErrors)
    card = checked(report_errors_card(DRAFT_ID, refused.messages))
    assert inputs(card) == []
    text = shown(card)
    assert "Hva gjelder det? Velg hva det gjelder." in text
    assert "Hvis ja: hvordan grep du inn? Skriv kort hvordan du grep inn." in text
    assert "Meldingen er ikke sendt ennå." in text
    (fix,) = card["actions"]
    assert fix["title"] == "Rett opp"
    assert fix["data"] == {VERB: Verb.REPORT_EDIT, DRAFT: DRAFT_ID, FIX: "1"}


def test_text_limits_and_kinds() -> None:
    elements = by_id(form())
    description = elements[Field.DESCRIPTION]
    assert description["type"] == "Input.Text"
    assert description["isMultiline"] is True
    assert description["maxLength"] == MAX_TEXT
    assert elements[Field.INTERVENTION]["isMultiline"] is True
    assert elements[Field.PUPIL_NAME]["type"] == "Input.Text"
    assert elements[Field.PUPIL_CLASS]["type"] == "Input.Text"


def test_date_cannot_be_in_the_future() -> None:
    occurred = by_id(form())[Field.OCCURRED_ON]
    assert occurred["type"] == "Input.Date"
    assert occurred["max"] == "2026-11-26"


def test_toggles_send_true_or_false() -> None:
    elements = by_id(form())
    for field in TOGGLES:
        toggle = elements[field]
        assert toggle["type"] == "Input.Toggle"
        assert toggle["valueOn"] == "true"
        assert toggle["valueOff"] == "false"
        assert toggle["value"] == "false"
    assert "§ 12-5" in elements[Field.STAFF_SUSPECTED]["label"]


def test_empty_form_has_no_values_and_no_errors() -> None:
    card = form()
    toggles = {f.value for f in TOGGLES}
    assert all("value" not in e for e in inputs(card) if e["id"] not in toggles)
    assert "attention" not in json.dumps(card)


def test_values_prefill_every_input_and_round_trip_through_the_parser() -> None:
    original = report(staff_suspected=True, serious=True, suspected_id="aad-ola")
    values = original.to_values()
    elements = by_id(form(values=values, staff_choices=STAFF_CHOICES))
    for field in Field:
        assert elements[field.value].get("value", "") == values[field], field
    submitted = {field.value: elements[field.value].get("value", "") for field in Field}
    assert parse_report(submitted, TODAY) == original


def test_values_the_card_cannot_show_are_dropped() -> None:
    values = {
        Field.CATEGORY: "ukjent",
        Field.SIGNS: "kvier_seg,finnes_ikke",
        Field.OCCURRED_ON: "i går",
        Field.SERIOUS: "ja",
    }
    elements = by_id(form(values=values))
    assert "value" not in elements[Field.CATEGORY]
    assert elements[Field.SIGNS]["value"] == "kvier_seg"
    assert "value" not in elements[Field.OCCURRED_ON]
    assert elements[Field.SERIOUS]["value"] == "true"


def test_errors_are_shown_at_the_top_and_under_their_field() -> None:
    errors = {
        Field.DESCRIPTION.value: "Fyll inn hva du har sett eller hørt.",
        "form": "Skjemaet er ufullstendig.",
    }
    card = form(values={Field.PUPIL_NAME: "Ola"}, errors=errors)
    body = card["body"]
    top = body[1]
    assert top["type"] == "Container"
    assert top["style"] == "attention"
    top_texts = [item["text"] for item in top["items"]]
    assert "Skjemaet er ufullstendig." in top_texts
    assert any("Fyll inn hva du har sett eller hørt." in t for t in top_texts)

    index = next(i for i, e in enumerate(body) if e.get("id") == Field.DESCRIPTION)
    under = body[index + 1]
    assert under["type"] == "TextBlock"
    assert under["color"] == "attention"
    assert under["text"] == "Fyll inn hva du har sett eller hørt."
    # Values survive a rejected submission.
    assert by_id(card)[Field.PUPIL_NAME]["value"] == "Ola"


def test_reminders_on_privacy_and_telling_the_pupil() -> None:
    shown = " ".join(texts(form()))
    assert "andre elever" in shown
    assert "fødselsnummer" in shown
    assert "helseopplysninger" in shown
    assert "alder og" in shown
    assert "modenhet" in shown


def test_submit_and_cancel_buttons() -> None:
    submit, cancel = form()["actions"]
    assert submit["type"] == "Action.Submit"
    assert submit["title"] == "Se over"
    assert submit["data"] == {VERB: Verb.REPORT_SUBMIT, DRAFT: DRAFT_ID}
    assert submit["associatedInputs"] == "auto"
    assert cancel["type"] == "Action.Submit"
    assert cancel["title"] == "Avbryt"
    assert cancel["data"][VERB] == Verb.REPORT_CANCEL
    assert cancel["associatedInputs"] == "none"


def test_no_national_identity_number_input() -> None:
    labels = " ".join(f"{e['id']} {e['label']}" for e in inputs(form())).lower()
    assert "fødselsnummer" not in labels
    assert "personnummer" not in labels
