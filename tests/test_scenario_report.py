"""Melde fra end to end: the real aiohttp app, botbuilder's real HTTP client, and a local
Bot Connector. A teacher reports through the cards; rektor and the leader get alert cards."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.cards.actions import CASE, DRAFT, VERB, Verb
from bot.domain.case import NO_ACCESS, EventKind
from bot.services.ports import MessageStatus
from tests.cards.schema import assert_valid_card
from tests.conftest import DEPUTY, LEADER_9, REKTOR, TEACHER_8, TEACHER_9
from tests.fakes import FakeClock
from tests.samples import form_values
from tests.scenario import install
from tests.teams import TENANT, Harness, conversation_id, running_bot

pytestmark = pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)


@pytest.fixture
async def bot(tmp_path: Path, sdk: str) -> AsyncIterator[Harness]:
    """The bot on this run's SDK, added by the teacher, rektor and the nearest leader."""
    async with running_bot(tmp_path) as running:
        await install(running, TEACHER_9, REKTOR, LEADER_9)
        yield running


def _draft(card: dict[str, Any]) -> str:
    for action in card.get("actions", []):
        data = action.get("data", {})
        if data.get(VERB) in (Verb.REPORT_SUBMIT, Verb.REPORT_CONFIRM):
            return str(data[DRAFT])
    raise AssertionError("no draft id on the card")


async def _report(bot: Harness, teacher: str = TEACHER_9, **overrides: str) -> str:
    """Types «jeg vil melde fra», fills the form, confirms; returns the receipt text."""
    before = len(bot.to(teacher))
    await bot.say(teacher, "jeg vil melde fra")
    form = bot.to(teacher)[before].card
    assert form is not None
    assert_valid_card(form)
    draft = _draft(form)
    await bot.say(teacher, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft,
                                  **form_values(**overrides)})
    summary = bot.to(teacher)[before + 1].card
    assert summary is not None and "Se over" in json.dumps(summary, ensure_ascii=False)
    assert_valid_card(summary)
    await bot.say(teacher, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
    receipt = bot.to(teacher)[before + 2]
    assert receipt.card is not None
    assert_valid_card(receipt.card)
    return receipt.card_json


def _case_id(card_json: str) -> str:
    match = re.search(r'"case": "([0-9a-f]{32})"', card_json)
    assert match, card_json
    return match.group(1)


async def test_teacher_reports_and_rektor_and_leader_are_alerted(bot: Harness) -> None:
    assert "Velkommen" in bot.to(TEACHER_9)[0].card_json

    receipt = await _report(bot)
    assert "2026-0001" in receipt
    assert "Ola Nordmann" not in receipt and "friminuttet" not in receipt
    assert "Rektor Rita" in receipt and "Avdelingsleder Berit" in receipt

    assert await bot.deliver() == 2
    [rektor_alert] = bot.to(REKTOR)[1:]
    [leader_alert] = bot.to(LEADER_9)[1:]
    for alert in (rektor_alert, leader_alert):
        assert alert.card is not None
        assert_valid_card(alert.card)
        assert "Ola Nordmann" in alert.card_json and "2026-0001" in alert.card_json
        assert "friminuttet" not in alert.card_json  # the free text stays in the case
    assert bot.to(TEACHER_8) == []

    case_id = _case_id(rektor_alert.card_json)
    answer = await bot.press(REKTOR, Verb.ACKNOWLEDGE, {CASE: case_id})
    assert answer["statusCode"] == 200
    assert_valid_card(answer["value"])
    assert "Bekreftet" in json.dumps(answer["value"], ensure_ascii=False)

    await bot.deliver()
    updates = bot.connector.delivered(method="PUT")
    assert {u.conversation_id for u in updates} == {conversation_id(REKTOR),
                                                    conversation_id(LEADER_9)}
    leader_update = next(u for u in updates if u.conversation_id == conversation_id(LEADER_9))
    assert leader_update.activity_id == leader_alert.body.get("id") or \
        leader_update.activity_id is not None
    assert "Rektor Rita" in leader_update.card_json and "Bekreftet" in leader_update.card_json

    # Pressing again changes nothing: no new audit line, no new update.
    await bot.press(REKTOR, Verb.ACKNOWLEDGE, {CASE: case_id})
    await bot.deliver()
    assert len(bot.connector.delivered(method="PUT")) == 2

    taken = await bot.press(LEADER_9, Verb.TAKE, {CASE: case_id})
    assert "Avdelingsleder Berit" in json.dumps(taken["value"], ensure_ascii=False)
    stranger = await bot.press(TEACHER_8, Verb.ACKNOWLEDGE, {CASE: case_id})
    assert stranger["type"] == "application/vnd.microsoft.activity.message"
    assert stranger["value"] == NO_ACCESS


async def test_staff_suspected_is_marked_and_rektor_can_record_the_owner_call(bot: Harness) -> None:
    receipt = await _report(bot, staff_suspected="true")
    assert "12-5" in receipt
    await bot.deliver()
    rektor_card = bot.to(REKTOR)[-1].card_json
    leader_card = bot.to(LEADER_9)[-1].card_json
    assert "Skjerpet aktivitetsplikt (§ 12-5)" in rektor_card
    assert "23 05 10 09" in rektor_card and Verb.OWNER_NOTIFIED.value in rektor_card
    assert Verb.OWNER_NOTIFIED.value not in leader_card
    answer = await bot.press(REKTOR, Verb.OWNER_NOTIFIED, {CASE: _case_id(rektor_card)})
    text = json.dumps(answer["value"], ensure_ascii=False)
    assert Verb.OWNER_NOTIFIED.value not in text and "Rektor Rita" in text


async def test_leadership_suspected_reaches_no_leader_and_tells_the_reporter(bot: Harness) -> None:
    receipt = await _report(bot, leadership_suspected="true")
    assert "Utdanningsetaten (UDA)" in receipt and "23 05 10 09" in receipt
    assert "958 28 860" in receipt
    assert await bot.deliver() == 0
    assert len(bot.to(REKTOR)) == 1 and len(bot.to(LEADER_9)) == 1  # welcome only


async def test_serious_case_asks_rektor_to_call_uda(bot: Harness) -> None:
    await _report(bot, serious="true")
    await bot.deliver()
    rektor_card = bot.to(REKTOR)[-1].card_json
    assert "23 05 10 09" in rektor_card and Verb.OWNER_NOTIFIED.value in rektor_card
    assert "Skjerpet" not in rektor_card


async def test_bad_input_gets_norwegian_messages_and_loses_nothing(bot: Harness) -> None:
    await bot.say(TEACHER_9, "meld fra")
    draft = _draft(bot.to(TEACHER_9)[-1].card or {})
    too_long = "x" * 4001
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft,
                                    **form_values(pupil_name="", description=too_long)})
    again = bot.to(TEACHER_9)[-1]
    assert again.card is not None
    assert_valid_card(again.card)
    assert "Fyll inn elevens navn." in again.card_json
    assert "maks 4000" in again.card_json
    assert "Skolegården" not in again.card_json  # one short card, not the form again
    fix = again.card["actions"][0]
    await bot.say(TEACHER_9, value=fix["data"])  # «Rett opp»
    form = bot.to(TEACHER_9)[-1]
    assert form.card is not None
    assert_valid_card(form.card)
    assert "Skolegården" in form.card_json  # what was typed is still there
    assert "Fyll inn elevens navn." in form.card_json

    # A submit of the wrong shape, a stale card, a card from nowhere:
    await bot.say(TEACHER_9, value=["not", "a", "dict"])
    assert "forsto ikke" in bot.to(TEACHER_9)[-1].text
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: "f" * 32})
    assert "finner ikke svarene" in bot.to(TEACHER_9)[-1].text
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: "../etc"})
    assert "utdatert" in bot.to(TEACHER_9)[-1].text
    await bot.say(TEACHER_9, value={VERB: "case.nuke"})
    assert "kjenner jeg ikke igjen" in bot.to(TEACHER_9)[-1].text
    await bot.say(TEACHER_9, "x" * 5000)
    assert "for lang" in bot.to(TEACHER_9)[-1].text

    # The same card confirmed twice is one case.
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft,
                                    **form_values()})
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
    assert "allerede sendt inn som sak 2026-0001" in bot.to(TEACHER_9)[-1].text
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft,
                                    **form_values()})
    assert "allerede sendt inn" in bot.to(TEACHER_9)[-1].text
    assert await bot.deliver() == 2


