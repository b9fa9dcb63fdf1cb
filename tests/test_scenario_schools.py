"""Two schools in one deployment, through Teams: each school's cases reach its own leaders
alone, and someone at both is asked which school a report is about."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cards.actions import CASE, SCHOOL, VERB, Verb
from bot.domain.case import NO_ACCESS, EventKind
from tests.scenario import at_school, case_of, report, two_schools_bot
from tests.schools import (
    BOTH,
    LEADER_A,
    LEADER_B,
    REKTOR_A,
    REKTOR_B,
    TEACHER_A,
    TEACHER_B,
)
from tests.teams import Harness

pytestmark = pytest.mark.usefixtures("sdk")

PEOPLE = (REKTOR_A, LEADER_A, TEACHER_A, REKTOR_B, LEADER_B, TEACHER_B, BOTH)


def _alerts(bot: Harness, person: str) -> list[str]:
    return [r.card_json for r in bot.to(person) if "Bekymring for en elev" in r.card_json]


async def test_a_schools_case_reaches_its_own_leaders_alone(tmp_path: Path) -> None:
    async with two_schools_bot(tmp_path, *PEOPLE) as bot:
        await report(bot, TEACHER_A, "a" * 32)
        assert len(_alerts(bot, REKTOR_A)) == 1 and len(_alerts(bot, LEADER_A)) == 1
        for other in (REKTOR_B, LEADER_B, TEACHER_B, BOTH):
            assert _alerts(bot, other) == []
        alfa = at_school(bot, "alfa")
        case = await case_of(bot, "a" * 32, school="alfa")
        assert case.reference.endswith("-0001")

        # Beta's rektor: nothing in «Mine saker», and the case by its id is refused — and the
        # refusal is in Alfa's audit trail, where the case is.
        await bot.say(REKTOR_B, "mine saker")
        assert case.reference not in bot.to(REKTOR_B)[-1].card_json
        await bot.say(REKTOR_B, value={VERB: Verb.CASE_OPEN, CASE: case.id})
        assert bot.to(REKTOR_B)[-1].text == NO_ACCESS
        async with alfa.uow() as uow:
            events = await uow.events.for_case(case.id)
        assert any(e.kind is EventKind.ACCESS_REFUSED and e.actor_id == REKTOR_B for e in events)
        # A card stamped with the other school changes nothing either.
        await bot.say(REKTOR_B, value={VERB: Verb.CASE_OPEN, CASE: case.id, SCHOOL: "alfa"})
        assert bot.to(REKTOR_B)[-1].text == NO_ACCESS

        # Each school numbers its own cases.
        await report(bot, TEACHER_B, "b" * 32)
        found = await case_of(bot, "b" * 32, school="beta")
        assert found.reference == case.reference
        assert len(_alerts(bot, REKTOR_A)) == 1 and len(_alerts(bot, REKTOR_B)) == 1


async def test_someone_at_two_schools_is_asked_which_once_per_report(tmp_path: Path) -> None:
    async with two_schools_bot(tmp_path, *PEOPLE) as bot:
        await bot.say(BOTH, "jeg vil melde fra")
        choice = bot.to(BOTH)[-1].card_json
        assert "Hvilken skole gjelder det?" in choice
        assert '"school": "alfa"' in choice and '"school": "beta"' in choice
        await bot.say(BOTH, value={VERB: Verb.START_REPORT, SCHOOL: "beta"})
        form = bot.to(BOTH)[-1].card_json
        draft = re.search(r'"draft": "([0-9a-f]{32})"', form)
        assert draft is not None
        assert '"school": "beta"' in form  # the form's buttons go back to Beta
        await report(bot, BOTH, draft.group(1), school="beta")
        assert len(_alerts(bot, REKTOR_B)) == 1 and _alerts(bot, REKTOR_A) == []

        # Without the stamp, the draft alone tells the school: no second question.
        await bot.say(BOTH, value={VERB: Verb.START_REPORT, SCHOOL: "alfa"})
        draft = re.search(r'"draft": "([0-9a-f]{32})"', bot.to(BOTH)[-1].card_json)
        assert draft is not None
        await report(bot, BOTH, draft.group(1))
        assert len(_alerts(bot, REKTOR_A)) == 1 and len(_alerts(bot, REKTOR_B)) == 1

        # A school they are not at is not taken from a forged card: they are asked again.
        await bot.say(BOTH, value={VERB: Verb.START_REPORT, SCHOOL: "gamma"})
        assert "Hvilken skole gjelder det?" in bot.to(BOTH)[-1].card_json


async def test_someone_at_no_school_is_told_so(tmp_path: Path) -> None:
    stranger = "00000000-0000-0000-0000-00000000ffff"
    async with two_schools_bot(tmp_path) as bot:
        await bot.say(stranger, "meld fra")
        assert "finner deg ikke blant de ansatte" in bot.to(stranger)[-1].text
