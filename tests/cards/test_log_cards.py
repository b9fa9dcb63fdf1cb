"""Følge med: the log form, the leader's view of a pupil's log, the nudge, and the PDF link."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.cards.actions import CASE, FIX, PUPIL, VERB, Verb
from bot.cards.export import export_link_card
from bot.cards.log import (
    LOG_PRIVACY,
    MAX_SHOWN,
    observation_errors_card,
    observation_form_card,
    observation_saved_text,
    pupil_log_card,
    suggest_report_card,
)
from bot.domain.followup import MAX_NOTE, FormErrors, Observation, parse_observation, pupil_key
from bot.domain.report import MAX_CLASS, MAX_NAME
from tests.cards.samples import AUTHORS, NOW, SNEAKY, TODAY, filled, observation
from tests.cards.schema import (
    MAX_CARD_BYTES,
    actions,
    by_id,
    card_bytes,
    checked,
    find_action,
    inputs,
    shown,
    typed_text_only_in_runs,
)

# --- the form -------------------------------------------------------------------------------


def test_form_has_the_parsers_input_ids_and_limits() -> None:
    card = checked(observation_form_card(today=TODAY))
    elements = by_id(card)
    assert list(elements) == ["pupil_name", "pupil_class", "observed_on", "note"]
    assert elements["pupil_name"]["maxLength"] == MAX_NAME
    assert elements["pupil_class"]["maxLength"] == MAX_CLASS
    assert elements["note"]["maxLength"] == MAX_NOTE
    assert elements["note"]["isMultiline"] is True
    assert elements["observed_on"]["value"] == TODAY.isoformat()
    assert elements["observed_on"]["max"] == TODAY.isoformat()
    for key in ("pupil_name", "pupil_class", "note"):
        assert elements[key]["isRequired"] is True
    assert LOG_PRIVACY in shown(card)
    assert "andre elever" in LOG_PRIVACY


def test_form_answers_parse() -> None:
    card = observation_form_card(today=TODAY)
    values = {e["id"]: e.get("value", "") for e in inputs(card)}
    values.update(pupil_name="Ola Nordmann", pupil_class="9B", note="Satt alene.")
    parsed = parse_observation(values, today=TODAY, now=NOW, by="aad-kari", new_id="obs-1")
    assert isinstance(parsed, Observation), parsed
    assert parsed.observed_on == TODAY
    assert parsed.pupil_key == pupil_key("ola nordmann", "9 b")


def test_form_actions() -> None:
    card = checked(observation_form_card(today=TODAY))
    save = find_action(card, Verb.LOG_SAVE)
    assert save is not None
    assert save["title"] == "Lagre i loggen"
    assert save["data"] == {VERB: Verb.LOG_SAVE}
    report = find_action(card, Verb.START_REPORT)
    assert report is not None
    assert report["associatedInputs"] == "none"


def test_form_shows_errors_and_keeps_the_values() -> None:
    values = {"pupil_name": "Ola", "pupil_class": "", "observed_on": "2026-11-20", "note": ""}
    result = parse_observation(values, today=TODAY, now=NOW, by="aad-kari", new_id="x")
    assert isinstance(result, FormErrors)
    card = checked(observation_form_card(values=values, errors=result.messages, today=TODAY))
    text = shown(card)
    for message in result.messages.values():
        assert text.count(message) == 2
    elements = by_id(card)
    assert elements["pupil_name"]["value"] == "Ola"
    assert elements["observed_on"]["value"] == "2026-11-20"
    assert "value" not in elements["note"]


def test_a_refused_note_gets_one_short_card_that_brings_the_answers_back() -> None:
    values = {"pupil_name": "Ola", "pupil_class": "", "note": "Satt alene."}
    result = parse_observation(values, today=TODAY, now=NOW, by="aad-kari", new_id="x")
    assert isinstance(result, FormErrors)
    card = checked(observation_errors_card(result.messages, values))
    assert inputs(card) == []
    assert "Klasse: Fyll inn klasse." in shown(card)
    (fix,) = actions(card)
    assert fix["data"] == {VERB: Verb.LOG_START, FIX: "1", **values}


def test_longest_form_fits() -> None:
    values = {
        "pupil_name": filled(MAX_NAME),
        "pupil_class": filled(MAX_CLASS),
        "note": filled(MAX_NOTE),
    }
    errors = {k: filled(200) for k in ("form", "pupil_name", "note")}
    card = checked(observation_form_card(values=values, errors=errors, today=TODAY))
    assert card_bytes(card) < MAX_CARD_BYTES


# --- after saving ---------------------------------------------------------------------------


def test_saved_text_counts_and_nudges() -> None:
    first = observation_saved_text(1)
    assert first.startswith("Lagret i loggen.")
    assert "ditt første notat" in first
    assert "Du har skrevet 2 notater om eleven de siste 30 dagene." in observation_saved_text(2)
    third = observation_saved_text(3)
    assert "Nærmeste leder blir bedt om å vurdere å melde fra." in third
    assert "Nærmeste leder" not in observation_saved_text(2)


# --- the leader's view ----------------------------------------------------------------------


def test_log_is_newest_first_with_author_and_date() -> None:
    notes = [observation(10, "Første."), observation(20, "Siste.", author_id="aad-tone")]
    card = checked(pupil_log_card("Ola Nordmann", "9B", notes, AUTHORS))
    text = shown(card)
    assert "Elev: Ola Nordmann" in text
    assert "Klasse: 9B" in text
    assert "Antall notater: 2" in text
    assert text.index("Siste.") < text.index("Første.")
    assert "20.11.2026 · Tone Lærer" in text
    assert "10.11.2026 · Kari Lærer" in text


def test_log_without_notes_and_with_unknown_author() -> None:
    assert "Ingen notater om eleven." in shown(checked(pupil_log_card("Ola", "9B", [], {})))
    card = checked(pupil_log_card("Ola", "9B", [observation(3)], {}))
    assert "Ukjent ansatt" in shown(card)


def test_log_typed_text_only_in_runs() -> None:
    notes = [observation(5, SNEAKY, pupil_name=SNEAKY)]
    typed_text_only_in_runs(checked(pupil_log_card(SNEAKY, SNEAKY, notes, AUTHORS)), SNEAKY)


def test_long_log_fits_and_says_how_much_is_shown() -> None:
    notes = [
        observation(
            1 + i % 28,
            filled(MAX_NOTE),
            id=f"obs-{i}",
            created_at=NOW - timedelta(hours=i),
        )
        for i in range(45)
    ]
    card = checked(pupil_log_card(filled(MAX_NAME), filled(MAX_CLASS), notes, AUTHORS))
    assert card_bytes(card) < MAX_CARD_BYTES
    assert f"Viser de {MAX_SHOWN} nyeste av 45." in shown(card)


# --- suggestion to the leader ---------------------------------------------------------------


def test_suggestion_to_report() -> None:
    key = pupil_key("Ola Nordmann", "9B")
    card = checked(suggest_report_card("Ola Nordmann", "9B", key, 3))
    text = shown(card)
    assert "Vurder å melde fra" in text
    assert "Det er skrevet 3 notater om eleven i loggen de siste 30 dagene." in text
    assert "mistanke" in text
    assert [(a["title"], a["data"]) for a in actions(card)] == [
        ("Se loggen", {VERB: Verb.LOG_VIEW, PUPIL: key}),
        ("Meld fra", {VERB: Verb.START_REPORT}),
    ]
    typed_text_only_in_runs(checked(suggest_report_card(SNEAKY, "9B", key, 4)), SNEAKY)


# --- export link ----------------------------------------------------------------------------


@pytest.mark.parametrize("redacted", [False, True])
def test_export_link(redacted: bool) -> None:
    url = "https://trygg.example.no/export/abc123?token=xyz"
    card = checked(export_link_card("2026-0042", url, redacted=redacted, expires_minutes=10))
    text = shown(card)
    assert "Lenken virker én gang, bare for deg, og utløper om 10 minutter." in text
    assert ("Sladdet PDF av sak 2026-0042" in text) is redacted
    (action,) = actions(card)
    assert action == {"type": "Action.OpenUrl", "title": "Last ned PDF", "url": url}
    assert CASE not in str(action)


def test_export_link_one_minute() -> None:
    card = checked(
        export_link_card("2026-0042", "https://x.example/e", redacted=False, expires_minutes=1)
    )
    assert "utløper om 1 minutt." in shown(card)
