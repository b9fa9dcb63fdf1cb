"""What an attacker or a broken client tried, each as a test (issue: forged tokens, bad input,
a colleague's report, log injection, case-number oracles)."""

from __future__ import annotations

import io
import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cards.actions import CASE, DRAFT, PUPIL, VERB, Verb
from bot.domain.case import NO_ACCESS
from bot.logs import SafeFormatter, escape
from tests.conftest import LEADER_9, REKTOR, T0, TEACHER_8, TEACHER_9
from tests.fakes import FakeClock
from tests.samples import form_values
from tests.teams import Harness, activity, installation, invoke, running_bot

pytestmark = pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)


def _draft_id(bot: Harness, user: str) -> str:
    card = bot.to(user)[-1].card
    assert card is not None
    return json.dumps(card).split(f'"{DRAFT}": "')[1][:32]


async def _start(bot: Harness, user: str) -> str:
    await bot.say(user, "meld fra")
    return _draft_id(bot, user)


# --- wrong shapes anywhere in the activity ---------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"channelData": {"tenant": "a string"}},
        {"channelData": "a string"},
        {"conversation": {"conversationType": "personal"}},
        {"conversation": "a:1"},
        {"from": "29:someone"},
        {"from": {"name": "no id"}},
        {"from": {"id": 5}},
        {"recipient": []},
        {"text": {"not": "a string"}},
        {"entities": "x"},
        {"attachments": [1, 2]},
        {"serviceUrl": "javascript:alert(1)"},
        {"id": "f:1\nINFO forged"},
        {"conversation": {"id": "a:1\r\nX-Injected: yes"}},
    ],
)
async def test_wrong_types_get_400_and_nothing_is_sent(tmp_path: Path,
                                                       change: dict[str, Any]) -> None:
    async with running_bot(tmp_path) as bot:
        body = activity(TEACHER_9, service_url=bot.connector.url, text="hjelp")
        body.update(change)
        response = await bot.post(body)
        assert response.status == 400
        assert bot.connector.requests == []
        async with bot.runtime.services.uow() as uow:  # not even the chat was remembered
            assert await uow.conversations.get(TEACHER_9) is None
        assert (await bot.say(TEACHER_9, "hjelp")).status in (200, 201)


async def test_lone_surrogates_and_nul_in_card_data_are_stored_repaired(tmp_path: Path) -> None:
    """A lone surrogate made SQLite raise UnicodeEncodeError (500); NUL breaks PostgreSQL."""
    async with running_bot(tmp_path) as bot:
        draft = await _start(bot, TEACHER_9)
        raw = json.dumps({**activity(TEACHER_9, service_url=bot.connector.url, value={
            VERB: Verb.REPORT_SUBMIT, DRAFT: draft,
            **form_values(pupil_name="Ola\ud800 Nord\x00mann")})})
        response = await bot.session.post(bot.server.make_url("/api/messages"), data=raw,
                                          headers={"Content-Type": "application/json"})
        assert response.status in (200, 201)
        assert "Ola\ufffd Nordmann" in bot.to(TEACHER_9)[-1].card_json


