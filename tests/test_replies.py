"""Replies survive throttling: retried within the turn, else handed to the outbox, never lost."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.services.context import Services
from bot.services.ports import DeliveryError, MessageKind, MessageStatus
from bot.services.ratelimit import RateLimiter
from bot.services.replies import Outgoing, ReplySender
from tests.conftest import T0, TEACHER_9
from tests.connector import Failure, FakeConnector, TeamsLimits
from tests.fakes import FakeClock
from tests.teams import activity, conversation_id, running_bot


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


class FakeChannel:
    """Answers each send with the next scripted failure, then succeeds."""

    conversation_id = "a:chat"

    def __init__(self, failures: list[DeliveryError]) -> None:
        self.failures = failures
        self.sent: list[dict[str, Any]] = []
        self.updated: list[tuple[str, dict[str, Any]]] = []

    async def send(self, activity: dict[str, Any]) -> str | None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(activity)
        return f"1:{len(self.sent)}"

    async def update(self, activity_id: str, activity: dict[str, Any]) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.updated.append((activity_id, activity))


def _sender(svc: Services, clock: FakeTime) -> ReplySender:
    limiter = RateLimiter(clock.monotonic, clock.sleep)
    return ReplySender(svc, limiter, monotonic=clock.monotonic, sleep=clock.sleep)


def _texts(n: int) -> list[Outgoing]:
    return [Outgoing({"type": "message", "text": f"svar {i}"}) for i in range(n)]


async def test_a_429_within_the_turn_is_retried_after_retry_after(fake_services: Services
                                                                  ) -> None:
    clock = FakeTime()
    channel = FakeChannel([DeliveryError("429", retryable=True, retry_after=2, status=429),
                           DeliveryError("502", retryable=True, status=502)])
    handed = await _sender(fake_services, clock).deliver(_texts(2), channel,
                                                         recipient_id=TEACHER_9, turn_id="t1")
    assert handed == 0
    assert [a["text"] for a in channel.sent] == ["svar 0", "svar 1"]
    assert clock.now >= 2.0  # Retry-After honoured, never shortened


async def test_what_the_turn_cannot_wait_for_goes_to_the_outbox_in_order(
    fake_services: Services,
) -> None:
    clock = FakeTime()
    channel = FakeChannel([DeliveryError("429", retryable=True, retry_after=30, status=429)])
    items = [*_texts(2), Outgoing({"type": "message", "text": "kort"}, update_of="1:9")]
    handed = await _sender(fake_services, clock).deliver(items, channel,
                                                         recipient_id=TEACHER_9, turn_id="t2")
    assert handed == 3 and channel.sent == []
    async with fake_services.uow() as uow:
        queued = [await uow.outbox.get(f"reply:t2:{n}") for n in range(3)]
    assert all(m is not None and m.status is MessageStatus.PENDING for m in queued)
    first, second, update = (m for m in queued if m is not None)
    assert first.kind is MessageKind.NOTICE and first.payload["text"] == "svar 0"
    assert first.next_attempt_at == T0 + timedelta(seconds=30)  # as Teams asked
    assert first.next_attempt_at < second.next_attempt_at < update.next_attempt_at
    assert update.kind is MessageKind.CARD_UPDATE and update.activity_id == "1:9"


async def test_a_refused_reply_is_logged_not_retried_forever(fake_services: Services) -> None:
    clock = FakeTime()
    channel = FakeChannel([DeliveryError("400", retryable=False, status=400)])
    handed = await _sender(fake_services, clock).deliver(_texts(2), channel,
                                                         recipient_id=TEACHER_9, turn_id="t3")
    assert handed == 0 and [a["text"] for a in channel.sent] == ["svar 1"]


async def test_replies_share_the_chats_budget_and_wait_for_it(fake_services: Services) -> None:
    """Teams allows 8 messages in 2 s per chat: the ninth waits, inside the turn's budget."""
    clock = FakeTime()
    channel = FakeChannel([])
    handed = await _sender(fake_services, clock).deliver(_texts(9), channel,
                                                         recipient_id=TEACHER_9, turn_id="t4")
    assert handed == 0 and len(channel.sent) == 9
    assert 2.0 <= clock.now < 3.0


@pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)
async def test_over_http_a_throttled_reply_arrives_after_the_turn(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    async with running_bot(tmp_path, clock=clock) as bot:
        bot.connector.failures = [Failure(429, {"Retry-After": "30"})]
        response = await bot.say(TEACHER_9, "hjelp")
        assert response.status in (200, 201)
        assert bot.to(TEACHER_9) == []  # Teams said «later»
        clock.advance(seconds=31)
        await bot.deliver()
        [reply] = bot.to(TEACHER_9)
        assert reply.card is not None and "Meld fra" in reply.card_json
        clock.advance(seconds=600)
        await bot.deliver()
        assert len(bot.to(TEACHER_9)) == 1  # exactly once


@pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)
async def test_a_burst_in_one_chat_against_teams_limits_loses_nothing(tmp_path: Path) -> None:
    connector = FakeConnector()
    connector.limits = TeamsLimits()
    async with running_bot(tmp_path, connector=connector, background=True) as bot:
        await asyncio.gather(*(bot.say(TEACHER_9, "hjelp") for _ in range(12)))
        await connector.wait_for(lambda c: len(c.delivered(conversation_id(TEACHER_9))) >= 12,
                                 timeout=20)
        await asyncio.sleep(0.5)
        assert len(bot.to(TEACHER_9)) == 12


def _silent_server() -> tuple[socket.socket, int]:
    """Accepts connections and never answers: a serviceUrl that hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(100)
    port: int = server.getsockname()[1]
    return server, port


@pytest.mark.usefixtures("sdk")  # on both hosts (tests/conftest.py)
async def test_a_service_url_that_never_answers_fails_fast(tmp_path: Path) -> None:
    server, port = _silent_server()
    try:
        async with running_bot(tmp_path, clock=FakeClock(T0)) as bot:
            started = time.monotonic()
            body = activity(TEACHER_9, service_url=f"http://127.0.0.1:{port}/", text="hjelp")
            response = await bot.post(body)
            took = time.monotonic() - started
            assert response.status in (200, 201)
            assert took < 9.0, took  # under Teams' 15 s for the whole turn
            async with bot.runtime.services.uow() as uow:
                handed = await uow.outbox.get(f"reply:{body['id']}:0")
            assert handed is not None and json.dumps(handed.payload)
    finally:
        server.close()
