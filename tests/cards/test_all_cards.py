"""Properties every card must have, checked on every variant."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.cards.actions import Verb
from tests.cards.samples import all_cards
from tests.cards.schema import MAX_CARD_BYTES, assert_valid_card, card_bytes, inputs, verbs

CARDS = all_cards()
CARDS_DIR = Path(__file__).resolve().parents[2] / "bot" / "cards"
MODULES = sorted(p for p in CARDS_DIR.glob("*.py") if p.name != "actions.py")
"""Every card module; `actions.py` is where the verbs are spelled, once."""


@pytest.fixture(params=sorted(CARDS), name="card")
def card_fixture(request: pytest.FixtureRequest) -> dict[str, Any]:
    result: dict[str, Any] = CARDS[request.param]
    return result


def test_card_matches_schema_1_5(card: dict[str, Any]) -> None:
    assert_valid_card(card)


def test_card_is_plain_json(card: dict[str, Any]) -> None:
    assert json.loads(json.dumps(card)) == card


def test_card_fits_in_a_teams_message(card: dict[str, Any]) -> None:
    assert card_bytes(card) < MAX_CARD_BYTES


def test_every_verb_is_a_member_of_verb(card: dict[str, Any]) -> None:
    assert set(verbs(card)) <= {v.value for v in Verb}


def test_no_national_identity_number_field(card: dict[str, Any]) -> None:
    for element in inputs(card):
        words = f"{element.get('id', '')} {element.get('label', '')}".lower()
        assert not re.search(r"fødselsnummer|personnummer|fnr|ssn|national", words)


def test_all_variants_are_covered() -> None:
    kinds = {name.split("-")[0] for name in CARDS}
    assert kinds == {
        "help",
        "form",
        "fix",
        "summary",
        "receipt",
        "owner",
        "alert",
        "archive",
        "investigation",
        "plan",
        "evaluation",
        "reminder",
        "case",
        "cases",
        "export",
        "log",
        "answer",
        "stats",
        "stub",
    }



@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_cards_never_spell_a_verb_as_a_string_literal(module: Path) -> None:
    """A verb typed by hand drifts from the handlers; cards must use the `Verb` members."""
    source = module.read_text(encoding="utf-8")
    for verb in Verb:
        assert f'"{verb.value}"' not in source, f"{module.name} spells {verb.value!r}"
        assert f"'{verb.value}'" not in source, f"{module.name} spells {verb.value!r}"


def test_every_label_on_a_card_is_unique(card: dict[str, Any]) -> None:
    """A screen reader announces an input by its label: two alike cannot be told apart."""
    labels = [element["label"] for element in inputs(card)]
    assert len(labels) == len(set(labels)), [x for x in labels if labels.count(x) > 1]
