"""Other pupils' names out of free text, for the copy handed out on an access request."""

from __future__ import annotations

import pytest

from bot.export.redact import ALLOWLIST, FIRST_NAMES, MARK, likely_names, redact

KEEP = ("Ola Nordmann", "Lise Dahl", "Berit Solberg", "Anne-Lise Berg")


def _redact(text: str) -> str:
    return redact(text, keep=KEEP)


def test_the_list_is_large_enough_and_apart_from_the_allowlist() -> None:
    assert len(FIRST_NAMES) >= 200
    assert not FIRST_NAMES & ALLOWLIST


@pytest.mark.parametrize(
    "text",
    [
        "Gangen var full. Bussen kom sent.",
        "Eleven gråt. Hun ville ikke gå ut.",
        "Etter storefri satt eleven alene.",
        "",
    ],
)
def test_a_capitalised_word_that_starts_a_sentence_is_no_name(text: str) -> None:
    assert _redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ola satt med Bjørnar i storefri.", "Ola satt med [navn] i storefri."),
        ("Det var Zyxia og Ola.", "Det var [navn] og Ola."),
        ("Han snakket med Nils Hansen i går.", "Han snakket med [navn] i går."),
    ],
)
def test_a_capitalised_word_mid_sentence_is_a_name(text: str, expected: str) -> None:
    assert _redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kari dyttet Ola.", "[navn] dyttet Ola."),
        ("Mohammed og Ola spilte fotball.", "[navn] og Ola spilte fotball."),
        ("kari og ola kranglet.", "[navn] og ola kranglet."),
        ("Karis mor ringte.", "[navn] mor ringte."),
        ("Liv var der.", "[navn] var der."),
    ],
)
def test_a_common_first_name_is_a_name_anywhere(text: str, expected: str) -> None:
    assert _redact(text) == expected


def test_first_names_that_are_ordinary_words_count_only_capitalised() -> None:
    text = "Eleven er redd for sitt liv og vil ha sol og storm."
    assert _redact(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Saken er meldt til UDA og dokumentert i Vigilo og Websak.",
        "Vi skrev det i OneNote og i Teams, og FAU ble orientert.",
        "Eleven er henvist til PPT og BUP i Oslo, jf. UDAs rutiner.",
        "Vi tar det opp med Statsforvalteren i Desember.",
        "Hun ble meldt på Snapchat etter møtet med Rektor og Kontaktlærer.",
        "Han sa: «Du er teit», og hun sa: Nei.",
        "Ellingsrud skole har KRØ-møte på Mandag.",
    ],
)
def test_words_schools_capitalise_are_kept(text: str) -> None:
    assert _redact(text) == text


def test_the_pupil_and_the_staff_are_kept() -> None:
    text = "Lise Dahl og Berit Solberg snakket med Ola Nordmann og Olas mor. Lise ringte."
    assert _redact(text) == text


def test_keep_is_case_insensitive_and_takes_full_names_apart() -> None:
    assert redact("Vi snakket med OLA og nordmann.", keep=["Ola Nordmann"]) == (
        "Vi snakket med OLA og nordmann."
    )
    assert redact("Vi snakket med Ola.", keep=[]) == "Vi snakket med [navn]."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hun sa: Bjørnar gjorde det.", "Hun sa: [navn] gjorde det."),
        ("Hun sa «Bjørnar er dum».", "Hun sa «[navn] er dum»."),
        ("Eleven (Bjørnar) gråt.", "Eleven ([navn]) gråt."),
        ("Etterpå, Bjørnar og Ola gikk inn.", "Etterpå, [navn] og Ola gikk inn."),
        ("Flere, f.eks. Bjørnar, var med.", "Flere, f.eks. [navn], var med."),
        ("«Nei», sa Sigve.", "«Nei», sa [navn]."),
        ("Han gråt! Bjørnar lo.", "Han gråt! Bjørnar lo."),
        ("Samtale:\nGangen var tom.", "Samtale:\nGangen var tom."),
    ],
)
def test_names_after_punctuation(text: str, expected: str) -> None:
    assert _redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Med Anne-Marie og Per-Olav.", "Med [navn] og [navn]."),
        ("Bjørg-Iren gikk hjem.", "[navn] gikk hjem."),
        ("Kari-gjengen sto i gangen.", "[navn]-gjengen sto i gangen."),
        ("Ola-saken og FAU-møtet.", "Ola-saken og FAU-møtet."),
        ("Anne-Lise Berg var til stede.", "Anne-Lise Berg var til stede."),
        ("Vi ringte Mari-Lise.", "Vi ringte [navn]."),
    ],
)
def test_hyphenated_names(text: str, expected: str) -> None:
    assert _redact(text) == expected


def test_a_name_seen_mid_sentence_is_hidden_at_the_start_of_a_sentence_too() -> None:
    assert _redact("Bjørnar lo. Ola sa at Bjørnar slo.") == "[navn] lo. Ola sa at [navn] slo."


def test_names_found_in_another_text_are_passed_as_known() -> None:
    known = likely_names("Ola sa at Bjørnar slo.", keep=KEEP)
    assert "bjørnar" in known and "ola" not in known
    assert redact("Bjørnar lo.", keep=KEEP, known=known) == "[navn] lo."


def test_a_kept_surname_after_another_name_goes_with_it() -> None:
    assert _redact("Kari Nordmann var der, men Ola Nordmann gikk.") == (
        "[navn] var der, men Ola Nordmann gikk."
    )


def test_class_names_numbers_and_letters_are_no_names() -> None:
    text = "Ola i 9B og elev A møttes kl. 10. Rom 2C."
    assert _redact(text) == text


def test_redacting_twice_changes_nothing_more() -> None:
    once = _redact("Kari og Bjørnar dyttet Ola. Sigurd så det.")
    assert MARK in once
    assert _redact(once) == once


def test_other_scripts_do_not_break_it() -> None:
    text = "Eleven skrev محمد og 你好 😢 til Ola."
    assert _redact(text) == text
