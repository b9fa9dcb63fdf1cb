"""Review, receipt and the card for a report about the school's leadership."""

from __future__ import annotations

import inspect
import json
from typing import Any

from bot.cards.actions import DRAFT, VERB, Verb
from bot.cards.report import forwarded_to_owner_card, receipt_card, report_summary_card
from bot.domain.report import PUPIL_INFORMED, SIGNS, SOURCES, PupilInformed
from tests.cards.samples import (
    DESCRIPTION,
    DRAFT_ID,
    INTERVENTION,
    OWNER,
    OWNER_WITHOUT_CONTACT,
    PUPIL_NAME,
    REFERENCE,
    report,
)
from tests.cards.schema import assert_valid_card, iter_nodes, texts

URGENT_MARKER = "Skjerpet aktivitetsplikt (§ 12-5)"


def shown(card: dict[str, Any]) -> str:
    assert_valid_card(card)
    return "\n".join(texts(card))


def receipt(**changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "reference": REFERENCE,
        "recipient_names": ("Rita Rektor", "Lars Leder"),
        "reporter_is_rektor": False,
        "urgent": False,
        "pupil_informed": PupilInformed.YES,
    }
    arguments.update(changes)
    return receipt_card(**arguments)


# --- summary --------------------------------------------------------------------------------


def test_summary_shows_every_answer_with_its_label() -> None:
    text = shown(report_summary_card(DRAFT_ID, report()))
    for expected in (
        f"Elev: {PUPIL_NAME}",
        "Klasse: 9B",
        "Gjelder: Krenkelser eller mobbing",
        SIGNS["kvier_seg"],
        SIGNS["relasjoner"],
        DESCRIPTION,
        "Hvor og når: Sykkelstativet, storefri",
        "Dato: 25.11.2026",
        f"Hvordan du fikk vite det: {SOURCES['egen_observasjon']}",
        "Grep du inn: Ja",
        INTERVENTION,
        PUPIL_INFORMED[PupilInformed.NOT_YET],
        "Mistanke mot en ansatt (§ 12-5): Nei",
        "Gjelder skolens ledelse: Nei",
        "Spesielt alvorlig: Nei",
    ):
        assert expected in text, expected


def test_summary_marks_missing_optional_answers() -> None:
    minimal = report(signs=(), place="", occurred_on=None, intervened=False, intervention="")
    text = shown(report_summary_card(DRAFT_ID, minimal))
    assert "Kjennetegn: Ingen valgt" in text
    assert "Hvor og når: Ikke oppgitt" in text
    assert "Dato: Ikke oppgitt" in text
    assert "Grep du inn: Nei" in text
    assert "Hvordan du grep inn" not in text


def test_summary_buttons() -> None:
    card = report_summary_card(DRAFT_ID, report())
    assert [(a["title"], a["data"]) for a in card["actions"]] == [
        ("Send til rektor", {VERB: Verb.REPORT_CONFIRM, DRAFT: DRAFT_ID}),
        ("Endre", {VERB: Verb.REPORT_EDIT, DRAFT: DRAFT_ID}),
        ("Avbryt", {VERB: Verb.REPORT_CANCEL, DRAFT: DRAFT_ID}),
    ]
    assert URGENT_MARKER not in shown(card)


def test_summary_about_an_employee_shows_the_12_5_marker() -> None:
    card = report_summary_card(DRAFT_ID, report(staff_suspected=True))
    text = shown(card)
    assert URGENT_MARKER in text
    assert "straks" in text
    assert card["actions"][0]["title"] == "Send til rektor"


def test_summary_about_the_leadership_records_for_the_owner() -> None:
    card = report_summary_card(DRAFT_ID, report(staff_suspected=True, leadership_suspected=True))
    text = shown(card)
    confirm = card["actions"][0]
    assert confirm["data"] == {VERB: Verb.REPORT_CONFIRM, DRAFT: DRAFT_ID}
    assert "skoleeier" in confirm["title"]
    assert "rektor" not in confirm["title"].lower()
    assert "Ingen i skolens ledelse får beskjed" in text
    assert "rektor og nærmeste leder får beskjed" not in text