async def test_a_review_card_pressed_after_a_restart_still_sends(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await install(bot, TEACHER_9, REKTOR, LEADER_9)
        await bot.say(TEACHER_9, "meld fra")
        draft = _draft(bot.to(TEACHER_9)[-1].card or {})
        await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft,
                                        **form_values()})
    async with running_bot(tmp_path) as bot:  # same database, new process state
        await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
        assert "2026-0001" in bot.to(TEACHER_9)[-1].card_json
        assert await bot.deliver() == 2
        # Another user cannot send or read someone's draft by its id.
        await bot.say(TEACHER_8, value={VERB: Verb.REPORT_EDIT, DRAFT: "e" * 32})
        assert "finner ikke svarene" in bot.to(TEACHER_8)[-1].text


async def test_edit_and_cancel(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await bot.say(TEACHER_9, "si ifra")
        draft = _draft(bot.to(TEACHER_9)[-1].card or {})
        await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft,
                                        **form_values(pupil_class="9C")})
        await bot.say(TEACHER_9, value={VERB: Verb.REPORT_EDIT, DRAFT: draft})
        edit = bot.to(TEACHER_9)[-1]
        assert edit.card is not None and '"value": "9C"' in edit.card_json
        await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CANCEL, DRAFT: draft})
        assert "Avbrutt" in bot.to(TEACHER_9)[-1].text
        await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})
        assert "finner ikke svarene" in bot.to(TEACHER_9)[-1].text


