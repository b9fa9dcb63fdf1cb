"""The investigation form (plan 8.4): the methods first, then a date and a note for those."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.cards.actions import CASE, FIX, VERB, Verb
from bot.cards.investigation import (
    INVESTIGATION_PRIVACY,
    SHOW_CHOSEN,
    investigation_errors_card,
    investigation_form_card,
)
from bot.domain.followup import (
    FINDINGS_MAX,
    MAX_NOTE,
    METHODS,
    FormErrors,
    Investigation,
    Method,
    parse_investigation,
)
from tests.cards import schema
from tests.cards.samples import (
    CASE_ID,
    LEADER_ID,
    NOW,
    REFERENCE,
    SNEAKY,
    TODAY,
    investigation,
    longest_investigation,
)

CHOSEN = {"methods": "samtale_elev,sosiogram"}


def form(**kwargs: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {"current": None, "today": TODAY}
    arguments.update(kwargs)
    return schema.checked(investigation_form_card(CASE_ID, REFERENCE, **arguments))


def parse(values: dict[str, str], today: date = TODAY) -> Investigation | FormErrors:
    return parse_investigation(values, today=today, now=NOW, by=LEADER_ID)


def test_a_new_investigation_asks_only_which_methods_were_used() -> None:
    card = form()
    assert [e["id"] for e in schema.inputs(card)] == [
        "methods",
        "findings",
        "best_interest",
        "completed",
    ]
    methods = schema.by_id(card)["methods"]
    assert methods["isMultiSelect"] is True
    assert methods["style"] == "expanded"
    assert [(c["value"], c["title"]) for c in methods["choices"]] == [
        (m.value, label) for m, label in METHODS.items()
    ]
    assert "value" not in methods


def test_the_methods_chosen_get_a_date_and_a_note_each() -> None:
    card = form(values=CHOSEN)
    assert [e["id"] for e in schema.inputs(card)] == [
        "methods",
        "samtale_elev_date",
        "samtale_elev_note",
        "sosiogram_date",
        "sosiogram_note",
        "findings",
        "best_interest",
        "completed",
    ]
    elements = schema.by_id(card)
    assert elements["methods"]["value"] == "samtale_elev,sosiogram"
    assert elements["samtale_elev_date"]["label"] == "Samtale med eleven – dato (må fylles ut)"
    assert elements["sosiogram_note"]["label"] == "Sosiogram – kort notat"
    assert elements["sosiogram_date"]["max"] == TODAY.isoformat()
    assert elements["sosiogram_note"]["maxLength"] == MAX_NOTE
    assert elements["findings"]["maxLength"] == FINDINGS_MAX
    assert elements["findings"]["label"].startswith("Oppsummering av funn (må fylles ut")
    assert elements["completed"]["title"] == "Undersøkelsen er ferdig"


def test_every_method_has_labels_of_its_own() -> None:
    every = form(values={"methods": ",".join(m.value for m in Method)})
    labels = [e["label"] for e in schema.inputs(every)]
    assert len(labels) == len(set(labels)) == 4 + 2 * len(Method)


def test_showing_the_chosen_methods_sends_the_form_back_with_its_answers() -> None:
    action = schema.find_action(form(), Verb.INVESTIGATION_FORM)
    assert action is not None
    assert action["title"] == SHOW_CHOSEN
    assert action["associatedInputs"] == "auto"
    assert action["data"] == {VERB: Verb.INVESTIGATION_FORM, CASE: CASE_ID}


def test_the_form_saves_with_the_case() -> None:
    action = schema.find_action(form(), Verb.INVESTIGATION_SAVE)
    assert action is not None
    assert action["title"] == "Lagre undersøkelsen"
    assert action["data"] == {VERB: Verb.INVESTIGATION_SAVE, CASE: CASE_ID}


def test_the_form_reminds_not_to_document_other_pupils() -> None:
    assert INVESTIGATION_PRIVACY in schema.shown(form())
    assert "andre elever" in INVESTIGATION_PRIVACY


def test_answers_parse() -> None:
    values = schema.submitted(
        form(values=CHOSEN),
        samtale_elev_date="2026-11-25",
        samtale_elev_note="Ola gruer seg til friminuttene.",
        sosiogram_date="2026-11-24",
        findings="Ola er mye alene.",
        best_interest="Voksne tett på.",
        completed="true",
    )
    parsed = parse(values)
    assert isinstance(parsed, Investigation), parsed
    assert [s.method for s in parsed.steps] == [Method.PUPIL_TALK, Method.SOCIOGRAM]
    assert parsed.steps[0].note == "Ola gruer seg til friminuttene."
    assert parsed.completed


def test_a_chosen_method_needs_its_date_and_a_method_left_out_is_not_saved() -> None:
    result = parse({"methods": "samtale_elev", "sosiogram_date": "2026-11-24"})
    assert isinstance(result, FormErrors)
    assert result.messages == {"samtale_elev_date": "Skriv når: samtale med eleven (dialogisk)."}
    left_out = parse({"methods": "", "sosiogram_date": "2026-11-24"})
    assert isinstance(left_out, Investigation) and left_out.steps == ()


def test_cards_already_in_chats_still_parse() -> None:
    """Before the methods were asked first, each method had a switch `<method>_done`."""
    old = {
        "samtale_elev_done": "true",
        "samtale_elev_date": "2026-11-25",
        "samtale_elev_note": "Dialogisk samtale",
        "sosiogram_done": "false",
        "loggbok_date": "2026-11-20",
        "findings": "Opplever utenforskap.",
        "best_interest": "Trygghet først.",
        "completed": "true",
    }
    parsed = parse(old)
    assert isinstance(parsed, Investigation), parsed
    assert [s.method for s in parsed.steps] == [Method.PUPIL_TALK, Method.LOGBOOK]
    missing = parse({"foresatte_done": "true"})
    assert isinstance(missing, FormErrors) and "foresatte_date" in missing.messages


def test_an_empty_form_parses_as_a_draft() -> None:
    parsed = parse(schema.submitted(form()))
    assert isinstance(parsed, Investigation), parsed
    assert parsed.steps == ()
    assert not parsed.completed


def test_finishing_needs_a_method_findings_and_barnets_beste() -> None:
    result = parse({"completed": "true"})
    assert isinstance(result, FormErrors)
    assert set(result.messages) == {"methods", "findings", "best_interest"}


def test_the_form_continues_from_the_documentation() -> None:
    current = investigation()
    card = form(current=current)
    elements = schema.by_id(card)
    assert elements["methods"]["value"] == "samtale_elev,foresatte"
    assert elements["samtale_elev_date"]["value"] == "2026-11-27"
    assert elements["samtale_elev_note"]["value"] == "Ola sier han gruer seg."
    assert "sosiogram_date" not in elements
    assert elements["findings"]["value"] == current.findings
    assert elements["completed"]["value"] == "true"
    # Saving it unchanged keeps the documentation (dates in the past are fine).
    parsed = parse(schema.submitted(card), today=date(2026, 12, 1))
    assert isinstance(parsed, Investigation), parsed
    assert parsed.steps == current.steps
    assert parsed.findings == current.findings


def test_errors_are_shown_at_the_top_and_at_their_field() -> None:
    values = {"methods": "samtale_elev", "completed": "true"}
    result = parse(values)
    assert isinstance(result, FormErrors)
    card = form(current=investigation(), errors=result.messages, values=values)
    text = schema.shown(card)
    assert "Noe må rettes før du kan lagre:" in text
    assert text.count(result.messages["samtale_elev_date"]) == 2
    assert (
        "value" not in schema.by_id(card)["findings"]
    )  # what was sent wins over the documentation


def test_a_refused_save_gets_one_short_card_that_brings_the_answers_back() -> None:
    values = {"methods": "samtale_elev", "samtale_elev_note": SNEAKY, "completed": "true"}
    result = parse(values)
    assert isinstance(result, FormErrors)
    card = schema.checked(investigation_errors_card(CASE_ID, result.messages, values))
    assert schema.inputs(card) == []
    text = schema.shown(card)
    assert "Samtale med eleven – dato: Skriv når: samtale med eleven (dialogisk)." in text
    assert "Oppsummering av funn: Oppsummer funnene" in text
    (fix,) = schema.actions(card)
    assert fix["title"] == "Rett opp"
    assert fix["data"] == {VERB: Verb.INVESTIGATION_FORM, CASE: CASE_ID, FIX: "1", **values}
    assert not [n for _, n in schema.iter_nodes(card) if SNEAKY in str(n.get("text", ""))]


def test_the_longest_investigation_fits() -> None:
    card = form(current=longest_investigation())
    assert schema.card_bytes(card) < schema.MAX_CARD_BYTES
    assert len(schema.inputs(card)) == 4 + 2 * len(Method)


def test_typed_text_stays_in_the_inputs() -> None:
    card = form(current=investigation(findings=SNEAKY))
    assert schema.by_id(card)["findings"]["value"] == SNEAKY
    assert not [n for _, n in schema.iter_nodes(card) if SNEAKY in str(n.get("text", ""))]
