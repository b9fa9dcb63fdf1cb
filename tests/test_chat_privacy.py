"""What stays in Teams chats: after `[privacy] card_minutes` no message, as each chat now shows
it, holds any of the free text written in a case (issue: chats keep no sensitive text)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cards.actions import CASE, DRAFT, LEAVING, MEMBER, PUPIL, VERB, VERSION, Verb
from bot.domain.followup import pupil_key
from bot.services.reminders import run_all_due
from tests.conftest import LEADER_9, MILJO, OSLO, REKTOR, T0, TEACHER_8, TEACHER_9
from tests.connector import FakeConnector
from tests.fakes import FakeClock
from tests.samples import form_values
from tests.teams import Harness, activity, conversation_id, installation, running_bot
from tests.test_followup_domain import plan_values

pytestmark = pytest.mark.usefixtures("sdk")

PEOPLE = (TEACHER_9, REKTOR, LEADER_9, TEACHER_8, MILJO)
# One marker per free-text field, each written once somewhere in the case.
REPORT = {
    "description": "MERKE-BESKRIVELSE holdt utenfor i storefri.",
    "place": "MERKE-STED ved sykkelstativet",
    "intervention": "MERKE-INNGRIPEN snakket med gruppen.",
}
INVESTIGATION = {
    "samtale_elev_done": "true", "samtale_elev_date": "2026-11-30",
    "samtale_elev_note": "MERKE-SAMTALE med eleven",
    "findings": "MERKE-FUNN opplever utenforskap.",
    "best_interest": "MERKE-BESTE trygghet først.", "completed": "true",
}
PLAN = plan_values(
    problem="MERKE-PROBLEM alene i friminuttene.",
    m1_description="MERKE-TILTAK fast voksen i storefri",
    m2_description="MERKE-KLASSETILTAK samarbeidslæring",
    pupil_view="MERKE-ELEVENS-SYN vil være med.",
)
EVALUATION_NOTE = "MERKE-EVALUERING bedre i friminuttene."
LOG_NOTE = "MERKE-LOGG satt alene i kantina."
MARKER = re.compile(r"MERKE-[A-ZÆØÅ-]+")


def _markers(bot: Harness) -> dict[str, set[str]]:
    """Every marker still shown, by person, in each chat as it looks now."""
    found: dict[str, set[str]] = {}
    for person in PEOPLE:
        shown = json.dumps(bot.connector.chat_view(conversation_id(person)), ensure_ascii=False)
        if hits := set(MARKER.findall(shown)):
            found[person] = hits
    return found


async def _say(bot: Harness, person: str, value: dict[str, Any]) -> None:
    """A card's button, as Teams sends it: `replyToId` names the card that was pressed."""
    card = next(r for r in reversed(bot.to(person)) if r.card is not None)
    response = await bot.post(activity(person, service_url=bot.connector.url, value=value,
                                       replyToId=card.activity_id))
    assert response.status < 300


async def _tick(bot: Harness, clock: FakeClock, moment: datetime) -> None:
    clock.set(moment)
    await run_all_due(bot.runtime.services)
    await bot.deliver()


