"""Delivers the outbox: alerts, card updates and notices, each exactly once where Teams allows.

A message is leased before it is sent and marked sent in the same breath as the send returns,
so a restart resends only what was not yet answered. Failures are retried with exponential
backoff and jitter (honouring Retry-After); a message that still fails is flagged, logged by id,
and rektor is told, at the latest the next time rektor writes to the bot.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.domain.case import CaseEvent, EventKind
from bot.services.context import Services
from bot.services.messages import outbox_message, stub_update, text_activity
from bot.services.owner import record_notice_delivered
from bot.services.ports import (
    ConversationRef,
    DeliveryError,
    MessageKind,
    MessageStatus,
    Notifier,
    OutboxMessage,
    UnitOfWork,
)
from bot.services.ratelimit import RateLimiter

log = logging.getLogger(__name__)

T = TypeVar("T")

CHAT_GONE = frozenset({403, 404})
"""What Teams answers for a chat the bot may no longer post to."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_delay: float = 1.0
    max_delay: float = 300.0

    def delay(self, attempts: int, retry_after: float | None, rand: Callable[[], float]) -> float:
        """Full jitter on an exponential base; Retry-After is a floor, never shortened."""
        exponential = min(self.max_delay, self.base_delay * 2.0 ** max(0, attempts - 1))
        jittered = exponential / 2 + rand() * exponential / 2
        return max(jittered, retry_after or 0.0)