def test_typed_text_is_never_rendered_as_markdown() -> None:
    """A name like `[klikk](https://…)` must stay text, so typed text only goes in TextRuns."""
    sneaky = "[klikk her](https://example.invalid) **fet**"
    card = report_summary_card(
        DRAFT_ID, report(pupil_name=sneaky, description=sneaky, place=sneaky)
    )
    assert_valid_card(card)
    holders = [n for _, n in iter_nodes(card) if sneaky in str(n.get("text", ""))]
    assert holders
    assert all(n["type"] == "TextRun" for n in holders)


# --- receipt --------------------------------------------------------------------------------


def test_receipt_tells_who_was_told_and_what_happens_next() -> None:
    text = shown(receipt())
    assert "Takk! Rektor har fått beskjed" in text
    assert f"Saksnummer: {REFERENCE}" in text
    assert "Sendt til: Rita Rektor, Lars Leder" in text
    assert "miljøteamet" in text
    assert "snarest" in text
    assert "utdyper bekymringen" in text
    assert "undersøke saken" in text
    assert URGENT_MARKER not in text
    assert "saken er din" not in text


def test_receipt_cannot_carry_the_report() -> None:
    """The receipt is built without the report, so neither the name nor free text can leak."""
    parameters = set(inspect.signature(receipt_card).parameters)
    assert parameters == {
        "reference",
        "recipient_names",
        "reporter_is_rektor",
        "urgent",
        "pupil_informed",
    }
    dumped = json.dumps(receipt(), ensure_ascii=False)
    for secret in (PUPIL_NAME, DESCRIPTION, INTERVENTION, "Ola"):
        assert secret not in dumped


def test_receipt_reminds_to_tell_the_pupil_only_when_not_done() -> None:
    assert "Husk å si det til eleven" in shown(receipt(pupil_informed=PupilInformed.NOT_YET))
    assert "Husk å si det til eleven" not in shown(receipt(pupil_informed=PupilInformed.YES))
    assert "rett til å bli hørt" in shown(receipt(pupil_informed=PupilInformed.NO))


def test_urgent_receipt_says_rektor_is_told_at_once_and_tells_the_owner() -> None:
    text = shown(receipt(urgent=True))
    assert URGENT_MARKER in text
    assert "med en gang" in text
    assert "varsler skoleeier" in text


def test_rektors_own_receipt_says_the_case_is_theirs() -> None:
    text = shown(receipt(recipient_names=("Rita Rektor",), reporter_is_rektor=True, urgent=True))
    assert "saken er din" in text
    assert "varsle skoleeier" in text
    assert "Du blir snarest kalt inn" not in text


def test_receipt_without_recipients_says_to_go_to_rektor() -> None:
    card = receipt(recipient_names=())
    text = shown(card)
    assert "Sendt til" not in text
    assert "Rektor har fått beskjed" not in text
    assert "Gi beskjed til rektor direkte" in text


def test_receipt_offers_my_cases() -> None:
    assert [a["data"][VERB] for a in receipt()["actions"]] == [Verb.MY_CASES]


# --- forwarded to the school owner ----------------------------------------------------------


def test_forwarded_card_gives_the_owner_contact() -> None:
    card = forwarded_to_owner_card(reference=REFERENCE, owner=OWNER, sent=False)
    text = shown(card)
    assert f"Saksnummer: {REFERENCE}" in text
    assert "sendt til skoleeier" not in text  # nobody at the owner got it: no false claim
    assert "kontakte skoleeier direkte" in text
    assert f"Skoleeier: {OWNER.name}" in text
    assert f"Telefon: {OWNER.phone}" in text
    assert f"Kontaktperson: {OWNER.contact_name}" in text
    assert f"Telefon til kontaktperson: {OWNER.contact_phone}" in text
    assert "Ingen i skolens ledelse har fått beskjed" in text
    assert "actions" not in card


def test_forwarded_card_says_sent_to_the_owner_and_still_gives_the_phone() -> None:
    text = shown(forwarded_to_owner_card(reference=REFERENCE, owner=OWNER, sent=True))
    assert "Saken er sendt til skoleeier i Teams" in text
    assert "Du kan også ringe skoleeier" in text
    assert f"Telefon: {OWNER.phone}" in text
    assert "Ingen i skolens ledelse har fått beskjed" in text


def test_forwarded_card_without_contact_person() -> None:
    text = shown(
        forwarded_to_owner_card(reference=REFERENCE, owner=OWNER_WITHOUT_CONTACT, sent=False)
    )
    assert f"Telefon: {OWNER.phone}" in text
    assert "Kontaktperson" not in text
