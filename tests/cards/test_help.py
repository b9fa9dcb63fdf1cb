from __future__ import annotations

from bot.cards.actions import VERB, Verb
from bot.cards.help import help_card
from tests.cards.schema import assert_valid_card, texts


def test_help_offers_the_four_things_the_bot_does() -> None:
    card = help_card("Tøyen skole")
    assert_valid_card(card)
    buttons = [(a["title"], a["type"], a["data"]) for a in card["actions"]]
    assert buttons == [
        ("Meld fra", "Action.Submit", {VERB: Verb.START_REPORT}),
        ("Mine saker", "Action.Submit", {VERB: Verb.MY_CASES}),
        ("Skriv i loggen", "Action.Submit", {VERB: Verb.LOG_START}),
        ("Spør om rutinene", "Action.Submit", {VERB: Verb.ASK}),
    ]
    shown = " ".join(texts(card))
    assert "Melde fra om en bekymring for en elev" in shown
    assert "skolemiljøplanen" in shown
    assert "«logg»" in shown
    assert "Tøyen skole" in shown
    assert "Velkommen" not in shown


def test_welcome_greets_and_states_the_duty() -> None:
    card = help_card("Tøyen skole", welcome=True)
    assert_valid_card(card)
    shown = " ".join(texts(card))
    assert "Velkommen til Trygg skole" in shown
    assert "Tøyen skole" in shown
    assert "melde fra til rektor" in shown
    assert [a["data"][VERB] for a in card["actions"]] == [
        Verb.START_REPORT,
        Verb.MY_CASES,
        Verb.LOG_START,
        Verb.ASK,
    ]