async def test_a_card_action_with_bad_data_gets_an_invoke_answer_never_501(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as bot:
        for value in ({"action": "x"}, {"action": {"verb": Verb.ACKNOWLEDGE}}, None, [1],
                      {"action": {"verb": Verb.ACKNOWLEDGE, "data": {CASE: "1\n2"}}},
                      {"action": {"verb": Verb.ACKNOWLEDGE, "data": {CASE: ["x"]}}},
                      {"action": {"verb": "case.nuke", "data": {}}}):
            body = activity(REKTOR, service_url=bot.connector.url, kind="invoke",
                            name="adaptiveCard/action", value=value)
            response = await bot.post(body)
            assert response.status == 200, value
            answer = await response.json()
            assert answer["statusCode"] == 400
            assert answer["type"] == "application/vnd.microsoft.error"
            assert answer["value"]["message"]
        other = await bot.post(activity(REKTOR, service_url=bot.connector.url, kind="invoke",
                                        name="task/fetch", value={}))
        assert other.status == 400


# --- a colleague's draft ---------------------------------------------------------------------


async def test_a_colleague_cannot_cancel_review_edit_or_confirm_my_draft(tmp_path: Path) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        for person in (TEACHER_9, TEACHER_8, REKTOR, LEADER_9):
            await bot.post(installation(person, service_url=bot.connector.url))
        draft = await _start(bot, TEACHER_9)
        # Before my first «Se over» and after it: every step by a colleague is refused alike.
        for _ in range(2):
            for verb, extra in ((Verb.REPORT_CANCEL, {}), (Verb.REPORT_EDIT, {}),
                                (Verb.REPORT_CONFIRM, {}),
                                (Verb.REPORT_SUBMIT, form_values(pupil_name="Feil Elev"))):
                await bot.say(TEACHER_8, value={VERB: verb, DRAFT: draft, **extra})
                assert "laget for en annen ansatt" in bot.to(TEACHER_8)[-1].text, verb
            await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft,
                                            **form_values()})
            assert "Ola Nordmann" in bot.to(TEACHER_9)[-1].card_json
        await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
        assert "Kvittering" in json.dumps(bot.to(TEACHER_9)[-1].body, ensure_ascii=False)
        assert "Ola Nordmann" in bot.to(TEACHER_9)[-2].card_json  # my answers, not hers
        # After it was sent, the colleague learns nothing about it either.
        await bot.say(TEACHER_8, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
        assert "laget for en annen ansatt" in bot.to(TEACHER_8)[-1].text
        assert "2026-" not in bot.to(TEACHER_8)[-1].text
        await bot.deliver()
        assert sum("Ola Nordmann" in r.card_json for r in bot.to(REKTOR)) == 1
        assert not any("Feil Elev" in r.card_json for r in bot.connector.requests)


# --- no oracle for case numbers, no tally of colleagues' notes --------------------------------


async def test_unknown_and_forbidden_case_ids_answer_alike(tmp_path: Path) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        draft = await _start(bot, TEACHER_9)
        await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft, **form_values()})
        await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
        real = bot.runtime.services
        async with real.uow() as uow:
            [case] = await uow.cases.routed_to(REKTOR)
        unknown = "0" * 32
        for verb in (Verb.ACKNOWLEDGE, Verb.TAKE, Verb.START_INVESTIGATION,
                     Verb.OWNER_NOTIFIED, Verb.REFRESH):
            answers = [await bot.press(TEACHER_8, verb, {CASE: case_id})
                       for case_id in (case.id, unknown)]
            assert answers[0] == answers[1] == {
                "statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                "value": NO_ACCESS}, verb
        for verb in (Verb.CASE_OPEN, Verb.PLAN_FORM, Verb.EXPORT):
            texts = []
            for case_id in (case.id, unknown):
                await bot.say(TEACHER_8, value={VERB: verb, CASE: case_id})
                texts.append(bot.to(TEACHER_8)[-1].text)
            assert texts == [NO_ACCESS, NO_ACCESS], verb


async def test_a_log_note_tells_its_writer_only_about_their_own_notes(tmp_path: Path) -> None:
    async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
        for person in (TEACHER_9, TEACHER_8, LEADER_9):
            await bot.post(installation(person, service_url=bot.connector.url))
        note = {VERB: Verb.LOG_SAVE, "pupil_name": "Per Hansen", "pupil_class": "9B",
                "note": "Satt alene."}
        await bot.say(TEACHER_8, value={**note, "observed_on": "2026-11-20"})
        await bot.say(TEACHER_8, value={**note, "observed_on": "2026-11-24"})
        await bot.say(TEACHER_9, value={**note, "observed_on": "2026-11-26"})
        mine = bot.to(TEACHER_9)[-1].text
        assert "ditt første notat" in mine
        assert "3 notater" not in mine and "Nærmeste leder" not in mine
        await bot.deliver()
        # The leader is still asked to consider a report: three notes from the team.
        assert any("Per Hansen" in r.card_json for r in bot.to(LEADER_9))
        pupil = json.loads(bot.to(LEADER_9)[-1].card_json)
        assert PUPIL in json.dumps(pupil)


# --- log lines input cannot forge -------------------------------------------------------------


def test_escape_makes_control_characters_visible() -> None:
    assert escape("a\nb\rc\x00d\x1b[31m\u202e") == "a\\nb\\rc\\x00d\\x1b[31m\\u202e"
    assert escape("Ærlig talt – «ok»") == "Ærlig talt – «ok»"


def test_a_record_with_input_in_it_stays_one_line() -> None:
    formatter = SafeFormatter("%(levelname)s %(name)s: %(message)s")
    record = logging.LogRecord("bot.x", logging.INFO, __file__, 1, "case %s refused",
                               ("X\nINFO bot.services.reporting: case FORGED",), None)
    assert formatter.format(record) == (
        "INFO bot.x: case X\\nINFO bot.services.reporting: case FORGED refused")
    try:
        raise ValueError("bad\nINFO forged line")
    except ValueError:
        error = logging.LogRecord("bot.x", logging.ERROR, __file__, 1, "failed", (),
                                  sys.exc_info())
    lines = formatter.format(error).split("\n")
    assert lines[0] == "ERROR bot.x: failed"
    assert all(line.startswith("    ") for line in lines[1:])
    assert not any(line.startswith("INFO") for line in lines)


async def test_forged_ids_in_card_data_never_start_a_log_line(tmp_path: Path) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
            forged = "x\n2026-12-01 10:00:00,000 INFO bot.services.reporting: case FORGED\x00"
            await bot.say(TEACHER_9, value={VERB: forged, CASE: forged})
            await bot.say(TEACHER_9, value={VERB: Verb.CASE_OPEN, CASE: forged})
            await bot.post(invoke(REKTOR, service_url=bot.connector.url, verb=forged,
                                  data={CASE: forged}))
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    text = stream.getvalue()
    assert "\x00" not in text
    assert not any(line.startswith("2026-12-01 10:00:00,000") for line in text.splitlines())
