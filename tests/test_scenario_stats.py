"""«statistikk» in Teams: rektor gets the own school exact, the school owner every school
suppressed, a teacher a refusal; the card's «Oppdater» does the same as the typed word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cards.actions import DRAFT, VERB, Verb
from bot.dialogs.stats import NOT_FOR_YOU
from bot.services.intents import Intent, classify
from tests.cards.schema import assert_valid_card, texts
from tests.conftest import T0
from tests.fakes import FakeClock
from tests.samples import form_values
from tests.schools import OWNER_PERSON, REKTOR_A, REKTOR_B, TEACHER_A, two_schools
from tests.teams import Harness, installation, running_bot

pytestmark = pytest.mark.usefixtures("sdk")


def _card(bot: Harness, person: str) -> dict[str, object]:
    last = bot.to(person)[-1]
    assert last.card_json, last.text
    card: dict[str, object] = json.loads(last.card_json)
    assert_valid_card(card)
    return card


async def test_statistikk_for_rektor_the_owner_and_nobody_else(tmp_path: Path) -> None:
    config = two_schools(tmp_path / "skoler")
    async with running_bot(tmp_path, clock=FakeClock(T0), env={"SCHOOL_CONFIG": str(config)}
                           ) as bot:
        for person in (REKTOR_A, REKTOR_B, TEACHER_A, OWNER_PERSON):
            await bot.post(installation(person, service_url=bot.connector.url))
        for draft in ("a" * 32, "b" * 32):
            await bot.say(TEACHER_A, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft,
                                            **form_values()})
            await bot.say(TEACHER_A, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
        await bot.deliver_all()

        await bot.say(REKTOR_A, "statistikk")
        shown = texts(_card(bot, REKTOR_A))
        assert "Meldinger: 2" in shown and "Per skole" not in shown
        assert any("Alfa skole" in line for line in shown)

        await bot.say(REKTOR_B, "Statistikk")
        shown = texts(_card(bot, REKTOR_B))
        assert "Meldinger: 0" in shown and not any("Alfa skole" in line for line in shown)

        await bot.say(OWNER_PERSON, "statistikk")
        shown = texts(_card(bot, OWNER_PERSON))
        assert "Alle skolene samlet" in shown and "Meldinger: <5" in shown
        assert "Alfa skole: <5 meldinger, <5 åpne saker" in shown
        assert "Beta skole: <5 meldinger, <5 åpne saker" in shown

        await bot.say(TEACHER_A, "statistikk")
        assert bot.to(TEACHER_A)[-1].text == NOT_FOR_YOU

        await bot.say(REKTOR_A, value={VERB: Verb.STATS})
        assert "Meldinger: 2" in texts(_card(bot, REKTOR_A))
        assert "Ola Nordmann" not in bot.to(REKTOR_A)[-1].card_json


@pytest.mark.parametrize("typed", ["statistikk", "Statistikk", "statistik", "vis statistikk"])
def test_the_typed_word_asks_for_the_figures(typed: str) -> None:
    assert classify(typed) is Intent.STATS


@pytest.mark.parametrize("typed", ["status", "start", "hva sier statistikken om mobbing?"])
def test_words_like_it_do_not(typed: str) -> None:
    assert classify(typed) is not Intent.STATS