async def _walk_a_case(bot: Harness, clock: FakeClock) -> str:
    for person in PEOPLE:
        await bot.post(installation(person, service_url=bot.connector.url))
    await bot.say(TEACHER_9, "jeg vil melde fra")
    draft = re.search(r'"draft": "([0-9a-f]{32})"', bot.to(TEACHER_9)[-1].card_json)
    assert draft is not None
    await _say(bot, TEACHER_9, {VERB: Verb.REPORT_SUBMIT, DRAFT: draft.group(1),
                                **form_values(**REPORT)})
    assert "MERKE-BESKRIVELSE" in bot.to(TEACHER_9)[-1].card_json  # «Se over» shows it all
    await _say(bot, TEACHER_9, {VERB: Verb.REPORT_CONFIRM, DRAFT: draft.group(1)})
    await bot.deliver()
    assert _markers(bot) == {}  # «Se over» says «Sendt» now; receipt and alerts hold no text
    async with bot.runtime.services.uow() as uow:
        case = await uow.cases.by_submission(draft.group(1))
    assert case is not None

    # The leader opens the case, investigates, makes a plan; the miljøarbeider is added.
    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=OSLO))
    await _say(bot, LEADER_9, {VERB: Verb.CASE_OPEN, CASE: case.id})
    await _say(bot, LEADER_9, {VERB: Verb.INVESTIGATION_FORM, CASE: case.id})
    await _say(bot, LEADER_9, {VERB: Verb.INVESTIGATION_SAVE, CASE: case.id, **INVESTIGATION})
    await _say(bot, LEADER_9, {VERB: Verb.PLAN_FORM, CASE: case.id})
    await _say(bot, LEADER_9, {VERB: Verb.PLAN_SAVE, CASE: case.id, VERSION: "1", **PLAN})
    await _say(bot, LEADER_9, {VERB: Verb.ADD_MEMBER, CASE: case.id, MEMBER: MILJO})
    await _say(bot, MILJO, {VERB: Verb.CASE_OPEN, CASE: case.id})
    await _say(bot, REKTOR, {VERB: Verb.CASE_OPEN, CASE: case.id})

    # A note in the log, read by the leader.
    await _say(bot, TEACHER_8, {VERB: Verb.LOG_SAVE, "pupil_name": "Ola Nordmann",
                                "pupil_class": "9B", "observed_on": "2026-11-30",
                                "note": LOG_NOTE})
    await _say(bot, LEADER_9, {VERB: Verb.LOG_VIEW, PUPIL: pupil_key("Ola Nordmann", "9B")})

    # Until the timeout the cards show what was written (else this test proves nothing).
    await bot.deliver()
    assert {"MERKE-FUNN", "MERKE-TILTAK", "MERKE-LOGG"} <= _markers(bot)[LEADER_9]
    assert "MERKE-FUNN" in _markers(bot)[MILJO]

    # 17.12: the evaluation reminders come; the teacher opens the form and evaluates.
    await _tick(bot, clock, datetime(2026, 12, 17, 8, 0, tzinfo=OSLO))
    reminder = bot.to(TEACHER_9)[-1]
    assert reminder.body.get("summary", "").startswith("Evaluer")
    assert not MARKER.search(reminder.card_json)  # a reminder never carries the plan's text
    await _say(bot, TEACHER_9, {VERB: Verb.EVALUATION_FORM, CASE: case.id})
    assert "MERKE-TILTAK" in bot.to(TEACHER_9)[-1].card_json
    await _say(bot, TEACHER_9, {VERB: Verb.EVALUATION_SAVE, CASE: case.id, VERSION: "1",
                                "outcome": "videreføre", "note": EVALUATION_NOTE,
                                "next_evaluation_on": "2027-01-14"})
    return case.id


async def test_no_free_text_is_left_in_any_chat_after_the_timeout(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    async with running_bot(tmp_path, clock=clock) as bot:
        await _walk_a_case(bot, clock)
        await bot.deliver()
        shown = _markers(bot)
        assert {"MERKE-TILTAK", "MERKE-EVALUERING"} <= shown[TEACHER_9]
        assert LEADER_9 not in shown  # the leader's cards of 30.11 are stubs by now

        clock.set(clock.now() + timedelta(minutes=31))
        await bot.deliver()
        assert _markers(bot) == {}
        # A stub opens the case again for someone who still has access.
        stubs = [m for m in bot.connector.chat_view(conversation_id(LEADER_9))
                 if "Saken er lukket her i chatten" in json.dumps(m, ensure_ascii=False)]
        assert stubs
        await bot.say(LEADER_9, value={VERB: Verb.CASE_OPEN,
                                       CASE: _case_of(stubs[0])})
        assert "MERKE-FUNN" in bot.to(LEADER_9)[-1].card_json


def _case_of(message: dict[str, Any]) -> str:
    found = re.search(r'"case": "([^"]+)"', json.dumps(message))
    assert found is not None
    return found.group(1)


async def test_the_stubs_survive_a_restart(tmp_path: Path) -> None:
    """The stubs wait in the outbox: a bot started anew (same database, same Teams) sends
    them when they are due."""
    clock = FakeClock(T0)
    connector = FakeConnector()
    await connector.start()
    async with running_bot(tmp_path, clock=clock, connector=connector) as bot:
        await _walk_a_case(bot, clock)
        await bot.deliver()
        assert _markers(bot)
    await connector.start(connector.port)  # Teams is still there; the bot was stopped
    clock.set(clock.now() + timedelta(minutes=31))
    async with running_bot(tmp_path, clock=clock, connector=connector) as again:
        await again.deliver()
        assert _markers(again) == {}


async def test_a_removed_member_loses_the_text_at_once(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    async with running_bot(tmp_path, clock=clock) as bot:
        case_id = await _walk_a_case(bot, clock)
        await _say(bot, MILJO, {VERB: Verb.CASE_OPEN, CASE: case_id})
        await _say(bot, LEADER_9, {VERB: Verb.CASE_OPEN, CASE: case_id})
        assert "MERKE-FUNN" in _markers(bot)[MILJO]
        await _say(bot, LEADER_9, {VERB: Verb.MEMBER_REMOVE, CASE: case_id, LEAVING: MILJO})
        await bot.deliver()  # no clock change: the removal is what closes the cards
        assert MILJO not in _markers(bot)
        assert LEADER_9 in _markers(bot)  # the others keep theirs until the timeout
