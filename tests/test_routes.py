"""Every verb a card can send has a route, and every route a card that sends it.

A verb renamed on one side only would strand every card already sitting in someone's chat; a
route no card reaches is dead code. The cards are every variant in `tests/cards/samples.py`,
their buttons found wherever they are (card actions, ActionSets, ShowCards, selectActions and
the refresh action of a Universal Action).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.cards.actions import VERB, Verb
from bot.dialogs.archive import ArchiveFlow
from bot.dialogs.case import CaseFlow
from bot.dialogs.home import Home
from bot.dialogs.log import LogFlow
from bot.dialogs.questions import QuestionFlow
from bot.dialogs.report import ReportFlow
from bot.dialogs.routes import Route, routing_table
from bot.knowledge import default_knowledge_base
from tests.cards.samples import all_cards
from tests.cards.schema import action_verb, actions

CARDS_DIR = Path(__file__).resolve().parent.parent / "bot" / "cards"
SENDING = ("Action.Submit", "Action.Execute")


@cache
def table() -> Mapping[Verb, Route]:
    knowledge = default_knowledge_base()
    return routing_table(
        home=Home(),
        report=ReportFlow(),
        case=CaseFlow("http://127.0.0.1:3978"),
        log=LogFlow(),
        questions=QuestionFlow(lambda _school: knowledge),
        archive=ArchiveFlow("http://127.0.0.1:3978"),
    )


@cache
def buttons() -> tuple[tuple[str, str, dict[str, Any]], ...]:
    """(card name, verb, action) for every action of every card that reaches the bot."""
    found = []
    for name, card in all_cards().items():
        for action in actions(card):
            if action.get("type") in SENDING:
                verb = action_verb(action)
                assert verb is not None, (name, action.get("title"))
                found.append((name, verb, action))
    return tuple(found)


def emitted() -> set[str]:
    return {verb for _, verb, _ in buttons()}


def test_every_verb_a_card_emits_has_a_route() -> None:
    assert emitted() - {v.value for v in table()} == set()


def test_every_route_has_a_card_that_emits_it() -> None:
    assert {v.value for v in table()} - emitted() == set()


def test_the_samples_press_every_button_the_cards_name() -> None:
    """A card function left out of the samples would leave its verbs unchecked above."""
    named = set()
    for module in CARDS_DIR.glob("*.py"):
        named |= set(re.findall(r"\bVerb\.([A-Z_]+)\b", module.read_text(encoding="utf-8")))
    assert {Verb[name].value for name in named} <= emitted()


@pytest.mark.parametrize("kind", SENDING)
def test_each_button_is_the_kind_of_action_its_route_answers(kind: str) -> None:
    """An Action.Execute is answered in the invoke, an Action.Submit with a new message: the
    conversation refuses a button of the other kind."""
    wrong = [
        (name, verb)
        for name, verb, action in buttons()
        if action["type"] == kind and table()[Verb(verb)].execute is not (kind == SENDING[1])
    ]
    assert wrong == []


def test_each_button_carries_the_ids_its_route_requires() -> None:
    missing = [
        (name, verb, key)
        for name, verb, action in buttons()
        for key in table()[Verb(verb)].requires
        if key not in action.get("data", {})
    ]
    assert missing == []


def test_a_submit_names_its_verb_in_its_data() -> None:
    for name, verb, action in buttons():
        if action["type"] == SENDING[0]:
            assert action["data"][VERB] == verb, name
