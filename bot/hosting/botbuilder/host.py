"""The conversation on botbuilder: a `Turn` in, the turn's replies and invoke answer out.

All the bot's behaviour is in `bot.dialogs`; this is the thin part that speaks the SDK: it
hands the turn to the conversation, sends the replies through the shared `ReplySender` (so
they are paced, retried and never lost) and gives the adapter the invoke answer.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes

from bot.dialogs.turn import InvokeAnswer, Replies, Send, Turn, TurnHandler, TurnKind
from bot.hosting.botbuilder.endpoint import handle_messages
from bot.hosting.botbuilder.notifier import delivery_error, tune_connector
from bot.services.ports import Notifier
from bot.services.replies import Outgoing, ReplySender

log = logging.getLogger(__name__)

APOLOGY = "Beklager, noe gikk galt hos meg. Prøv igjen om litt. Haster det, ring rektor."


class TurnChannel:
    """The chat of the turn, through the SDK's connector client for this request."""

    def __init__(self, turn_context: TurnContext) -> None:
        self._context = turn_context
        tune_connector(turn_context)

    @property
    def conversation_id(self) -> str:
        conversation = self._context.activity.conversation
        return str(conversation.id) if conversation is not None else ""

    async def send(self, activity: dict[str, Any]) -> str | None:
        try:
            response = await self._context.send_activity(Activity().deserialize(activity))
        except Exception as error:  # the SDK raises msrest's and requests' errors as they come
            raise delivery_error(error) from error
        return response.id if response is not None else None

    async def update(self, activity_id: str, activity: dict[str, Any]) -> None:
        update = Activity().deserialize(activity)
        update.id = activity_id
        try:
            await self._context.update_activity(update)
        except Exception as error:
            raise delivery_error(error) from error


class BotbuilderHost:
    name = "botbuilder"

    def __init__(
        self,
        conversation: TurnHandler,
        sender: ReplySender,
        *,
        adapter: CloudAdapter,
        notifier: Notifier,
    ) -> None:
        self._conversation = conversation
        self._sender = sender
        self.adapter = adapter
        self.notifier = notifier

    async def messages(self, request: web.Request) -> web.Response:
        return await handle_messages(request, self.adapter, self)

    def logic(self, turn: Turn) -> Callable[[TurnContext], Awaitable[None]]:
        """The adapter's callback for this request; `turn` was parsed and checked already."""

        async def run(turn_context: TurnContext) -> None:
            replies = await self._replies(turn, turn_context)
            items = [
                Outgoing(
                    item.activity,
                    None if isinstance(item, Send) else item.activity_id,
                    item.stub,
                )
                for item in replies.items
            ]
            if items:
                try:
                    await self._sender.deliver(
                        items,
                        TurnChannel(turn_context),
                        recipient_id=turn.user_id if turn.personal else None,
                        turn_id=turn_context.activity.id or uuid.uuid4().hex,
                    )
                except Exception:
                    log.exception("replies of activity %s failed", turn_context.activity.id)
            if turn_context.activity.type == ActivityTypes.invoke:
                # An invoke the bot does not handle (not a card action) is refused as such.
                answer = (
                    InvokeResponse(status=200, body=replies.invoke.body)
                    if replies.invoke is not None
                    else InvokeResponse(status=400, body={"error": "unsupported invoke"})
                )
                await turn_context.send_activity(
                    Activity(type=ActivityTypes.invoke_response, value=answer)
                )

        return run

    async def _replies(self, turn: Turn, turn_context: TurnContext) -> Replies:
        try:
            return await self._conversation.handle(turn)
        except Exception:
            # A bug, not bad input (that was refused before the turn): ids only in the log.
            log.exception(
                "turn failed: activity %s in conversation %s",
                turn_context.activity.id,
                turn.conversation_id,
            )
            replies = Replies()
            if turn.kind is TurnKind.CARD_ACTION:
                replies.invoke = InvokeAnswer.message(APOLOGY)
            elif turn.kind is TurnKind.MESSAGE:
                replies.text(APOLOGY)
            return replies


def build_adapter_callbacks(adapter: CloudAdapter) -> None:
    """Errors the SDK itself raises in a turn (ours are handled in the turn): ids only."""

    async def on_error(turn_context: TurnContext, error: Exception) -> None:
        log.error(
            "turn failed in the SDK: activity %s: %s",
            turn_context.activity.id,
            type(error).__name__,
            exc_info=error,
        )

    adapter.on_turn_error = on_error
