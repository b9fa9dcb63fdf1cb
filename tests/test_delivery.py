"""The outbox sender: retries, backoff, pacing, failure reports, card updates."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.domain.case import Case, EventKind
from bot.services.context import Services
from bot.services.delivery import DeliveryWorker, RetryPolicy, pending_failure_notice
from bot.services.ports import DeliveryError, MessageKind, MessageStatus
from bot.services.ratelimit import RateLimiter, SlidingWindows
from bot.services.reporting import act_on_case, submit_report
from tests.conftest import LEADER_9, REKTOR, TEACHER_9
from tests.fakes import FakeClock, FakeNotifier
from tests.samples import report


class VirtualTime:
    """A monotonic clock that sleeping advances: pacing is tested without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _worker(svc: Services, notifier: FakeNotifier, time: VirtualTime | None = None,
            rand: Callable[[], float] = lambda: 1.0) -> DeliveryWorker:
    time = time or VirtualTime()
    return DeliveryWorker(svc, notifier, RateLimiter(time.monotonic, time.sleep), rand=rand)


async def _report(svc: Services, draft: str = "a" * 32) -> str:
    teacher = svc.directory.person(TEACHER_9)
    assert teacher is not None
    return (await submit_report(svc, teacher, draft, report())).case.id


async def _statuses(svc: Services, case_id: str) -> dict[str, MessageStatus]:
    async with svc.uow() as uow:
        return {m.key.split(":")[0] + ":" + m.recipient_id[-3:]: m.status
                for m in await uow.outbox.for_case(case_id)}


async def test_alerts_are_sent_once(fake_services: Services) -> None:
    notifier = FakeNotifier()
    case_id = await _report(fake_services)
    worker = _worker(fake_services, notifier)
    assert await worker.run_until_idle() == 2
    assert await worker.run_until_idle() == 0
    assert sorted(m.recipient_id for m in notifier.sent) == sorted([REKTOR, LEADER_9])
    assert set((await _statuses(fake_services, case_id)).values()) == {MessageStatus.SENT}


async def test_429_waits_for_retry_after_then_delivers(fake_services: Services,
                                                       clock: FakeClock) -> None:
    notifier = FakeNotifier()
    notifier.fail_with = [DeliveryError("429", retryable=True, retry_after=30, status=429)]
    await _report(fake_services)
    worker = _worker(fake_services, notifier)
    await worker.run_until_idle()
    assert len(notifier.sent) == 1  # the other alert waits 30 s
    clock.advance(seconds=29)
    assert await worker.run_until_idle() == 0
    clock.advance(seconds=1)
    assert await worker.run_until_idle() == 1
    assert len(notifier.sent) == 2


async def test_backoff_grows_with_jitter() -> None:
    policy = RetryPolicy(base_delay=1, max_delay=60)
    assert [policy.delay(n, None, lambda: 1.0) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert policy.delay(3, None, lambda: 0.0) == 2.0  # half of 4: jitter spreads retries
    assert policy.delay(10, None, lambda: 1.0) == 60
    assert policy.delay(1, 45, lambda: 0.0) == 45


async def test_a_message_that_keeps_failing_is_flagged_and_rektor_told(
    fake_services: Services, clock: FakeClock,
) -> None:
    notifier = FakeNotifier()
    case_id = await _report(fake_services)
    notifier.fail_with = [DeliveryError("down", retryable=True, status=500)] * 20
    worker = _worker(fake_services, notifier)
    for _ in range(12):
        await worker.run_until_idle()
        clock.advance(minutes=10)
    statuses = await _statuses(fake_services, case_id)
    assert MessageStatus.FAILED in statuses.values()
    async with fake_services.uow() as uow:
        events = [e.kind for e in await uow.events.for_case(case_id)]
    assert EventKind.ALERT_FAILED in events
    # The leader's alert failed for good: rektor hears of it in chat, and on the next turn.
    notice = await pending_failure_notice(fake_services, REKTOR)
    assert notice is not None and "kunne ikke leveres" in notice
    assert await pending_failure_notice(fake_services, REKTOR) is None
    assert await pending_failure_notice(fake_services, LEADER_9) is None


async def test_a_refusal_is_not_retried(fake_services: Services) -> None:
    notifier = FakeNotifier()
    case_id = await _report(fake_services)
    notifier.fail_with = [DeliveryError("forbidden", retryable=False, status=403)]
    await _worker(fake_services, notifier).run_until_idle()
    statuses = await _statuses(fake_services, case_id)
    assert sorted(statuses.values()) == sorted([MessageStatus.FAILED, MessageStatus.SENT])
    assert len(notifier.sent) == 1


async def test_updates_replace_the_sent_card(fake_services: Services) -> None:
    notifier = FakeNotifier()
    case_id = await _report(fake_services)
    worker = _worker(fake_services, notifier)
    await worker.run_until_idle()
    async with fake_services.uow() as uow:
        from bot.services.ports import ConversationRef

        for person in (REKTOR, LEADER_9):
            await uow.conversations.upsert(ConversationRef(person, None, "http://x/", "a:1",
                                                           {}, fake_services.clock.now()))
        await uow.commit()
    await act_on_case(fake_services, case_id, LEADER_9, Case.acknowledge)
    await worker.run_until_idle()
    sent_ids = {m.recipient_id: m.activity_id for m in notifier.sent}
    assert sorted((user, activity) for user, activity, _ in notifier.updates) == sorted(
        sent_ids.items())


async def test_an_update_before_the_alert_went_out_folds_into_it(fake_services: Services
                                                                 ) -> None:
    notifier = FakeNotifier()
    case_id = await _report(fake_services)
    await act_on_case(fake_services, case_id, LEADER_9, Case.acknowledge)
    await _worker(fake_services, notifier).run_until_idle()
    assert notifier.updates == []
    assert len(notifier.sent) == 2
    assert all("Bekreftet" in str(m.payload) for m in notifier.sent)
    async with fake_services.uow() as uow:
        kinds = {m.kind: m.status for m in await uow.outbox.for_case(case_id)
                 if m.kind is MessageKind.CARD_UPDATE}
    assert kinds == {MessageKind.CARD_UPDATE: MessageStatus.SUPERSEDED}


def test_sliding_windows_follow_teams_limits() -> None:
    windows = SlidingWindows(((1.0, 7), (2.0, 8)))
    for _ in range(7):
        assert windows.delay(0.0) == 0
        windows.record(0.0)
    assert windows.delay(0.0) == pytest.approx(1.0)
    windows.record(1.0)
    assert windows.delay(1.0) == pytest.approx(1.0)  # 8 in 2 s: wait for the first to age out


async def test_a_burst_to_one_chat_is_paced() -> None:
    time = VirtualTime()
    limiter = RateLimiter(time.monotonic, time.sleep)
    for _ in range(20):
        await limiter.acquire("a:1")
    # 7 at once, then the 8-per-2-seconds window: 20 sends need at least 4 seconds.
    assert time.now >= 4.0