class DeliveryWorker:
    def __init__(
        self,
        svc: Services,
        notifier: Notifier,
        limiter: RateLimiter,
        *,
        policy: RetryPolicy | None = None,
        batch: int = 50,
        concurrency: int = 6,
        lease: timedelta = timedelta(seconds=30),
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._svc = svc
        self._notifier = notifier
        self.limiter = limiter
        """The app's one send budget, shared with the replies sent in turns."""
        self._policy = policy or RetryPolicy()
        self._batch = batch
        self._semaphore = asyncio.Semaphore(concurrency)
        self._lease = lease
        self._rand = rand
        self._inflight: set[asyncio.Future[Any]] = set()
        self._sending: set[str] = set()
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self.owner = uuid.uuid4().hex

    async def pump(self) -> int:
        """Claims what is due and starts sending it; returns how many messages it claimed.

        Sends run as tasks and the next pump does not wait for them: a burst to one chat (rektor
        gets every alert) is paced by that chat's limit and must not hold up other chats.
        """
        room = self._batch - len(self._inflight)
        if room <= 0:
            return 0
        now = self._svc.clock.now()
        async with self._svc.uow() as uow:
            messages = await uow.outbox.claim_due(now, self.owner, now + self._lease, room)
            await uow.commit()
        if not messages:
            return 0
        # Updates first: one whose alert has not started sending folds into it, so the
        # recipient gets one message with the newest card instead of a message and an edit.
        updates = [m for m in messages if m.kind is MessageKind.CARD_UPDATE]
        others = [m for m in messages if m.kind is not MessageKind.CARD_UPDATE]
        plans = await asyncio.gather(*(self._guarded(self._plan_update(m)) for m in updates))
        for message, plan in zip(updates, plans, strict=True):
            if plan is not None:
                self._start(self._send(message, *plan))
        for message in others:
            self._sending.add(message.key)
            self._start(self._send_new(message))
        return len(messages)

    async def run_until_idle(self, max_passes: int = 100_000) -> int:
        """Pumps until nothing is due and nothing is in flight (tests, the CLI, shutdown)."""
        total = 0
        for _ in range(max_passes):
            started = await self.pump()
            total += started
            if not self._inflight:
                if started == 0:
                    break
                continue
            await asyncio.wait(self._inflight, return_when=asyncio.FIRST_COMPLETED)
        return total

    @property
    def busy(self) -> bool:
        return bool(self._inflight)

    async def drain(self, seconds: float) -> None:
        """At shutdown: lets sends under way finish, so they are recorded as sent."""
        if self._inflight:
            await asyncio.wait(self._inflight, timeout=seconds)

    def _start(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(self._guarded(work))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def _guarded(self, work: Awaitable[T]) -> T | None:
        try:
            return await work
        except Exception:
            # An unexpected bug must not kill the sender; the lease expires and it is retried.
            log.exception("outbox: unexpected error")
            return None

    async def _plan_update(
        self, message: OutboxMessage
    ) -> tuple[ConversationRef | None, OutboxMessage] | None:
        """Folds, drops or postpones a card update; returns what a PUT needs, if one is due."""
        now = self._svc.clock.now()
        if message.target_key is None and message.activity_id is not None:
            # A turn's card update that could not be sent during the turn: its message is
            # known by its activity id alone.
            async with self._svc.uow() as uow:
                return await uow.conversations.get(message.recipient_id), message
        async with self._svc.uow() as uow:
            target = await uow.outbox.get(message.target_key) if message.target_key else None
            if target is None or target.status in (
                MessageStatus.FAILED,
                MessageStatus.SUPERSEDED,
            ):
                message.status = MessageStatus.SUPERSEDED
                await uow.outbox.finish(message)
                await uow.commit()
                return None
            sending_elsewhere = target.lease_owner not in (None, self.owner) and (
                target.lease_until is not None and target.lease_until > now
            )
            if target.status is MessageStatus.PENDING and (
                target.key in self._sending or sending_elsewhere
            ):
                # The alert is on its way right now: edit it once it has arrived.
                message.next_attempt_at = now + timedelta(seconds=2)
                await uow.outbox.finish(message)
                await uow.commit()
                return None
            if target.status is MessageStatus.PENDING:
                # Not sent yet: the alert itself goes out with the newest card.
                target.payload = message.payload
                await uow.outbox.save(target)
                message.status = MessageStatus.SUPERSEDED
                await uow.outbox.finish(message)
                await uow.commit()
                return None
            conversation = await uow.conversations.get(message.recipient_id)
        return conversation, target

    async def _send_new(self, message: OutboxMessage) -> None:
        try:
            async with self._svc.uow() as uow:
                current = await uow.outbox.get(message.key)
                conversation = await uow.conversations.get(message.recipient_id)
            if current is None or current.status is not MessageStatus.PENDING:
                return
            message.payload = current.payload  # an update may have folded into it
            await self._send(message, conversation, None)
        finally:
            self._sending.discard(message.key)

    async def _send(
        self,
        message: OutboxMessage,
        conversation: ConversationRef | None,
        target: OutboxMessage | None,
    ) -> None:
        """One send at a time per chat, recorded before the next starts.

        Messages then arrive in order, and a crash can leave at most one message per chat
        delivered but not yet recorded (the one send that can repeat after a restart).
        """
        conversation_key = conversation.conversation_id if conversation else message.recipient_id
        lock = self._chat_locks.setdefault(conversation_key, asyncio.Lock())
        async with lock:
            await self._send_in_order(message, conversation, target, conversation_key)

    async def _send_in_order(
        self,
        message: OutboxMessage,
        conversation: ConversationRef | None,
        target: OutboxMessage | None,
        conversation_key: str,
    ) -> None:
        activity_id: str | None
        created: ConversationRef | None
        # Wait for the chat's rate limit before taking a sending slot: a burst to rektor's chat
        # must not hold up the leaders' alerts behind it.
        await self.limiter.acquire(conversation_key)
        try:
            async with self._semaphore:
                if message.kind is MessageKind.CARD_UPDATE:
                    assert target is not None
                    assert target.activity_id is not None
                    if conversation is None:
                        raise DeliveryError("no conversation stored", retryable=False)
                    await self._notifier.update(conversation, target.activity_id, message.payload)
                    activity_id, created = target.activity_id, None
                else:
                    delivered = await self._notifier.send(
                        message.recipient_id, conversation, message.payload
                    )
                    activity_id, created = delivered.activity_id, delivered.conversation
        except DeliveryError as error:
            if (
                error.status in CHAT_GONE
                and conversation is not None
                and message.kind is not MessageKind.CARD_UPDATE
            ):
                # The chat is gone (the app was removed, or the client forgot it): forget the
                # stored reference, so the next attempt opens the chat anew.
                async with self._svc.uow() as uow:
                    await uow.conversations.delete(message.recipient_id)
                    await uow.commit()
                error = DeliveryError(
                    str(error), retryable=True, retry_after=0, status=error.status
                )
            await self._failed(message, error)
            return

        now = self._svc.clock.now()
        async with self._svc.uow() as uow:
            if created is not None:
                await uow.conversations.upsert(created)
            message.status = MessageStatus.SENT
            message.activity_id = activity_id
            reached = created or conversation
            message.conversation_id = reached.conversation_id if reached else None
            message.sent_at = now
            message.attempts += 1
            message.last_error = None
            still_current = await uow.outbox.finish(message)
            await record_notice_delivered(uow, self._svc, message, now)
            if message.stub is not None and activity_id is not None:
                await uow.outbox.enqueue_update(
                    stub_update(
                        message.recipient_id,
                        activity_id,
                        message.stub,
                        now,
                        self._svc.school.privacy.card_minutes,
                        case_id=message.case_id,
                    )
                )
            if message.kind is MessageKind.ALERT and message.case_id:
                await uow.events.append(
                    [
                        CaseEvent(
                            message.case_id,
                            EventKind.ALERT_SENT,
                            None,
                            now,
                            {"recipient": message.recipient_id, "key": message.key},
                        )
                    ]
                )
            await uow.commit()
        if not still_current:
            # A newer card arrived while this one was on its way: send that one too.
            self._svc.outbox_ready.set()
        log.info(
            "outbox %s (%s) delivered to %s", message.id, message.kind.value, message.recipient_id
        )

    async def _failed(self, message: OutboxMessage, error: DeliveryError) -> None:
        now = self._svc.clock.now()
        message.attempts += 1
        message.last_error = f"{error.status or ''} {error}".strip()[:500]
        give_up = not error.retryable or message.attempts >= self._policy.max_attempts
        async with self._svc.uow() as uow:
            if give_up:
                message.status = MessageStatus.FAILED
                events: list[CaseEvent] = []
                # A reply the turn could not send or a chat stub is no part of the case's
                # history: only what the bot was to tell someone about the case is.
                if message.case_id and not message.key.startswith(("reply:", "stub:")):
                    events.append(
                        CaseEvent(
                            message.case_id,
                            EventKind.ALERT_FAILED,
                            None,
                            now,
                            {
                                "recipient": message.recipient_id,
                                "key": message.key,
                                "status": str(error.status or ""),
                            },
                        )
                    )
                await uow.outbox.finish(message)
                await uow.events.append(events)
                await self._tell_rektor(uow, message, now)
                log.error(
                    "outbox %s to %s failed for good after %d attempts (status %s)",
                    message.id,
                    message.recipient_id,
                    message.attempts,
                    error.status,
                )
            else:
                delay = self._policy.delay(message.attempts, error.retry_after, self._rand)
                message.status = MessageStatus.PENDING
                message.next_attempt_at = now + timedelta(seconds=delay)
                message.lease_until = None
                message.lease_owner = None
                await uow.outbox.finish(message)
                log.warning(
                    "outbox %s attempt %d failed (%s), retry in %.1fs",
                    message.id,
                    message.attempts,
                    error,
                    delay,
                )
            await uow.commit()

    async def _tell_rektor(self, uow: UnitOfWork, message: OutboxMessage, now: datetime) -> None:
        """Queues a plain notice to rektor unless the failed message was rektor's own."""
        rektor = self._svc.directory.rektor()
        if rektor is None or rektor.aad_object_id == message.recipient_id:
            return
        if message.kind is not MessageKind.ALERT:
            return
        await uow.outbox.enqueue(
            outbox_message(
                f"failed:{message.key}",
                MessageKind.NOTICE,
                rektor.aad_object_id,
                text_activity(undeliverable_text([message], self._svc)),
                now,
                case_id=message.case_id,
            )
        )


def undeliverable_text(messages: list[OutboxMessage], svc: Services) -> str:
    lines = ["⚠️ Noen varsler kunne ikke leveres i Teams. Ta kontakt med mottakerne på annen måte:"]
    for message in messages:
        person = svc.directory.person(message.recipient_id)
        name = person.name if person else message.recipient_id
        lines.append(f"- {name} (varsel {message.key.split(':')[0]}, sak-id {message.case_id})")
    return "\n".join(lines)


async def pending_failure_notice(svc: Services, person_id: str) -> str | None:
    """For rektor's next turn: alerts that failed and rektor has not been told about in chat."""
    rektor = svc.directory.rektor()
    if rektor is None or rektor.aad_object_id != person_id:
        return None
    now = svc.clock.now()
    async with svc.uow() as uow:
        failed = [m for m in await uow.outbox.failed_unreported() if m.kind is MessageKind.ALERT]
        if not failed:
            return None
        for message in failed:
            message.failure_reported_at = now
            await uow.outbox.save(message)
        await uow.commit()
    return undeliverable_text(failed, svc)
