"""Sends what a turn answers: paced, retried within the turn, and never lost after it.

A reply shares the app's one send budget with alerts and reminders (Teams counts them
together: per chat, and about 50 requests a second per app and tenant). A reply that Teams
throttles or fails is retried, honouring Retry-After, while the turn can still wait; what
cannot be sent in time goes to the outbox, which delivers it as soon as Teams lets it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from bot.services.context import Services
from bot.services.messages import outbox_message, stub_update
from bot.services.ports import DeliveryError, MessageKind
from bot.services.ratelimit import RateLimiter

log = logging.getLogger(__name__)

TURN_BUDGET_S = 8.0
"""How long a turn may spend sending: Teams gives up on a bot after 15 s."""
FIRST_RETRY_S = 0.5


class ReplyChannel(Protocol):
    """The chat a turn came from, as a host can reach it while the turn lasts."""

    @property
    def conversation_id(self) -> str: ...

    async def send(self, activity: dict[str, Any]) -> str | None:
        """Raises `DeliveryError` classified by what the channel answered."""
        ...

    async def update(self, activity_id: str, activity: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class Outgoing:
    activity: dict[str, Any]
    update_of: str | None = None
    """The message this one replaces in place; None for a new message."""
    stub: dict[str, Any] | None = None
    """What replaces it in the chat after `[privacy] card_minutes` (it shows free text)."""
    case_id: str | None = None


class ReplySender:
    def __init__(
        self,
        svc: Services,
        limiter: RateLimiter,
        *,
        schools: Callable[[str], Services | None] | None = None,
        budget_s: float = TURN_BUDGET_S,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._svc = svc
        self._schools = schools
        """The turn's school, by id, when the deployment has several: its outbox queues the
        replies that could not be sent and the stubs of its cards."""
        self._limiter = limiter
        self._budget = budget_s
        self._monotonic = monotonic
        self._sleep = sleep

    async def deliver(
        self,
        items: Sequence[Outgoing],
        channel: ReplyChannel,
        *,
        recipient_id: str | None,
        turn_id: str,
        school: str | None = None,
    ) -> int:
        """Sends in order; returns how many went to the outbox instead."""
        svc = (self._schools(school) if school and self._schools else None) or self._svc
        deadline = self._monotonic() + self._budget
        stubs: list[tuple[str, dict[str, Any], str | None]] = []
        handed = 0
        for index, item in enumerate(items):
            sent, retry_after = await self._send(item, channel, deadline)
            if retry_after is not None:
                await self._hand_over(svc, items[index:], recipient_id, turn_id, index, retry_after)
                handed = len(items) - index
                break
            if sent is not None and item.stub is not None:
                stubs.append((sent, item.stub, item.case_id))
        if stubs and recipient_id is not None:
            await self._schedule_stubs(svc, recipient_id, stubs)
        return handed

    @staticmethod
    async def _schedule_stubs(
        svc: Services, recipient_id: str, stubs: list[tuple[str, dict[str, Any], str | None]]
    ) -> None:
        now = svc.clock.now()
        minutes = svc.school.privacy.card_minutes
        async with svc.uow() as uow:
            for activity_id, stub, case_id in stubs:
                await uow.outbox.enqueue_update(
                    stub_update(recipient_id, activity_id, stub, now, minutes, case_id=case_id)
                )
            await uow.commit()

    async def _send(
        self, item: Outgoing, channel: ReplyChannel, deadline: float
    ) -> tuple[str | None, float | None]:
        """The message's id once sent, or the seconds the outbox should wait before it sends
        it instead ((None, None): dropped as undeliverable)."""
        delay = FIRST_RETRY_S
        while True:
            left = deadline - self._monotonic()
            if left <= 0 or not await self._limiter.acquire(channel.conversation_id, max_wait=left):
                return None, 0.0
            try:
                if item.update_of is not None:
                    await channel.update(item.update_of, item.activity)
                    return item.update_of, None
                return await channel.send(item.activity), None
            except DeliveryError as error:
                if error.status in (403, 404) or error.status is None:
                    # The chat is gone (the outbox opens it anew), or the channel did not
                    # answer at all: a second try would not fit in the turn.
                    return None, max(0.0, error.retry_after or 0.0)
                if not error.retryable:
                    log.error(
                        "reply to conversation %s refused for good (status %s)",
                        channel.conversation_id,
                        error.status,
                    )
                    return None, None
                wait = max(delay, error.retry_after or 0.0)
                if self._monotonic() + wait > deadline:
                    return None, wait
                log.info(
                    "reply throttled or failed (status %s); retry in %.1fs", error.status, wait
                )
                await self._sleep(wait)
                delay *= 2

    @staticmethod
    async def _hand_over(
        svc: Services,
        items: Sequence[Outgoing],
        recipient_id: str | None,
        turn_id: str,
        first: int,
        retry_after: float,
    ) -> None:
        if recipient_id is None:
            log.error("%d replies could not be sent and have no recipient to queue for", len(items))
            return
        now = svc.clock.now()
        start = now + timedelta(seconds=retry_after)
        async with svc.uow() as uow:
            for offset, item in enumerate(items):
                key = f"reply:{turn_id}:{first + offset}"
                # A millisecond apart: the outbox sends a chat's messages in this order.
                due = start + timedelta(milliseconds=offset)
                if item.update_of is None:
                    message = outbox_message(
                        key,
                        MessageKind.NOTICE,
                        recipient_id,
                        item.activity,
                        now,
                        not_before=due,
                        stub=item.stub,
                        case_id=item.case_id,
                    )
                else:
                    message = outbox_message(
                        key,
                        MessageKind.CARD_UPDATE,
                        recipient_id,
                        item.activity,
                        now,
                        activity_id=item.update_of,
                        not_before=due,
                        stub=item.stub,
                        case_id=item.case_id,
                    )
                await uow.outbox.enqueue(message)
            await uow.commit()
        svc.outbox_ready.set()
        log.warning("%d replies handed to the outbox for %s", len(items), recipient_id)