async def test_a_leader_never_seen_gets_a_new_chat(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await install(bot, TEACHER_9, REKTOR)  # the leader never opened the bot
        await _report(bot)
        assert await bot.deliver() == 2
        [created] = bot.connector.created
        assert created["members"][0]["id"] == LEADER_9
        assert created["channelData"]["tenant"]["id"] == TENANT
        assert bot.connector.delivered(f"a:created-{LEADER_9}")


async def test_unacknowledged_alert_escalates_to_rektor_and_deputy(tmp_path: Path) -> None:
    from bot.services.reporting import escalate_unacknowledged
    from tests.conftest import T0

    clock = FakeClock(T0)
    async with running_bot(tmp_path, clock=clock) as bot:
        await install(bot, TEACHER_9, REKTOR, LEADER_9, DEPUTY)
        await _report(bot)
        await bot.deliver()
        clock.advance(hours=2)
        assert await escalate_unacknowledged(bot.runtime.services) == 1
        await bot.deliver()
        assert "Ingen har bekreftet" in bot.to(REKTOR)[-1].card_json
        assert "Ingen har bekreftet" in bot.to(DEPUTY)[-1].card_json


async def test_my_cases_shows_content_only_to_recipients(bot: Harness) -> None:
    await _report(bot)
    await bot.say(LEADER_9, "mine saker")
    assert "Ola Nordmann" in bot.to(LEADER_9)[-1].card_json
    assert "Neste: start undersøkelsen (snarest)" in bot.to(LEADER_9)[-1].card_json
    assert "Åpne sak" in bot.to(LEADER_9)[-1].card_json
    assert_valid_card(bot.to(LEADER_9)[-1].card or {})
    await bot.say(TEACHER_9, "mine saker")
    mine = bot.to(TEACHER_9)[-1].card_json
    assert "2026-0001" in mine and "Ola Nordmann" not in mine
    await bot.say(TEACHER_8, "mine saker")
    assert "ingen saker" in bot.to(TEACHER_8)[-1].card_json
    async with bot.runtime.services.uow() as uow:
        case = await uow.cases.by_submission(_draft(bot.to(TEACHER_9)[1].card or {}))
        assert case is not None
        viewed = [e.actor_id for e in await uow.events.for_case(case.id)
                  if e.kind is EventKind.VIEWED]
    assert viewed == [LEADER_9]  # the leader's list was a read; the reporter's was not


async def test_sent_state_is_recorded(bot: Harness) -> None:
    await _report(bot)
    await bot.deliver()
    async with bot.runtime.services.uow() as uow:
        case = await uow.cases.by_submission(
            _draft(bot.to(TEACHER_9)[1].card or {}))
        assert case is not None
        messages = await uow.outbox.for_case(case.id)
    assert {m.status for m in messages} == {MessageStatus.SENT}
    assert all(m.activity_id for m in messages)


async def test_no_pupil_name_or_free_text_reaches_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    for noisy in ("aiosqlite", "sqlalchemy", "aiohttp.access"):  # DEBUG-only chatter, off
        logging.getLogger(noisy).setLevel(logging.WARNING)
    async with running_bot(tmp_path) as bot:
        await install(bot, TEACHER_9, REKTOR, LEADER_9)
        await _report(bot, pupil_name="Zelda Kvist", description="Hemmelig hendelse i gangen",
                      staff_suspected="true")
        await bot.deliver()
        await bot.say(TEACHER_9, "hvordan melder jeg fra om Zelda Kvist?")
        case_id = _case_id(bot.to(REKTOR)[-1].card_json)
        await bot.press(REKTOR, Verb.TAKE, {CASE: case_id})
        await bot.press(TEACHER_8, Verb.TAKE, {CASE: case_id})
        await bot.deliver()
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "case" in text  # the flow was logged, by id
    for secret in ("Zelda", "Kvist", "Hemmelig hendelse"):
        assert secret not in text


async def test_every_kind_of_activity_stores_the_senders_chat(tmp_path: Path) -> None:
    from tests.teams import activity, invoke

    async with running_bot(tmp_path) as bot:
        url = bot.connector.url
        await bot.post(activity(LEADER_9, service_url=url, kind="conversationUpdate",
                                membersAdded=[{"id": f"29:{LEADER_9}"}]))
        await bot.post(invoke(REKTOR, service_url=url, verb=Verb.REFRESH, data={CASE: "x"}))
        await bot.post(activity(TEACHER_8, service_url=url, text="hjelp"))
        group = activity(TEACHER_9, service_url=url, text="hjelp")
        group["conversation"]["conversationType"] = "groupChat"
        await bot.post(group)
        async with bot.runtime.services.uow() as uow:
            stored = {p: await uow.conversations.get(p)
                      for p in (LEADER_9, REKTOR, TEACHER_8, TEACHER_9)}
        assert stored[LEADER_9] is not None and stored[REKTOR] is not None
        assert stored[TEACHER_8] is not None
        assert stored[TEACHER_9] is None  # a group chat is never used for alerts
        reference = stored[REKTOR].reference  # type: ignore[union-attr]
        assert reference["conversation"]["id"] == conversation_id(REKTOR)
        assert reference["serviceUrl"] == url
