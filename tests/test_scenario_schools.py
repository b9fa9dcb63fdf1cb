"""Two schools in one deployment, through Teams: each school's cases reach its own leaders
alone, and someone at both is asked which school a report is about."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cards.actions import CASE, DRAFT, SCHOOL, VERB, Verb
from bot.domain.case import NO_ACCESS, EventKind
from tests.conftest import T0
from tests.fakes import FakeClock
from tests.samples import form_values
from tests.schools import (
    BOTH,
    LEADER_A,
    LEADER_B,
    REKTOR_A,
    REKTOR_B,
    TEACHER_A,
    TEACHER_B,
    two_schools,
)
from tests.teams import Harness, installation, running_bot

pytestmark = pytest.mark.usefixtures("sdk")

PEOPLE = (REKTOR_A, LEADER_A, TEACHER_A, REKTOR_B, LEADER_B, TEACHER_B, BOTH)


async def _start(bot: Harness) -> None:
    for person in PEOPLE:
        await bot.post(installation(person, service_url=bot.connector.url))


def _alerts(bot: Harness, person: str) -> list[str]:
    return [r.card_json for r in bot.to(person) if "Bekymring for en elev" in r.card_json]


async def _report(bot: Harness, person: str, draft: str, **extra: str) -> None:
    await bot.say(person, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft, **extra,
                                 **form_values()})
    await bot.say(person, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft, **extra})
    await bot.deliver_all()


async def test_a_schools_case_reaches_its_own_leaders_alone(tmp_path: Path) -> None:
    config = two_schools(tmp_path / "skoler")
    async with running_bot(tmp_path, clock=FakeClock(T0), env={"SCHOOL_CONFIG": str(config)}
                           ) as bot:
        await _start(bot)
        await _report(bot, TEACHER_A, "a" * 32)
        assert len(_alerts(bot, REKTOR_A)) == 1 and len(_alerts(bot, LEADER_A)) == 1
        for other in (REKTOR_B, LEADER_B, TEACHER_B, BOTH):
            assert _alerts(bot, other) == []
        alfa = bot.runtime.schools.get("alfa") if bot.runtime.schools else None
        assert alfa is not None
        async with alfa.uow() as uow:
            case = await uow.cases.by_submission("a" * 32)
        assert case is not None and case.reference.endswith("-0001")

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
        await _report(bot, TEACHER_B, "b" * 32)
        beta = bot.runtime.schools.get("beta") if bot.runtime.schools else None
        assert beta is not None
        async with beta.uow() as uow:
            found = await uow.cases.by_submission("b" * 32)
        assert found is not None and found.reference == case.reference
        assert len(_alerts(bot, REKTOR_A)) == 1 and len(_alerts(bot, REKTOR_B)) == 1


async def test_someone_at_two_schools_is_asked_which_once_per_report(tmp_path: Path) -> None:
    config = two_schools(tmp_path / "skoler")
    async with running_bot(tmp_path, clock=FakeClock(T0), env={"SCHOOL_CONFIG": str(config)}
                           ) as bot:
        await _start(bot)
        await bot.say(BOTH, "jeg vil melde fra")
        choice = bot.to(BOTH)[-1].card_json
        assert "Hvilken skole gjelder det?" in choice
        assert '"school": "alfa"' in choice and '"school": "beta"' in choice
        await bot.say(BOTH, value={VERB: Verb.START_REPORT, SCHOOL: "beta"})
        form = bot.to(BOTH)[-1].card_json
        draft = re.search(r'"draft": "([0-9a-f]{32})"', form)
        assert draft is not None
        assert '"school": "beta"' in form  # the form's buttons go back to Beta
        await _report(bot, BOTH, draft.group(1), **{SCHOOL: "beta"})
        assert len(_alerts(bot, REKTOR_B)) == 1 and _alerts(bot, REKTOR_A) == []

        # Without the stamp, the draft alone tells the school: no second question.
        await bot.say(BOTH, value={VERB: Verb.START_REPORT, SCHOOL: "alfa"})
        draft = re.search(r'"draft": "([0-9a-f]{32})"', bot.to(BOTH)[-1].card_json)
        assert draft is not None
        await _report(bot, BOTH, draft.group(1))
        assert len(_alerts(bot, REKTOR_A)) == 1 and len(_alerts(bot, REKTOR_B)) == 1

        # A school they are not at is not taken from a forged card: they are asked again.
        await bot.say(BOTH, value={VERB: Verb.START_REPORT, SCHOOL: "gamma"})
        assert "Hvilken skole gjelder det?" in bot.to(BOTH)[-1].card_json


async def test_someone_at_no_school_is_told_so(tmp_path: Path) -> None:
    config = two_schools(tmp_path / "skoler")
    stranger = "00000000-0000-0000-0000-00000000ffff"
    async with running_bot(tmp_path, clock=FakeClock(T0), env={"SCHOOL_CONFIG": str(config)}
                           ) as bot:
        await bot.say(stranger, "meld fra")
        assert "finner deg ikke blant de ansatte" in bot.to(stranger)[-1].text
