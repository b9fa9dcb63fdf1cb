"""Delivery under faults, against the local Bot Connector: every alert arrives exactly once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cards.actions import DRAFT, VERB, Verb
from tests.conftest import LEADER_9, REKTOR, T0, TEACHER_9
from tests.connector import Failure, FakeConnector
from tests.fakes import FakeClock
from tests.samples import form_values
from tests.teams import Harness, conversation_id, installation, running_bot

pytestmark = pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)


async def _setup(bot: Harness) -> None:
    for person in (TEACHER_9, REKTOR, LEADER_9):
        await bot.post(installation(person, service_url=bot.connector.url))


async def _report(bot: Harness, draft: str) -> None:
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_SUBMIT, DRAFT: draft, **form_values()})
    await bot.say(TEACHER_9, value={VERB: Verb.REPORT_CONFIRM, DRAFT: draft})


def _alerts(connector: FakeConnector, person: str) -> list[str]:
    """Case references of the alert cards that reached `person` (welcome cards left out)."""
    refs = []
    for request in connector.delivered(conversation_id(person)):
        text = request.card_json
        if "Bekymring for en elev" in text:
            refs.append(json.loads(text)["body"][1]["text"])
    return refs


def _is(person: str) -> object:
    return lambda method, conversation: conversation == conversation_id(person)


async def test_429_then_200(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    async with running_bot(tmp_path, clock=clock) as bot:
        await _setup(bot)
        bot.connector.failures = [Failure(429, {"Retry-After": "7"}, _is(REKTOR))]  # type: ignore[arg-type]
        await _report(bot, "a" * 32)
        await bot.deliver()
        assert _alerts(bot.connector, REKTOR) == []
        assert len(_alerts(bot.connector, LEADER_9)) == 1
        clock.advance(seconds=6)
        await bot.deliver()
        assert _alerts(bot.connector, REKTOR) == []  # Retry-After is honoured
        clock.advance(seconds=1)
        await bot.deliver()
        assert _alerts(bot.connector, REKTOR) == ["Sak 2026-0001"]
        assert _alerts(bot.connector, LEADER_9) == ["Sak 2026-0001"]


async def test_500_five_times(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    async with running_bot(tmp_path, clock=clock) as bot:
        await _setup(bot)
        bot.connector.failures = [Failure(500, match=_is(REKTOR)) for _ in range(5)]  # type: ignore[arg-type]
        await _report(bot, "b" * 32)
        for _ in range(8):
            await bot.deliver()
            clock.advance(minutes=1)
        attempts = [r for r in bot.connector.requests
                    if r.conversation_id == conversation_id(REKTOR) and r.card
                    and "Bekymring for en elev" in r.card_json]
        assert [r.status for r in attempts] == [500] * 5 + [200]
        assert _alerts(bot.connector, REKTOR) == ["Sak 2026-0001"]


async def test_connector_unreachable_for_a_minute(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    connector = FakeConnector()
    await connector.start()
    port = connector.port
    async with running_bot(tmp_path, clock=clock, connector=connector) as bot:
        await _setup(bot)
        await _report(bot, "c" * 32)
        receipts = len(connector.requests)
        await connector.stop()
        for _ in range(6):  # a minute of attempts while nobody answers
            await bot.deliver()
            clock.advance(seconds=10)
        restarted = FakeConnector()
        await restarted.start(port)
        bot.connector = restarted
        clock.advance(minutes=5)
        await bot.deliver()
        assert _alerts(restarted, REKTOR) == ["Sak 2026-0001"]
        assert _alerts(restarted, LEADER_9) == ["Sak 2026-0001"]
        await bot.deliver()
        assert len(_alerts(restarted, REKTOR)) == 1
        assert receipts > 0
        await restarted.stop()


async def test_a_chat_that_is_gone_is_opened_anew(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    async with running_bot(tmp_path, clock=clock) as bot:
        await _setup(bot)
        bot.connector.failures = [Failure(404, match=_is(REKTOR))]  # type: ignore[arg-type]
        await _report(bot, "d" * 32)
        await bot.deliver()
        clock.advance(seconds=5)
        await bot.deliver()
        [created] = bot.connector.created
        assert created["members"][0]["id"] == REKTOR
        alerts = [r for r in bot.connector.delivered(f"a:created-{REKTOR}")
                  if "Bekymring for en elev" in r.card_json]
        assert len(alerts) == 1
        assert _alerts(bot.connector, REKTOR) == []  # not in the old chat
