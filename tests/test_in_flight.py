"""The outbox sender lets the turns being answered finish first: a report's receipt goes out
before the alerts it queued, and a busy hour holds the sender back only so long."""

from __future__ import annotations

import asyncio

from bot.dialogs.turn import Replies, Turn, TurnKind
from bot.hosting.turns import APOLOGY, InFlight, TurnRunner
from bot.services.context import Services
from bot.services.ratelimit import RateLimiter
from bot.services.replies import ReplySender
from tests.conftest import TEACHER_9
from tests.test_replies import FakeChannel, FakeTime


class Held:
    """A conversation that answers once it is let go; it can also fail instead."""

    def __init__(self, *, fails: bool = False) -> None:
        self.go = asyncio.Event()
        self.started = asyncio.Event()
        self.fails = fails

    async def handle(self, turn: Turn) -> Replies:
        self.started.set()
        await self.go.wait()
        if self.fails:
            raise RuntimeError("a bug in the turn")
        out = Replies()
        out.text("Kvittering")
        return out


async def _settles_at_once(in_flight: InFlight) -> bool:
    """Whether `settled` returns within a few turns of the event loop (no turn in flight)."""
    settled = asyncio.create_task(in_flight.settled(at_most=60))
    for _ in range(20):
        await asyncio.sleep(0)
    if not settled.done():
        settled.cancel()
        return False
    return True


def _turn() -> Turn:
    return Turn(TurnKind.MESSAGE, TEACHER_9, "Lærer", "a:chat", text="send")


def _runner(svc: Services, conversation: Held, in_flight: InFlight) -> TurnRunner:
    clock = FakeTime()
    sender = ReplySender(svc, RateLimiter(clock.monotonic, clock.sleep),
                         monotonic=clock.monotonic, sleep=clock.sleep)
    return TurnRunner(conversation, sender, in_flight)


async def test_the_sender_waits_until_the_turn_has_sent_its_reply(
    fake_services: Services,
) -> None:
    in_flight = InFlight()
    conversation = Held()
    channel = FakeChannel([])
    turn = asyncio.create_task(_runner(fake_services, conversation, in_flight).run(
        _turn(), channel, "activity-1"))
    await conversation.started.wait()
    sender = asyncio.create_task(in_flight.settled(at_most=60))
    for _ in range(20):
        await asyncio.sleep(0)
    assert not sender.done()  # the turn is still being answered

    conversation.go.set()
    await sender
    # By the time the sender may go on, the turn's reply has been sent.
    assert [a["text"] for a in channel.sent] == ["Kvittering"]
    await turn


async def test_a_failed_turn_is_no_longer_in_flight(fake_services: Services) -> None:
    in_flight = InFlight()
    conversation = Held(fails=True)
    conversation.go.set()
    channel = FakeChannel([])
    await _runner(fake_services, conversation, in_flight).run(_turn(), channel, "activity-2")
    assert [a["text"] for a in channel.sent] == [APOLOGY]
    assert await _settles_at_once(in_flight)


async def test_a_busy_hour_holds_the_sender_back_only_so_long() -> None:
    in_flight = InFlight()
    with in_flight:
        # Some turn is always being answered: the sender goes on after `at_most`.
        await in_flight.settled(at_most=0.01)
        with in_flight:
            pass
        await in_flight.settled(at_most=0.01)  # still one in flight: the count, not a flag
    assert await _settles_at_once(in_flight)
