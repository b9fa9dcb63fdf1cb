"""What people do in Teams, for the scenario tests: add the app, report, read their last card;
and the deployment of two schools (tests/schools.py) running.

Apart from tests/teams.py, which tests/conftest.py imports: these need the conftest's people
and the sample report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.cards.actions import DRAFT, SCHOOL, VERB, Verb
from bot.domain.case import Case
from bot.services.context import Services
from bot.services.ports import Clock
from tests.cards.schema import assert_valid_card
from tests.conftest import LEADER_9, MILJO, REKTOR, T0, TEACHER_8, TEACHER_9
from tests.fakes import FakeClock
from tests.samples import form_values
from tests.schools import two_schools
from tests.teams import Harness, installation, running_bot

EVERYONE = (TEACHER_9, REKTOR, LEADER_9, TEACHER_8, MILJO)
"""The test school's people (tests/school.toml) the scenarios have add the app."""


async def install(bot: Harness, *people: str) -> None:
    """Each person adds the app (Teams' installationUpdate): the bot may then write to them."""
    for person in people:
        response = await bot.post(installation(person, service_url=bot.connector.url))
        assert response.status in (200, 201)


def card_to(bot: Harness, person: str) -> dict[str, Any]:
    """The last message to `person`, which must be a card valid against the schema."""
    last = bot.to(person)[-1]
    assert last.card is not None, last.text
    assert_valid_card(last.card)
    return last.card


async def report(bot: Harness, person: str, draft: str, *, school: str | None = None,
                 **values: str) -> None:
    """`person` submits and confirms the report form (the sample's values, changed by
    `values`; at `school` when they work at two), and the alerts go out."""
    chosen = {SCHOOL: school} if school is not None else {}
    await bot.say(person, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft, **chosen,
                                 **form_values(**values)})
    await bot.say(person, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft, **chosen})
    await bot.deliver_all()


async def reported(bot: Harness, draft: str, *, person: str = TEACHER_9, **values: str) -> str:
    """The id of the case `person` (Lise unless named) reports as `report` does, at the
    deployment's only school."""
    await report(bot, person, draft, **values)
    return (await case_of(bot, draft)).id


def at_school(bot: Harness, school_id: str) -> Services:
    """One school's use cases in a deployment of several."""
    found = bot.runtime.schools.get(school_id) if bot.runtime.schools else None
    assert found is not None
    return found


async def case_of(bot: Harness, draft: str, *, school: str | None = None) -> Case:
    """The case the report `draft` opened (at `school`, else the deployment's only one)."""
    services = at_school(bot, school) if school is not None else bot.runtime.services
    async with services.uow() as uow:
        case = await uow.cases.by_submission(draft)
    assert case is not None
    return case


@asynccontextmanager
async def two_schools_bot(tmp_path: Path, *people: str, clock: Clock | None = None,
                          config: Path | None = None) -> AsyncIterator[Harness]:
    """The bot on the two schools' configuration (`config`, else written afresh), at T0 unless
    `clock` says otherwise, with `people` having added it."""
    config = config or two_schools(tmp_path / "skoler")
    async with running_bot(tmp_path, clock=clock or FakeClock(T0),
                           env={"SCHOOL_CONFIG": str(config)}) as bot:
        await install(bot, *people)
        yield bot
