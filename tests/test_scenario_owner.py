"""The school owner in Teams (issue 12): a case about a school's leadership reaches the owner's
people as an alert card and nobody in that school's leadership; a serious or § 12-5 case gives
the owner a notice card (number, school, category, no pupil) and rektor's card then shows the
owner told as a recorded fact; the owner's «Mine saker» spans the schools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cards.actions import CASE, VERB, Verb
from bot.domain.case import CaseState, EventKind
from bot.domain.routing import Reason
from tests.conftest import T0
from tests.fakes import FakeClock
from tests.keys import TEST_KEY
from tests.scenario import at_school, case_of, report, two_schools_bot
from tests.schools import (
    BOTH,
    LEADER_A,
    LEADER_B,
    OWNER_PERSON,
    REKTOR_A,
    REKTOR_B,
    TEACHER_A,
    TEACHER_B,
    two_schools,
)
from tests.teams import Harness, conversation_id

pytestmark = pytest.mark.usefixtures("sdk")

PEOPLE = (OWNER_PERSON, REKTOR_A, LEADER_A, TEACHER_A, REKTOR_B, LEADER_B, TEACHER_B, BOTH)
PUPIL = "Ola Nordmann"
DESCRIPTION = "Ola satt alene i friminuttet tre dager på rad og ble holdt utenfor."


def _cards(bot: Harness, person: str, marker: str) -> list[str]:
    return [r.card_json for r in bot.to(person) if marker in r.card_json]


async def test_a_report_about_the_leadership_reaches_the_owner_and_no_leader(
    tmp_path: Path,
) -> None:
    async with two_schools_bot(tmp_path, *PEOPLE) as bot:
        await report(bot, TEACHER_A, "c" * 32, leadership_suspected="true")

        receipt = bot.to(TEACHER_A)[-1].card_json
        assert "Saken er sendt til skoleeier i Teams" in receipt
        assert "23 05 10 09" in receipt  # the phone is still given
        alerts = _cards(bot, OWNER_PERSON, "Bekymring for en elev")
        assert len(alerts) == 1
        assert "Saken gjelder skolens ledelse" in alerts[0]
        for leader in (REKTOR_A, LEADER_A, REKTOR_B, LEADER_B):
            assert _cards(bot, leader, "Bekymring for en elev") == []
            assert all(PUPIL not in r.card_json for r in bot.to(leader))

        alfa = at_school(bot, "alfa")
        async with alfa.uow() as uow:
            case = await uow.cases.by_submission("c" * 32)
            reminders = await uow.reminders.for_case(case.id) if case else []
        assert case is not None
        assert case.state is CaseState.MELDE_FRA
        assert [(r.person_id, r.reason) for r in case.recipients] == [
            (OWNER_PERSON, Reason.SKOLEEIER)
        ]
        assert reminders and {r.recipient_id for r in reminders} == {OWNER_PERSON}

        # The owner acts on it as rektor would: takes it, and finds it in «Mine saker».
        await bot.say(OWNER_PERSON, value={VERB: Verb.TAKE, CASE: case.id})
        await bot.deliver_all()
        await bot.say(OWNER_PERSON, "mine saker")
        mine = bot.to(OWNER_PERSON)[-1].card_json
        assert case.reference in mine and "Alfa skole" in mine
        await bot.say(OWNER_PERSON, value={VERB: Verb.CASE_OPEN, CASE: case.id})
        assert DESCRIPTION in bot.to(OWNER_PERSON)[-1].card_json
        # Alfa's rektor is refused it by id.
        await bot.say(REKTOR_A, value={VERB: Verb.CASE_OPEN, CASE: case.id})
        assert DESCRIPTION not in json.dumps([r.card_json for r in bot.to(REKTOR_A)])


async def test_a_serious_case_gives_the_owner_a_notice_and_records_it(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    async with two_schools_bot(tmp_path, *PEOPLE, clock=clock) as bot:
        await report(bot, TEACHER_B, "d" * 32, serious="true")

        notices = _cards(bot, OWNER_PERSON, "Skoleeier varsles om en sak")
        assert len(notices) == 1
        notice = notices[0]
        assert "Beta skole" in notice and "spesielt alvorlig" in notice
        assert PUPIL not in notice and DESCRIPTION not in notice
        assert _cards(bot, OWNER_PERSON, "Bekymring for en elev") == []  # not routed to them

        beta = at_school(bot, "beta")
        async with beta.uow() as uow:
            case = await uow.cases.by_submission("d" * 32)
            events = await uow.events.for_case(case.id) if case else []
        assert case is not None and case.owner_notified_at is not None
        assert case.owner_notified_by is None  # recorded by the system, on delivery
        told = [e for e in events if e.kind is EventKind.OWNER_NOTIFIED]
        assert len(told) == 1 and told[0].actor_id is None
        # Rektor's alert card now says so, with the time (the edit follows the alert's arrival).
        clock.advance(seconds=5)
        await bot.deliver_all()
        edits = bot.connector.delivered(conversation_id(REKTOR_B), method="PUT")
        shown = edits[-1].card_json
        assert "Skoleeier varslet: " in shown and "Trygg skole (automatisk)" in shown
        # The owner cannot open the case itself.
        await bot.say(OWNER_PERSON, value={VERB: Verb.CASE_OPEN, CASE: case.id})
        assert DESCRIPTION not in bot.to(OWNER_PERSON)[-1].card_json


async def test_a_section_12_5_case_gives_the_owner_a_notice(tmp_path: Path) -> None:
    async with two_schools_bot(tmp_path, *PEOPLE) as bot:
        await report(bot, TEACHER_A, "e" * 32, staff_suspected="true")
        notices = _cards(bot, OWNER_PERSON, "Skoleeier varsles om en sak")
        assert len(notices) == 1 and "§ 12-5" in notices[0] and "Alfa skole" in notices[0]
        # An ordinary case gives the owner nothing.
        await report(bot, TEACHER_A, "f" * 32)
        assert len(_cards(bot, OWNER_PERSON, "Skoleeier varsles om en sak")) == 1


async def test_without_owner_people_the_reporter_is_told_to_phone(tmp_path: Path) -> None:
    config = two_schools(tmp_path / "skoler")
    owner = config / "owner.toml"
    text = owner.read_text(encoding="utf-8")
    owner.write_text(text[: text.index("[[staff]]")], encoding="utf-8")
    async with two_schools_bot(tmp_path, REKTOR_A, LEADER_A, TEACHER_A, config=config) as bot:
        await report(bot, TEACHER_A, "9" * 32, leadership_suspected="true")
        receipt = bot.to(TEACHER_A)[-1].card_json
        assert "Du må selv kontakte skoleeier direkte" in receipt
        assert "sendt til skoleeier i Teams" not in receipt
        case = await case_of(bot, "9" * 32, school="alfa")
        assert case.state is CaseState.SKOLEEIER and not case.recipients
        assert _cards(bot, REKTOR_A, "Bekymring for en elev") == []


async def test_two_schools_and_the_owner_then_the_figures(tmp_path: Path) -> None:
    """Issue 12's «done when» in one run: alerts stay at A, B's rektor sees nothing, the
    leadership case reaches the owner alone, a serious case gives the owner a notice, and
    `stats --json` counts all of it per school and in total, suppressed in the owner's view."""
    config = two_schools(tmp_path / "skoler")
    database = tmp_path / "bot.db"
    async with two_schools_bot(tmp_path, *PEOPLE, config=config) as bot:
        await report(bot, TEACHER_A, "1" * 32)
        assert len(_cards(bot, REKTOR_A, "Bekymring for en elev")) == 1
        assert len(_cards(bot, LEADER_A, "Bekymring for en elev")) == 1
        await bot.say(REKTOR_B, "mine saker")
        assert PUPIL not in bot.to(REKTOR_B)[-1].card_json
        ordinary = await case_of(bot, "1" * 32, school="alfa")

        await bot.say(REKTOR_B, value={VERB: Verb.CASE_OPEN, CASE: ordinary.id})
        assert DESCRIPTION not in bot.to(REKTOR_B)[-1].card_json

        await report(bot, TEACHER_A, "2" * 32, leadership_suspected="true")
        assert len(_cards(bot, OWNER_PERSON, "Bekymring for en elev")) == 1
        assert len(_cards(bot, REKTOR_A, "Bekymring for en elev")) == 1  # still only the first
        await report(bot, TEACHER_B, "3" * 32, serious="true")
        assert len(_cards(bot, OWNER_PERSON, "Skoleeier varsles om en sak")) == 1

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("Microsoft")},
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "SCHOOL_CONFIG": str(config),
        "DATA_ENCRYPTION_KEY": TEST_KEY,
    }

    def stats(*extra: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "stats", "--json", "--now", "2026-12-01T12:00+01:00",
             *extra],
            env=env, capture_output=True, text=True, check=True, timeout=120,
        )
        assert PUPIL not in done.stdout and DESCRIPTION not in done.stdout
        parsed: dict[str, Any] = json.loads(done.stdout)
        return parsed

    exact = stats()
    by_school = {s["school"]: s for s in exact["schools"]}
    assert by_school["alfa"]["reports"]["total"] == 2
    assert by_school["alfa"]["leadership"]["total"] == 1
    assert by_school["alfa"]["serious"]["total"] == 0
    assert by_school["beta"]["reports"]["total"] == 1
    assert by_school["beta"]["serious"]["total"] == 1
    assert exact["total"]["reports"]["total"] == 3
    assert exact["total"]["leadership"]["total"] == 1
    assert exact["total"]["serious"]["total"] == 1
    assert exact["total"]["section_12_5"]["total"] == by_school["alfa"]["section_12_5"]["total"]
    shared = stats("--shared")
    assert shared["total"]["reports"]["total"] == "<5"
    assert all(s["reports"]["total"] == "<5" for s in shared["schools"])


async def test_a_case_marked_serious_later_gives_the_owner_a_notice(tmp_path: Path) -> None:
    async with two_schools_bot(tmp_path, *PEOPLE) as bot:
        await report(bot, TEACHER_A, "7" * 32)
        assert _cards(bot, OWNER_PERSON, "Skoleeier varsles om en sak") == []
        alfa = at_school(bot, "alfa")
        case = await case_of(bot, "7" * 32, school="alfa")

        await bot.press(REKTOR_A, Verb.MARK_SERIOUS, {CASE: case.id})
        await bot.deliver_all()
        notices = _cards(bot, OWNER_PERSON, "Skoleeier varsles om en sak")
        assert len(notices) == 1 and "spesielt alvorlig" in notices[0]
        assert PUPIL not in notices[0]
        async with alfa.uow() as uow:
            marked = await uow.cases.get(case.id)
        assert marked is not None and marked.owner_notified_at is not None
