"""One turn, the same on every host: the conversation answers, `ReplySender` sends its replies.

A host parses nothing and decides nothing here: it hands over the `Turn` (already checked by
`bot.hosting.inbound`) and a `ReplyChannel` over its SDK's connector for this request, and gets
back the invoke answer to write into the HTTP response.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

from bot.dialogs.turn import InvokeAnswer, Replies, Send, Turn, TurnHandler, TurnKind
from bot.services.replies import Outgoing, ReplyChannel, ReplySender

log = logging.getLogger(__name__)

APOLOGY = "Beklager, noe gikk galt hos meg. Prøv igjen om litt. Haster det, ring rektor."


class InFlight:
    """The turns being answered right now, so that the outbox sender can let them finish.

    A report queues its alerts and then sends its receipt: the sender, woken by the alerts,
    would otherwise take the event loop from the receipt. The alerts are stored and go a
    moment later; the reporter is not kept waiting for them.
    """

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def __enter__(self) -> None:
        self._count += 1
        self._idle.clear()

    def __exit__(self, *_exc: object) -> None:
        self._count -= 1
        if self._count == 0:
            self._idle.set()

    async def settled(self, at_most: float) -> None:
        """Returns when no turn is being answered, or after `at_most` seconds (a busy hour
        keeps some turn in flight all the time: the sender waits that long at the most)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), at_most)


class TurnRunner:
    def __init__(
        self, conversation: TurnHandler, sender: ReplySender, in_flight: InFlight | None = None
    ) -> None:
        self._conversation = conversation
        self._sender = sender
        self._in_flight = in_flight or InFlight()

    async def run(
        self, turn: Turn, channel: ReplyChannel, activity_id: str | None
    ) -> InvokeAnswer | None:
        """Sends the turn's replies (paced, retried, else queued) and returns its invoke answer.

        Sending never raises: what could not be sent went to the outbox or was logged, and the
        invoke answer is still given, so Teams shows the refreshed card either way.
        """
        with self._in_flight:
            return await self._run(turn, channel, activity_id)

    async def _run(
        self, turn: Turn, channel: ReplyChannel, activity_id: str | None
    ) -> InvokeAnswer | None:
        replies = await self._replies(turn, activity_id)
        items = [
            Outgoing(
                item.activity,
                None if isinstance(item, Send) else item.activity_id,
                item.stub,
                item.case_id,
            )
            for item in replies.items
        ]
        if items:
            try:
                await self._sender.deliver(
                    items,
                    channel,
                    recipient_id=turn.user_id if turn.personal else None,
                    turn_id=activity_id or uuid.uuid4().hex,
                    school=replies.school,
                )
            except Exception:
                log.exception("replies of activity %s failed", activity_id)
        return replies.invoke

    async def _replies(self, turn: Turn, activity_id: str | None) -> Replies:
        try:
            return await self._conversation.handle(turn)
        except Exception:
            # A bug, not bad input (that was refused before the turn): ids only in the log.
            log.exception(
                "turn failed: activity %s in conversation %s", activity_id, turn.conversation_id
            )
            replies = Replies()
            if turn.kind is TurnKind.CARD_ACTION:
                replies.invoke = InvokeAnswer.message(APOLOGY)
            elif turn.kind is TurnKind.MESSAGE:
                replies.text(APOLOGY)
            return replies


def sdk_failed(activity_id: str | None, error: Exception) -> None:
    """An error the SDK itself raised in a turn (the turn's own are handled in it): ids only."""
    log.error(
        "turn failed in the SDK: activity %s: %s",
        activity_id,
        type(error).__name__,
        exc_info=error,
    )
