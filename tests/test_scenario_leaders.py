"""The leaders' side over HTTP (issue 14): what rektor and the nearest leader see and press.

Bugs (point 1) first, each named for what went wrong; then the leaders' experience (point 5).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cards.actions import CASE, VERB, Verb
from tests.cards.schema import actions, shown
from tests.conftest import LEADER_9, REKTOR, T0, TEACHER_9
from tests.fakes import FakeClock
from tests.scenario import EVERYONE, card_to, install, reported
from tests.teams import Harness, running_bot

pytestmark = pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)


@pytest.fixture
async def bot(tmp_path: Path, sdk: str) -> AsyncIterator[Harness]:
    """The bot at T0 on this run's SDK, with everyone having added it."""
    async with running_bot(tmp_path, clock=FakeClock(T0)) as running:
        await install(running, *EVERYONE)
        yield running


async def test_bug_case_card_after_saving_the_investigation_names_who_saved_it(
    bot: Harness,
) -> None:
    case_id = await reported(bot, "b" * 32)
    await bot.say(LEADER_9, value={VERB: Verb.INVESTIGATION_FORM, CASE: case_id})
    await bot.say(LEADER_9, value={
        VERB: Verb.INVESTIGATION_SAVE, CASE: case_id,
        "samtale_elev_date": "2026-11-26", "samtale_elev_note": "Samtale",
        "findings": "Opplever utenforskap.", "best_interest": "Trygghet først."})
    text = shown(card_to(bot, LEADER_9))
    assert "av Avdelingsleder Berit" in text
    assert "Ukjent ansatt" not in text


async def test_bug_leaders_case_card_shows_place_date_and_whether_the_pupil_knows(
    bot: Harness,
) -> None:
    case_id = await reported(bot, "c" * 32)
    await bot.say(LEADER_9, value={VERB: Verb.CASE_OPEN, CASE: case_id})
    text = shown(card_to(bot, LEADER_9))
    assert "Hvor og når: Skolegården, storefri" in text
    assert "Dato: 25.11.2026" in text
    assert "Vet eleven at rektor får beskjed: Ja, eleven vet at rektor får beskjed" in text


async def test_welcome_and_help_by_role_rektor_leader_teacher(bot: Harness) -> None:
    rektor = shown(card_to(bot, REKTOR))
    assert "Velkommen til Trygg skole" in rektor and "Du er rektor på" in rektor
    assert "«statistikk»" in rektor
    assert "Velkommen" in shown(card_to(bot, TEACHER_9))
    assert card_to(bot, TEACHER_9)["actions"][0]["title"] == "Meld fra"

    await reported(bot, "d" * 32)
    await bot.say(LEADER_9, "hjelp")
    card = card_to(bot, LEADER_9)
    assert card["actions"][0]["title"] == "Mine saker"
    text = shown(card)
    assert "Du har 1 åpen sak, 1 venter på at du bekrefter mottatt." in text
    assert "statistikk" not in text.lower() and "«logg»" in text


async def test_alert_card_open_the_case_shows_the_whole_report(bot: Harness) -> None:
    case_id = await reported(bot, "e" * 32)
    alert = card_to(bot, REKTOR)
    [opens] = [a for a in actions(alert) if a.get("title") == "Åpne saken"]
    await bot.say(REKTOR, value=opens["data"])
    text = shown(card_to(bot, REKTOR))
    assert "Neste steg: Start undersøkelsen snarest, senest 30.11.2026" in text
    for line in ("Ola satt alene i friminuttet", "Hvor og når: Skolegården, storefri",
                 "Hvordan melderen grep inn", "Kjennetegn"):
        assert line in text, line
    assert opens["data"][CASE] == case_id


async def test_mine_saker_for_the_teacher_shows_class_category_and_date(bot: Harness) -> None:
    await reported(bot, "f" * 32)
    await bot.say(TEACHER_9, "mine saker")
    text = shown(card_to(bot, TEACHER_9))
    assert ("Sak 2026-0001 · 9B · Utestenging eller utenforskap · meldt 26.11.2026 kl. 10:00"
            in text)
    assert "Nordmann" not in text
